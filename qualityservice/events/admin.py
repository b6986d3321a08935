from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CoHost, Event, Session


@admin.register(CoHost)
class CoHostAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "sort_order", "is_active"]


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "department", "audience", "status", "created_at"]
    list_filter = ["status", "kind", "department"]
    search_fields = ["title", "title_en", "code"]
    raw_id_fields = ["organiser"]
    # The status moves only through workflows.EVENT (recorded, with who and when).
    readonly_fields = ["status", "code", "created_at", "published_at"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["event", "starts_at", "capacity", "reserved", "general_taken", "status"]
    list_filter = ["status"]
    raw_id_fields = ["event"]
    # Seat counters change only under the session's lock (services); statuses through workflows.SESSION.
    readonly_fields = ["status", "code", "reserved", "general_taken", "next_seq", "held_at"]
