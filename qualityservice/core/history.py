"""The audit history (django-simple-history) as the platform shows it: every admin with a history uses
:class:`HistoryAdmin`, whose history page names who made each change by the person's name
(``core.permissions.person_name``), not by the account's user name. Staff pages that list history rows use the
``person`` template filter (``qs_tags``) for the same."""

from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    object_history_list_template = "core/admin/object_history_list.html"

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # The author's staff record too: one query for the names of the whole page.
        return super().get_history_queryset(request, history_manager, pk_name, object_id).select_related(
            "history_user__staff")
