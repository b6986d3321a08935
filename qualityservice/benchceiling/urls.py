"""The ceiling view, under ``_bench/`` (the app is installed only for benchmarks)."""

from django.urls import path

from . import views

urlpatterns = [
    path("ceiling/", views.ceiling, name="bench_ceiling"),
]
