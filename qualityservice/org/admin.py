from django.contrib import admin

from qualityservice.core.history import HistoryAdmin

from .models import Commitment, Department, Place, ServicePhrase, SiteSettings, Staff


@admin.register(Department)
class DepartmentAdmin(HistoryAdmin):
    list_display = ("name", "kind", "parent", "code", "service_phone", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "name_en", "code")


@admin.register(Place)
class PlaceAdmin(HistoryAdmin):
    list_display = ("name", "kind", "campus", "department", "is_active")
    list_filter = ("kind", "campus")
    search_fields = ("name",)


@admin.register(Staff)
class StaffAdmin(HistoryAdmin):
    list_display = ("badge_number", "name", "department", "post", "role", "on_duty", "is_active")
    list_filter = ("department", "role", "on_duty", "is_active")
    search_fields = ("name", "badge_number", "phone")
    raw_id_fields = ("user",)
    list_select_related = ("department",)


@admin.register(Commitment)
class CommitmentAdmin(HistoryAdmin):
    list_display = ("title", "department", "is_measurable", "request_kind", "deadline_value", "deadline_unit", "is_published")
    list_filter = ("department", "is_measurable", "is_published")


@admin.register(ServicePhrase)
class ServicePhraseAdmin(HistoryAdmin):
    list_display = ("text", "kind", "situation", "is_active")
    list_filter = ("kind", "is_active")


@admin.register(SiteSettings)
class SiteSettingsAdmin(HistoryAdmin):
    list_display = ("organisation_name", "hotline", "mailbox")
