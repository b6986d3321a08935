"""The app wires itself here (docs/new-app.md); ``config/settings.py`` only lists it in INSTALLED_APPS."""

from django.utils.translation import pgettext_lazy

from qualityservice.core.apps import PlatformAppConfig
from qualityservice.core.nav import NavItem
from qualityservice.core.roles import Role

MANAGERS = (Role.HEAD, Role.SUPERVISOR)


class RecognitionConfig(PlatformAppConfig):
    name = "qualityservice.recognition"
    label = "recognition"
    verbose_name = pgettext_lazy("nomination", "Nominations")
    # The defaults, written out: public pages (urls.py) under /recognition/, staff pages (staff_urls.py)
    # under /staff/recognition/.
    url_prefix = "recognition/"
    staff_url_prefix = "staff/recognition/"
    # Beat entry name: (Celery task name in tasks.py, seconds).
    periodic_jobs = {"recognition-close-stale": ("recognition.close_stale_nominations", 3600)}
    navigation = (
        NavItem(pgettext_lazy("nomination", "Nominations"), "recognition:list", icon="card-checklist", roles=MANAGERS, order=80),
        NavItem(pgettext_lazy("round", "Recognition rounds"), "recognition:round_list", icon="award", roles=MANAGERS, order=81),
    )
    # The public nomination page is served from core.pagecache: saving an Nomination makes it render again.
    page_cache_models = ("Nomination", "Result", "Round")
    # The star on a staff member's public badge page (results: winners of final rounds).
    extension_templates = (("badge_page", "recognition/results/_badge_stars.html", 20),)

    def ready(self):
        super().ready()
        from qualityservice.core import certificates, extensions

        from . import results, workflows_results  # noqa: F401 (registers the sheet and certificate workflows)

        certificates.register_verifier(results.verify_certificate)
        # The winner's certificates on their own page (org's "my badge" page; the head's for a collective).
        extensions.register("my_badge", "recognition/results/_my_certificates.html", order=20,
                            context="qualityservice.recognition.my_certificates.context")
