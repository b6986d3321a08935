"""The ceiling view, under ``_bench/`` (the app is installed only for benchmarks)."""

from django.urls import path

from . import views

urlpatterns = [
    path("ceiling/", views.ceiling, name="bench_ceiling"),
    path("ceiling/signed-in/", views.signed_in_ceiling, name="bench_signed_in_ceiling"),
]
