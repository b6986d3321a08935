"""Included at ``staff/members/``: the administrators' member roster (members' data: administrators only)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.member_list, name="staff_list"),
    path("<int:pk>/", views.member_detail, name="staff_detail"),
    path("import/", views.roster_import, name="roster_import"),
    path("export.xlsx", views.roster_export, name="roster_export"),
    path("codes/", views.codes, name="codes"),
]
