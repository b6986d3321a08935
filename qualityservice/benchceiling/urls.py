from django.urls import path

from . import views

urlpatterns = [path("_bench/ceiling/", views.ceiling, name="bench_ceiling")]
