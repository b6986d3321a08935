"""Staff pages, under ``staff/recognition/`` (namespace ``recognition``: ``reverse("recognition:list")``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.item_list, name="list"),
    path("new/", views.item_edit, name="new"),
    path("<int:pk>/", views.item_detail, name="detail"),
    path("<int:pk>/edit/", views.item_edit, name="edit"),
    path("<int:pk>/move/", views.item_move, name="move"),
]
