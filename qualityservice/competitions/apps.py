"""The app wires itself here (docs/new-app.md); ``config/settings.py`` only lists it in INSTALLED_APPS."""

from django.utils.translation import pgettext_lazy

from qualityservice.core.apps import PlatformAppConfig
from qualityservice.core.nav import NavItem
from qualityservice.core.roles import Role

MANAGERS = (Role.HEAD, Role.SUPERVISOR)


class CompetitionsConfig(PlatformAppConfig):
    name = "qualityservice.competitions"
    label = "competitions"
    verbose_name = pgettext_lazy("competition", "Skills competitions")
    # Public pages (urls.py) under /competitions/, staff pages (staff_urls.py) under /staff/competitions/.
    url_prefix = "competitions/"
    staff_url_prefix = "staff/competitions/"
    # Beat entry name: (Celery task name in tasks.py, seconds).
    periodic_jobs = {"competitions-remind-judges": ("competitions.remind_judges", 900)}
    navigation = (
        NavItem(pgettext_lazy("competition", "Skills competitions"), "competitions:list", icon="trophy", roles=MANAGERS, order=85),
        NavItem(pgettext_lazy("competition", "My competitions"), "competitions:mine", icon="award", roles=(), order=86),
    )
    # The public results pages are served from core.pagecache: saving one of these renders them again.
    page_cache_models = ("Competition", "Round", "Entry", "Criterion", "Deduction", "Certificate")

    def ready(self):
        super().ready()
        from qualityservice.core import certificates

        from . import services

        certificates.register_verifier(services.verify_certificate)
