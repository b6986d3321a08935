from django.contrib import admin

from qualityservice.core.history import HistoryAdmin

from .models import CallbackAttempt, Category, Feedback, FeedbackEvent, Holiday, MailMessage, PublishedFigure, Rating


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "name", "is_workday")
    list_filter = ("is_workday",)
    date_hierarchy = "date"


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "department", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")


class EventInline(admin.TabularInline):
    model = FeedbackEvent
    extra = 0
    readonly_fields = ("action", "from_status", "to_status", "actor_name", "note", "params", "visibility", "created_at")
    can_delete = False


@admin.register(Feedback)
class FeedbackAdmin(HistoryAdmin):
    list_display = ("code", "title", "kind", "channel", "department", "status", "created_at", "deadline")
    list_filter = ("status", "kind", "channel", "department")
    search_fields = ("code", "title")
    raw_id_fields = ("staff", "place", "assigned_to", "merged_into", "submitter_user", "created_by")
    readonly_fields = ("code", "status", "about_staff")
    inlines = [EventInline]


@admin.register(MailMessage)
class MailMessageAdmin(admin.ModelAdmin):
    list_display = ("received_at", "sender", "subject", "outcome", "reason", "needs_review", "size")
    list_filter = ("outcome", "needs_review")
    search_fields = ("message_id", "message_id_hash", "sender", "subject")
    raw_id_fields = ("feedback", "reviewed_by")
    readonly_fields = ("message_id_hash",)


admin.site.register(Rating)
admin.site.register(CallbackAttempt)
admin.site.register(PublishedFigure)
