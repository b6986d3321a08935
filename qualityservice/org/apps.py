from django.utils.translation import gettext_lazy as _

from qualityservice.core.apps import PlatformAppConfig
from qualityservice.core.nav import NavItem
from qualityservice.core.roles import Role

MANAGERS = (Role.HEAD, Role.SUPERVISOR)


class OrgConfig(PlatformAppConfig):
    name = "qualityservice.org"
    label = "org"
    verbose_name = _("Organisation")
    url_prefix = ""  # the home page and the public directory are at the site root; the badge page is a short URL
    periodic_jobs = {"refresh-public-statistics": ("org.refresh_public_statistics", 300)}
    navigation = (
        NavItem(_("Departments"), "org:department_list", icon="diagram-3", roles=MANAGERS + (Role.OPERATOR,), order=10),
        NavItem(_("Staff"), "org:staff_list", icon="people", roles=MANAGERS, order=20),
        NavItem(_("Commitments"), "org:commitment_list", icon="patch-check", roles=MANAGERS, order=30),
        NavItem(_("Service phrases"), "org:phrase_list", icon="chat-quote", roles=(Role.SUPERVISOR,), order=40),
        # Everyone with a staff record: their own badge (QR code and public page).
        NavItem(_("My badge"), "org:my_badge", icon="person-badge", order=80),
        NavItem(_("Roster import"), "org:roster_import", icon="file-earmark-spreadsheet", roles=(Role.ADMIN,), order=90),
        NavItem(_("Site settings"), "org:site_settings", icon="gear", roles=(Role.ADMIN,), order=95),
    )
    # The cached public form pages show departments, places, staff names and the site settings.
    page_cache_models = ("SiteSettings", "Department", "Place", "Staff", "Commitment")

    def ready(self):
        super().ready()
        from qualityservice.core import indicators

        from .indicators import reported_departments

        indicators.register_departments(reported_departments)
