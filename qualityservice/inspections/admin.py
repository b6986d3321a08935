from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from qualityservice.core.history import HistoryAdmin
from qualityservice.core.i18n import admin_column

from .models import ChecklistItem, ChecklistSection, ChecklistTemplate, DiscussionRecord, Finding, Inspection, InspectionSchedule


class SectionInline(admin.TabularInline):
    model = ChecklistSection
    extra = 0


class ItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(HistoryAdmin):
    list_display = [admin_column("name", _("name")), "code", "pass_mark", "is_active"]
    inlines = [SectionInline]


@admin.register(ChecklistSection)
class ChecklistSectionAdmin(HistoryAdmin):
    list_display = [admin_column("title", _("title")), "template", "dimension", "weight", "order"]
    list_filter = ["template"]
    inlines = [ItemInline]


@admin.register(Inspection)
class InspectionAdmin(HistoryAdmin):
    list_display = ["title", "kind", "department", "due_date", "status", "score", "passed"]
    list_filter = ["kind", "status", "department"]
    raw_id_fields = ["inspector", "schedule"]
    # Statuses move only through workflows.INSPECTION; submitted inspections change only through a recorded
    # correction in the app.
    readonly_fields = ["status", "score", "passed", "critical_failed", "submitted_at", "started_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status == Inspection.Status.SUBMITTED:
            return [f.name for f in Inspection._meta.fields]
        return self.readonly_fields


@admin.register(InspectionSchedule)
class InspectionScheduleAdmin(HistoryAdmin):
    list_display = ["title", "kind", "department", "recurrence", "start_date", "is_active"]


@admin.register(Finding)
class FindingAdmin(HistoryAdmin):
    list_display = ["__str__", "department", "status", "deadline", "verified_at"]
    list_filter = ["status", "department"]
    raw_id_fields = ["inspection", "answer", "opinion", "owner", "verified_by"]
    readonly_fields = ["status"]  # states change only through workflows.RECTIFICATION


@admin.register(DiscussionRecord)
class DiscussionRecordAdmin(HistoryAdmin):
    list_display = ["topic", "department", "held_on"]
