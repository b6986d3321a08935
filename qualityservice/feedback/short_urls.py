"""Rating a person from the badge page: under the badge's short URL ``b/<code>/`` (org), printed in QR codes."""

from django.urls import path

from . import views

urlpatterns = [
    path("b/<str:code>/rate/", views.badge_rate, name="badge_rate"),
    path("b/<str:code>/rate/thanks/", views.badge_thanks, name="badge_thanks"),
]
