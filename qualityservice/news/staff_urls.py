"""Staff pages, under ``staff/news/`` (namespace ``news``: ``reverse("news:list")``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.article_list, name="list"),
    path("new/", views.article_edit, name="new"),
    path("images/", views.body_image_upload, name="image_upload"),
    path("<int:pk>/", views.article_detail, name="detail"),
    path("<int:pk>/edit/", views.article_edit, name="edit"),
    path("<int:pk>/compare/", views.article_compare, name="compare"),
    path("<int:pk>/move/", views.article_move, name="move"),
    path("<int:pk>/approval-link/", views.article_approval_link, name="approval_link"),
    path("bulletins/", views.bulletin_list, name="bulletins"),
    path("bulletins/new/", views.bulletin_new, name="bulletin_new"),
    path("bulletins/<int:pk>/", views.bulletin_detail, name="bulletin"),
    path("bulletins/<int:pk>/edit/", views.bulletin_edit, name="bulletin_edit"),
    path("bulletins/<int:pk>/articles/", views.bulletin_articles, name="bulletin_articles"),
    path("bulletins/<int:pk>/articles/<int:item>/", views.bulletin_article_change, name="bulletin_article_change"),
    path("bulletins/<int:pk>/assemble/", views.bulletin_assemble, name="bulletin_assemble"),
    path("bulletins/<int:pk>/move/", views.bulletin_move, name="bulletin_move"),
    path("bulletins/<int:pk>/pdf/", views.bulletin_pdf, name="bulletin_pdf"),
    path("bulletins/<int:pk>/docx/", views.bulletin_docx, name="bulletin_docx"),
]
