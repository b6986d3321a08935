from django.contrib import admin

from qualityservice.core.history import HistoryAdmin

from .models import Article, Editor, Revision


@admin.register(Article)
class ArticleAdmin(HistoryAdmin):
    list_display = ["title", "department", "status", "created_at", "published_at"]
    list_filter = ["status", "department"]
    search_fields = ["title", "title_en", "code"]
    raw_id_fields = ["created_by"]
    # The status moves only through workflows.ARTICLE (recorded, with who and when).
    readonly_fields = ["status", "code", "created_at", "submitted_at", "publish_at", "published_at"]


@admin.register(Editor)
class EditorAdmin(admin.ModelAdmin):
    """Appoint a department's news editors here."""

    list_display = ["user", "department"]
    raw_id_fields = ["user"]


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["article", "number", "by", "created_at"]
    raw_id_fields = ["article", "by"]

    def has_change_permission(self, request, obj=None):
        return False  # revisions are kept as written
