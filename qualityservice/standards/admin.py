from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import PostStandard, Procedure, ProcedureVersion


class VersionInline(admin.TabularInline):
    model = ProcedureVersion
    fields = ["sequence", "version", "title", "effective_date", "file_name", "recorded_by", "recorded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "department", "current_version"]
    list_filter = ["department"]
    search_fields = ["number", "title", "title_en"]
    # Versions are recorded on the staff pages (numbered and made current there) and never edited.
    readonly_fields = ["current_version", "created_by", "created_at"]
    inlines = [VersionInline]


@admin.register(PostStandard)
class PostStandardAdmin(SimpleHistoryAdmin):
    list_display = ["post", "post_en", "department", "updated_at"]
    list_filter = ["department"]
    search_fields = ["post", "post_en"]
    raw_id_fields = ["updated_by"]
