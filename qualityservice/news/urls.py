"""Public pages, under ``news/`` (the config's ``url_prefix``). They carry an unguessable code or a signed token,
never an id (a published bulletin issue: its year and issue number, printed on it)."""

from django.urls import path

from . import feeds, views

urlpatterns = [
    path("", views.news_index, name="index"),
    path("feed/", feeds.NewsFeed(), name="feed"),
    path("feed/atom/", feeds.AtomNewsFeed(), name="atom"),
    path("typical/", views.typical_index, name="typical"),
    path("board/", views.figures_board, name="board"),
    path("bulletins/", views.bulletin_archive, name="bulletin_archive"),
    path("bulletins/<int:year>/<int:number>/", views.bulletin_public, name="bulletin_public"),
    path("bulletins/<int:year>/<int:number>/pdf/", views.bulletin_public_pdf, name="bulletin_public_pdf"),
    path("preview/<str:token>/", views.article_preview, name="preview"),
    path("approve/<str:token>/", views.article_approve, name="approve"),
    path("<str:code>/", views.article_public, name="public"),
]
