from django.utils.translation import gettext_lazy as _

from qualityservice.core.apps import PlatformAppConfig
from qualityservice.core.nav import NavItem
from qualityservice.core.roles import Role

READERS = (Role.HEAD, Role.SUPERVISOR)


class SurveysConfig(PlatformAppConfig):
    name = "qualityservice.surveys"
    label = "surveys"
    verbose_name = _("Surveys")
    url_prefix = "surveys/"  # the public list; answering is at the short URL s/<code>/ (short_urls.py)
    periodic_jobs = {
        "surveys-refresh-index": ("surveys.refresh_satisfaction_index", 1800),
        "surveys-purge-drafts": ("surveys.purge_stale_drafts", 3600),
    }
    navigation = (
        NavItem(_("Surveys"), "surveys:list", icon="ui-checks", roles=READERS, order=50),
        NavItem(_("Satisfaction index"), "surveys:index", icon="graph-up", roles=READERS, order=55),
    )
    extension_templates = (
        ("department_detail", "surveys/_department_index.html", 50),
        ("public_nav", "surveys/_public_nav.html", 50),
    )
    # A survey's cached answer page (and its cached structure for validation) follow its edits.
    page_cache_models = ("Survey", "Section", "Question", "Option")

    def ready(self):
        super().ready()
        from . import member_page  # members: my page fragment, personal data, account closing

        member_page.register()
