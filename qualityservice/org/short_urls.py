"""The badge page: its URL is printed in every badge's QR code and never changes."""

from django.urls import path

from . import views

urlpatterns = [
    path("b/<str:code>/", views.badge_page, name="badge_page"),
]
