"""Staff pages, under ``staff/evaluation/`` (namespace ``evaluation``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("schemes/", views.scheme_list, name="schemes"),
    path("schemes/new/", views.scheme_new, name="scheme_new"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme"),
    path("schemes/<int:pk>/component/", views.scheme_component, name="scheme_component"),
    path("schemes/<int:pk>/gate/", views.scheme_gate, name="scheme_gate"),
    path("schemes/<int:pk>/adjustment/", views.scheme_adjustment, name="scheme_adjustment"),
    path("schemes/<int:pk>/veto/", views.scheme_veto, name="scheme_veto"),
    path("schemes/<int:pk>/version/", views.scheme_version, name="scheme_version"),
    path("schemes/<int:pk>/move/", views.scheme_move, name="scheme_move"),
    path("schemes/<int:pk>/what-if/", views.scheme_whatif, name="scheme_whatif"),
    path("schemes/<int:pk>/report/<int:department_id>/", views.report, name="report"),
    path("schemes/<int:pk>/report/<int:department_id>/pdf/", views.report_pdf, name="report_pdf"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/<int:department_id>/", views.department_dashboard, name="department_dashboard"),
]
