from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from qualityservice.core.history import HistoryAdmin
from qualityservice.core.i18n import admin_column

from .models import Commitment, Department, Place, ServicePhrase, SiteSettings, Staff


@admin.register(Department)
class DepartmentAdmin(HistoryAdmin):
    list_display = (admin_column("name", _("name")), "kind", "parent", "code", "service_phone", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "name_en", "code")


@admin.register(Place)
class PlaceAdmin(HistoryAdmin):
    list_display = (admin_column("name", _("name")), "kind", "campus", "department", "is_active")
    list_filter = ("kind", "campus")
    search_fields = ("name", "name_en")


@admin.register(Staff)
class StaffAdmin(HistoryAdmin):
    list_display = ("badge_number", "name", "department", "post", "role", "on_duty", "is_active")
    list_filter = ("department", "role", "on_duty", "is_active")
    search_fields = ("name", "badge_number", "phone")
    raw_id_fields = ("user",)
    list_select_related = ("department",)


@admin.register(Commitment)
class CommitmentAdmin(HistoryAdmin):
    list_display = (admin_column("title", _("commitment")), "department", "is_measurable", "request_kind", "deadline_value", "deadline_unit", "is_published")
    list_filter = ("department", "is_measurable", "is_published")


@admin.register(ServicePhrase)
class ServicePhraseAdmin(HistoryAdmin):
    list_display = (admin_column("text", _("phrase")), "kind", admin_column("situation", _("situation")), "is_active")
    list_filter = ("kind", "is_active")


@admin.register(SiteSettings)
class SiteSettingsAdmin(HistoryAdmin):
    list_display = (admin_column("organisation_name", _("organisation name")), "hotline", "mailbox")
