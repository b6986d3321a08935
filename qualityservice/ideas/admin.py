from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Criterion, Idea, Round


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["title", "department", "opens_on", "closes_on", "review_days"]
    inlines = [CriterionInline]
    filter_horizontal = ["verifiers"]


@admin.register(Idea)
class IdeaAdmin(SimpleHistoryAdmin):
    list_display = ["title", "round", "department", "category", "status", "score", "submitted_at"]
    list_filter = ["status", "category", "round", "department"]
    search_fields = ["title", "title_en", "code"]
    raw_id_fields = ["submitted_by", "owner", "merged_into"]
    # The status and what the workflow writes move only through workflows.IDEA (recorded, with who and when).
    readonly_fields = ["status", "code", "score", "support_count", "merged_into", "verified_yuan", "verified_kwh", "verified_water",
                       "award_tier", "certificate_serial", "certificate_code", "created_at", "submitted_at", "decided_at",
                       "adopted_at", "implemented_at", "verified_at", "awarded_at"]
