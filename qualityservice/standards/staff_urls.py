"""Staff pages, under ``staff/standards/`` (namespace ``standards``: ``reverse("standards:list")``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.procedure_list, name="list"),
    path("new/", views.procedure_new, name="new"),
    path("<int:pk>/", views.procedure_detail, name="detail"),
    path("<int:pk>/versions/new/", views.version_new, name="new_version"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path("versions/<int:pk>/file/", views.version_file, name="version_file"),
    path("export.xlsx", views.procedure_export, name="export"),
    path("not-updated/", views.not_updated, name="not_updated"),
    path("posts/", views.post_list, name="posts"),
    path("posts/new/", views.post_edit, name="post_new"),
    path("posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("mine/", views.my_post, name="mine"),
]
