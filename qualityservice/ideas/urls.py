"""Public pages, under ``ideas/``: the adopted ideas, one adopted idea and the former QR link of a certificate (to its
verification page /c/<serial>/), by unguessable codes, never ids."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.public_list, name="public"),
    path("certificates/<str:code>/", views.certificate_check, name="certificate_check"),
    path("<str:code>/", views.public_idea, name="public_idea"),
]
