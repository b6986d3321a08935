"""Public pages, under ``recognition/`` (the config's ``url_prefix``). They carry an unguessable code, never an id."""

from django.urls import path

from . import views, views_codes, views_results

urlpatterns = [
    path("vote/<str:code>/", views.round_vote, name="vote"),
    path("receipt/<str:code>/", views.round_receipt, name="receipt"),
    path("<str:code>/", views.nomination_public, name="public"),
    # The public notice and the honours lists (views_results.py); two path segments, so the nomination's
    # one-segment public page above never shadows them.
    path("winners/<str:code>/", views_results.winners, name="winners"),
    path("winners/<str:code>/objection/", views_results.objection, name="objection"),
    path("stars/<str:kind>/", views_results.stars, name="stars"),
    path("vote/<str:code>/code/", views_codes.vote_code, name="vote_code"),
    path("receipts/<str:code>/", views_results.published_receipts, name="receipts"),
]
