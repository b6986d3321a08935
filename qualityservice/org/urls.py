"""Org's public pages, at the site root (``OrgConfig.url_prefix``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("commitments/", views.public_commitments, name="public_commitments"),
    path("directory/", views.public_directory, name="public_directory"),
    path("phrases/", views.public_phrases, name="public_phrases"),
]
