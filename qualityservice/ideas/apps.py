"""The app wires itself here (docs/new-app.md); ``config/settings.py`` only lists it in INSTALLED_APPS."""

from django.utils.translation import pgettext_lazy

from qualityservice.core.apps import PlatformAppConfig
from qualityservice.core.nav import NavItem
from qualityservice.core.roles import Role

EVERYONE = (Role.STAFF, Role.HEAD, Role.OPERATOR, Role.SUPERVISOR, Role.JUDGE)
COORDINATORS = (Role.HEAD, Role.SUPERVISOR)


class IdeasConfig(PlatformAppConfig):
    name = "qualityservice.ideas"
    label = "ideas"
    verbose_name = pgettext_lazy("idea", "Golden ideas")
    # Public pages (urls.py) under /ideas/, staff pages (staff_urls.py) under /staff/ideas/.
    url_prefix = "ideas/"
    staff_url_prefix = "staff/ideas/"
    periodic_jobs = {"ideas-escalate-overdue-reviews": ("ideas.escalate_overdue_reviews", 900)}
    navigation = (
        NavItem(pgettext_lazy("idea", "Golden ideas"), "ideas:mine", icon="lightbulb", roles=EVERYONE, order=40),
        NavItem(pgettext_lazy("idea", "Ideas queue"), "ideas:queue", icon="list-check", roles=COORDINATORS, order=41),
    )
    extension_templates = (("public_nav", "ideas/_public_nav.html", 60),)
    # The public list, an adopted idea's page and the home page's board follow these rows.
    page_cache_models = ("Idea", "Milestone", "Measurement")

    def ready(self):
        super().ready()
        from qualityservice.core import certificates, extensions

        from . import fragments, services

        extensions.register("home_actions", "ideas/_home_board.html", order=60, context=fragments.home_board)
        certificates.register_verifier(services.verify_certificate)
