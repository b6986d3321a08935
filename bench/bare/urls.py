"""The platform's ceiling view itself (qualityservice/benchceiling: a trivial GET with a CSRF token, a POST
doing one INSERT and redirecting), at the same path."""

from django.urls import path

from qualityservice.benchceiling.views import ceiling

urlpatterns = [path("_bench/ceiling/", ceiling, name="bench_ceiling")]
