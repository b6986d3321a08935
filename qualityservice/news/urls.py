"""Public pages, under ``news/`` (the config's ``url_prefix``). They carry an unguessable code or a signed token,
never an id."""

from django.urls import path

from . import feeds, views

urlpatterns = [
    path("", views.news_index, name="index"),
    path("feed/", feeds.NewsFeed(), name="feed"),
    path("preview/<str:token>/", views.article_preview, name="preview"),
    path("approve/<str:token>/", views.article_approve, name="approve"),
    path("<str:code>/", views.article_public, name="public"),
]
