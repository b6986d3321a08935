from django.contrib import admin

from qualityservice.core.history import HistoryAdmin

from .models import CodeBatch, College, Member


@admin.register(Member)
class MemberAdmin(HistoryAdmin):
    list_display = ("number", "name", "kind", "college", "class_name", "source", "on_roster")
    list_filter = ("kind", "source", "on_roster")
    search_fields = ("number", "name")
    raw_id_fields = ("user",)
    list_select_related = ("college",)


@admin.register(College)
class CollegeAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en")  # both, to fill in the English
    search_fields = ("name", "name_en")


@admin.register(CodeBatch)
class CodeBatchAdmin(admin.ModelAdmin):
    list_display = ("issued_at", "issued_by", "count", "description")
    readonly_fields = ("issued_at", "issued_by", "count", "description")
