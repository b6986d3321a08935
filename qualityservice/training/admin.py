from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Attendance, ImportBatch, TrainingSession


class AttendanceInline(admin.TabularInline):
    model = Attendance
    raw_id_fields = ["staff"]
    extra = 0


@admin.register(TrainingSession)
class TrainingSessionAdmin(SimpleHistoryAdmin):
    list_display = ["date", "topic", "department", "level", "hours", "trainer"]
    list_filter = ["level", "department"]
    search_fields = ["topic", "topic_en", "trainer"]
    date_hierarchy = "date"
    raw_id_fields = ["created_by"]
    readonly_fields = ["created_at", "batch"]
    inlines = [AttendanceInline]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["file_name", "created_by", "created_at"]
    readonly_fields = ["file_name", "created_by", "created_at"]
