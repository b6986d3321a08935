"""Included at ``members/`` (config/urls.py). The member's pages, and the administrators' member
roster under ``members/staff/`` (members' data: administrators only)."""

from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    # The member's own pages (我的)
    path("", views.home, name="home"),
    path("signin/", views.signin, name="signin"),
    path("first-sign-in/", views.activate, name="activate"),
    path("my-data.json", views.data_json, name="data_json"),
    path("my-data.xlsx", views.data_xlsx, name="data_xlsx"),
    path("close/", views.close_account, name="close"),
    # Administrators
    path("staff/", views.member_list, name="staff_list"),
    path("staff/<int:pk>/", views.member_detail, name="staff_detail"),
    path("staff/import/", views.roster_import, name="roster_import"),
    path("staff/export.xlsx", views.roster_export, name="roster_export"),
    path("staff/codes/", views.codes, name="codes"),
]
