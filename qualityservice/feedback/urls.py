"""Feedback's public pages, under ``feedback/``."""

from django.urls import path

from . import views

urlpatterns = [
    path("new/", views.feedback_new, name="new"),
    path("track/", views.track_lookup, name="track_lookup"),
    path("t/<str:code>/", views.track, name="track"),
    path("t/<str:code>/rate/<str:token>/", views.rate_handling, name="rate_handling"),
    path("figures/", views.public_figures, name="public_figures"),
]
