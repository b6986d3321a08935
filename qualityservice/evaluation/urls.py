"""Public pages, under ``evaluation/`` (the config's ``url_prefix``): by the scheme's unguessable code, never an id."""

from django.urls import path

from . import views

urlpatterns = [
    path("<str:code>/", views.public, name="public"),
]
