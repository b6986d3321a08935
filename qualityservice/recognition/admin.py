from django.contrib import admin

from qualityservice.core.history import HistoryAdmin

from .models import Nomination


@admin.register(Nomination)
class NominationAdmin(HistoryAdmin):
    list_display = ["title", "department", "status", "created_at"]
    list_filter = ["status", "department"]
    search_fields = ["title", "title_en", "code"]
    raw_id_fields = ["created_by"]
    # The status moves only through workflows.NOMINATION (recorded, with who and when).
    readonly_fields = ["status", "code", "created_at", "submitted_at", "closed_at"]
