from django.utils.translation import gettext_lazy as _

from qualityservice.core.apps import PlatformAppConfig
from qualityservice.core.nav import NavItem
from qualityservice.core.roles import Role

MANAGERS = (Role.HEAD, Role.SUPERVISOR)


class InspectionsConfig(PlatformAppConfig):
    name = "qualityservice.inspections"
    label = "inspections"
    verbose_name = _("Inspections")
    periodic_jobs = {
        "inspections-escalate-overdue": ("inspections.escalate_overdue_rectifications", 3600),
        "inspections-mark-missed": ("inspections.mark_missed_inspections", 3600),
    }
    navigation = (
        NavItem(_("Inspections"), "inspections:list", icon="clipboard-check", roles=MANAGERS, order=50),
        NavItem(_("Rectification ledger"), "inspections:ledger", icon="journal-check", roles=MANAGERS, order=51),
        NavItem(_("Inspection charts"), "inspections:dashboard", icon="graph-up", roles=MANAGERS, order=52),
        NavItem(_("Discussions"), "inspections:discussion_list", icon="chat-square-text", roles=MANAGERS, order=53),
        NavItem(_("Checklists"), "inspections:template_list", icon="list-check", roles=(Role.SUPERVISOR,), order=54),
    )
    extension_templates = (("department_detail", "inspections/_department_extension.html", 50),)
