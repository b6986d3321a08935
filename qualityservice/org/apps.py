from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "qualityservice.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self):
        from qualityservice.core import indicators, nav, pagecache
        from qualityservice.core.roles import Role

        from .indicators import reported_departments
        from .models import Commitment, Department, Place, SiteSettings, Staff

        # The cached public form pages show departments, places, staff names and the site settings.
        pagecache.depends_on(SiteSettings, Department, Place, Staff, Commitment)
        indicators.register_departments(reported_departments)

        managers = (Role.HEAD, Role.SUPERVISOR)
        nav.register(_("Departments"), "org:department_list", icon="diagram-3", roles=managers + (Role.OPERATOR,), order=10)
        nav.register(_("Staff"), "org:staff_list", icon="people", roles=managers, order=20)
        nav.register(_("Commitments"), "org:commitment_list", icon="patch-check", roles=managers, order=30)
        nav.register(_("Service phrases"), "org:phrase_list", icon="chat-quote", roles=(Role.SUPERVISOR,), order=40)
        nav.register(_("Roster import"), "org:roster_import", icon="file-earmark-spreadsheet", roles=(Role.ADMIN,), order=90)
        nav.register(_("Site settings"), "org:site_settings", icon="gear", roles=(Role.ADMIN,), order=95)
