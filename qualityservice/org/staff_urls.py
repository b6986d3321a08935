"""Org's staff pages, under ``staff/org/``."""

from django.urls import path

from . import views

urlpatterns = [
    path("departments/", views.department_list, name="department_list"),
    path("departments/<int:pk>/", views.department_detail, name="department_detail"),
    path("departments/<int:pk>/edit/", views.department_edit, name="department_edit"),
    path("departments/<int:pk>/badges.pdf", views.badge_sheet, name="badge_sheet"),
    path("me/badge/", views.my_badge, name="my_badge"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_edit, name="staff_new"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/edit/", views.staff_edit, name="staff_edit"),
    path("roster/export.xlsx", views.roster_export, name="roster_export"),
    path("roster/import/", views.roster_import, name="roster_import"),
    path("commitments/", views.commitment_list, name="commitment_list"),
    path("commitments/new/", views.commitment_edit, name="commitment_new"),
    path("commitments/<int:pk>/edit/", views.commitment_edit, name="commitment_edit"),
    path("commitments/<int:pk>/delete/", views.commitment_delete, name="commitment_delete"),
    path("phrases/", views.phrase_list, name="phrase_list"),
    path("phrases/new/", views.phrase_edit, name="phrase_new"),
    path("phrases/<int:pk>/edit/", views.phrase_edit, name="phrase_edit"),
    path("settings/", views.site_settings, name="site_settings"),
]
