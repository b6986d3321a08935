"""Public pages, under ``recognition/`` (the config's ``url_prefix``). They carry an unguessable code, never an id."""

from django.urls import path

from . import views

urlpatterns = [
    path("vote/<str:code>/", views.round_vote, name="vote"),
    path("receipt/<str:code>/", views.round_receipt, name="receipt"),
    path("<str:code>/", views.nomination_public, name="public"),
]
