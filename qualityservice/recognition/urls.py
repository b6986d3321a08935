"""Public pages, under ``recognition/`` (the config's ``url_prefix``). They carry an unguessable code, never an id."""

from django.urls import path

from . import views

urlpatterns = [
    path("<str:code>/", views.nomination_public, name="public"),
]
