from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "qualityservice.inspections"
    label = "inspections"
    verbose_name = _("Inspections")

    def ready(self):
        from qualityservice.core import extensions, indicators, nav
        from qualityservice.core.roles import Role

        from . import indicators as published

        managers = (Role.HEAD, Role.SUPERVISOR)
        nav.register(_("Inspections"), "inspections:list", icon="clipboard-check", roles=managers, order=50)
        nav.register(_("Rectification ledger"), "inspections:ledger", icon="journal-check", roles=managers, order=51)
        nav.register(_("Inspection charts"), "inspections:dashboard", icon="graph-up", roles=managers, order=52)
        nav.register(_("Discussions"), "inspections:discussion_list", icon="chat-square-text", roles=managers, order=53)
        nav.register(_("Checklists"), "inspections:template_list", icon="list-check", roles=(Role.SUPERVISOR,), order=54)
        extensions.register("department_detail", "inspections/_department_extension.html", order=50)

        from . import tasks  # noqa: F401  (registers the periodic jobs)

        indicators.register(*published.INDICATORS)
