"""Answering a survey: ``s/<code>/`` is printed in its QR code and posters and never changes (the code is unguessable)."""

from django.urls import path

from . import views

urlpatterns = [
    path("s/<str:code>/", views.start, name="start"),
    path("s/<str:code>/save/", views.save_answer, name="save"),
    path("s/<str:code>/submit/", views.submit, name="submit"),
    path("s/<str:code>/thanks/", views.thanks, name="thanks"),
]
