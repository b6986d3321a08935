"""Staff pages, under ``staff/campaigns/`` (namespace ``campaigns``: ``reverse("campaigns:list")``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_edit, name="new"),
    path("copy/", views.campaign_copy, name="copy"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("<int:pk>/move/", views.campaign_move, name="move"),
    path("<int:campaign_pk>/menu/new/", views.menu_edit, name="menu_new"),
    path("menu/<int:pk>/edit/", views.menu_edit, name="menu_edit"),
    path("<int:pk>/plan/", views.plan, name="plan"),
    path("<int:pk>/adopt/", views.adopt, name="adopt"),
    path("<int:pk>/activities/new/", views.activity_new, name="activity_new"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/move/", views.activity_move, name="activity_move"),
    path("activities/<int:pk>/drop/", views.activity_drop, name="activity_drop"),
    path("activities/<int:pk>/report/", views.report_new, name="report_new"),
    path("files/<int:pk>/", views.report_file, name="file"),
    path("files/<int:pk>/public/", views.report_file_public, name="file_public"),
    path("board/", views.board, name="board"),
    path("board/export/", views.board_export, name="board_export"),
    path("participation/", views.participation, name="participation"),
    path("affiliations/", views.affiliations, name="affiliations"),
    path("affiliations/<int:pk>/", views.affiliation_save, name="affiliation_save"),
]
