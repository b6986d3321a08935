"""Staff pages, under ``staff/recognition/`` (namespace ``recognition``: ``reverse("recognition:list")``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.nomination_list, name="list"),
    path("new/", views.nomination_edit, name="new"),
    path("<int:pk>/", views.nomination_detail, name="detail"),
    path("<int:pk>/edit/", views.nomination_edit, name="edit"),
    path("<int:pk>/move/", views.nomination_move, name="move"),
]
