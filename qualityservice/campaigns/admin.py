from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Campaign, DepartmentActivity, MenuItem

# StaffAffiliation is deliberately not registered: the participation attributes are read only by the
# supervisor and the staff member's own head, on the app's pages.


class MenuItemInline(admin.TabularInline):
    model = MenuItem
    fields = ["code", "title", "kind", "sort_order"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Campaign)
class CampaignAdmin(SimpleHistoryAdmin):
    list_display = ["name", "year", "starts_on", "ends_on", "status", "is_template"]
    list_filter = ["status", "is_template", "year"]
    search_fields = ["name", "name_en", "theme"]
    # The status moves only through workflows.CAMPAIGN (recorded, with who and when); the menu on the app's pages.
    readonly_fields = ["status", "code", "menu_frozen_at", "created_at"]
    inlines = [MenuItemInline]


@admin.register(DepartmentActivity)
class DepartmentActivityAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "campaign", "department", "status", "is_required", "is_signature"]
    list_filter = ["status", "campaign", "department"]
    raw_id_fields = ["owner", "menu_item"]
    readonly_fields = ["status", "summary", "cancel_reason", "done_on", "adopted_at"]
