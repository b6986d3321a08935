"""The app wires itself here (docs/new-app.md); ``config/settings.py`` only lists it in INSTALLED_APPS."""

from django.utils.translation import pgettext_lazy

from qualityservice.core.apps import PlatformAppConfig
from qualityservice.core.nav import NavItem
from qualityservice.core.roles import Role

MANAGERS = (Role.HEAD, Role.SUPERVISOR)


class CampaignsConfig(PlatformAppConfig):
    name = "qualityservice.campaigns"
    label = "campaigns"
    verbose_name = pgettext_lazy("campaign", "Campaigns")
    # Public pages (urls.py) under /campaigns/, staff pages (staff_urls.py) under /staff/campaigns/.
    url_prefix = "campaigns/"
    staff_url_prefix = "staff/campaigns/"
    # Beat entry name: (Celery task name in tasks.py, seconds).
    periodic_jobs = {"campaigns-daily": ("campaigns.daily", 3600)}
    navigation = (
        NavItem(pgettext_lazy("campaign", "Campaign"), "campaigns:list", icon="flag", roles=MANAGERS, order=40),
        NavItem(pgettext_lazy("campaign", "Who is behind"), "campaigns:board", icon="bar-chart-steps", roles=(Role.SUPERVISOR,), order=41),
        NavItem(pgettext_lazy("campaign", "Participation"), "campaigns:participation", icon="people", roles=MANAGERS, order=42),
    )
    # The public campaign pages, the home page's campaign box and the public files follow these models.
    page_cache_models = ("Campaign", "CampaignMilestone", "MenuItem", "DepartmentActivity", "Evidence", "ReportFile", "org.Department")

    def ready(self):
        super().ready()
        from qualityservice.core import extensions

        # The public home page's campaign box, with the current campaign (memoised) as its context.
        extensions.register("home_actions", "campaigns/_home_actions.html", order=20, context="qualityservice.campaigns.views.home_context")
