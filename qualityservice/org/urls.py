from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    # Public
    path("", views.home, name="home"),
    path("commitments/", views.public_commitments, name="public_commitments"),
    path("directory/", views.public_directory, name="public_directory"),
    path("phrases/", views.public_phrases, name="public_phrases"),
    path("b/<str:code>/", views.badge_page, name="badge_page"),
    # Staff
    path("staff/org/departments/", views.department_list, name="department_list"),
    path("staff/org/departments/<int:pk>/", views.department_detail, name="department_detail"),
    path("staff/org/departments/<int:pk>/edit/", views.department_edit, name="department_edit"),
    path("staff/org/departments/<int:pk>/badges.pdf", views.badge_sheet, name="badge_sheet"),
    path("staff/org/staff/", views.staff_list, name="staff_list"),
    path("staff/org/staff/new/", views.staff_edit, name="staff_new"),
    path("staff/org/staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("staff/org/staff/<int:pk>/edit/", views.staff_edit, name="staff_edit"),
    path("staff/org/roster/export.xlsx", views.roster_export, name="roster_export"),
    path("staff/org/roster/import/", views.roster_import, name="roster_import"),
    path("staff/org/commitments/", views.commitment_list, name="commitment_list"),
    path("staff/org/commitments/new/", views.commitment_edit, name="commitment_new"),
    path("staff/org/commitments/<int:pk>/edit/", views.commitment_edit, name="commitment_edit"),
    path("staff/org/commitments/<int:pk>/delete/", views.commitment_delete, name="commitment_delete"),
    path("staff/org/phrases/", views.phrase_list, name="phrase_list"),
    path("staff/org/phrases/new/", views.phrase_edit, name="phrase_new"),
    path("staff/org/phrases/<int:pk>/edit/", views.phrase_edit, name="phrase_edit"),
    path("staff/org/settings/", views.site_settings, name="site_settings"),
]
