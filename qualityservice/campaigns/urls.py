"""Public pages, under ``campaigns/`` (the config's ``url_prefix``). They carry an unguessable code, never an id."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.public_index, name="public_index"),
    path("f/<str:code>/", views.public_file, name="public_file"),
    path("<str:code>/", views.public_campaign, name="public"),
]
