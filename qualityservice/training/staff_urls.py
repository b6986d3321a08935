"""Staff pages, under ``staff/training/`` (namespace ``training``: ``reverse("training:list")``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.session_list, name="list"),
    path("new/", views.session_edit, name="new"),
    path("<int:pk>/", views.session_detail, name="detail"),
    path("<int:pk>/edit/", views.session_edit, name="edit"),
    path("import/", views.session_import, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("export.xlsx", views.session_export, name="export"),
    path("hours/staff/", views.staff_hours, name="staff_hours"),
    path("hours/staff/export.xlsx", views.staff_hours_export, name="staff_hours_export"),
    path("hours/staff/<int:pk>/", views.staff_record, name="staff_record"),
    path("hours/departments/", views.department_hours, name="department_hours"),
    path("hours/departments/export.xlsx", views.department_hours_export, name="department_hours_export"),
    path("mine/", views.my_training, name="mine"),
]
