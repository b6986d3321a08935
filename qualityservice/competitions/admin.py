from django.contrib import admin

from qualityservice.core.history import HistoryAdmin

from .models import Appointment, Certificate, Competition, Criterion, Deduction, Round


@admin.register(Competition)
class CompetitionAdmin(HistoryAdmin):
    list_display = ["title", "trade", "department", "status", "created_at"]
    list_filter = ["status", "trade", "level"]
    search_fields = ["title", "title_en", "code"]
    raw_id_fields = ["created_by"]
    # Statuses move only through workflows.py (recorded, with who and when).
    readonly_fields = ["status", "level", "code", "created_at", "finished_at"]


@admin.register(Round)
class RoundAdmin(HistoryAdmin):
    list_display = ["competition", "number", "name", "status", "scoring_opens_at", "scoring_closes_at"]
    list_filter = ["status"]
    readonly_fields = ["status", "rubric", "notice_until", "published_at", "finalised_at", "reminded_at"]


@admin.register(Criterion)
class CriterionAdmin(HistoryAdmin):
    list_display = ["name", "code", "rubric", "weight", "min_score", "max_score", "step"]


@admin.register(Deduction)
class DeductionAdmin(HistoryAdmin):
    list_display = ["name", "code", "rubric", "points", "max_count"]


@admin.register(Appointment)
class AppointmentAdmin(HistoryAdmin):
    list_display = ["staff", "competition", "role", "order"]
    list_filter = ["role"]
    raw_id_fields = ["staff", "appointed_by"]
    readonly_fields = ["code"]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["serial", "competition", "contestant", "award", "status", "issued_at"]
    list_filter = ["status"]
    search_fields = ["serial"]
    readonly_fields = ["status", "serial", "revoked_at", "revoked_reason"]
