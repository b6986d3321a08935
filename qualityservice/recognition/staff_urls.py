"""Staff pages, under ``staff/recognition/`` (namespace ``recognition``: ``reverse("recognition:list")``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.nomination_list, name="list"),
    path("new/", views.nomination_edit, name="new"),
    path("<int:pk>/", views.nomination_detail, name="detail"),
    path("<int:pk>/edit/", views.nomination_edit, name="edit"),
    path("<int:pk>/move/", views.nomination_move, name="move"),
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/new/", views.round_edit, name="round_new"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("rounds/<int:pk>/move/", views.round_move, name="round_move"),
    path("rounds/<int:pk>/check/", views.round_check, name="round_check"),
    path("<int:pk>/facts/", views.nomination_facts, name="facts"),
]
