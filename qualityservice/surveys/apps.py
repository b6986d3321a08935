from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "qualityservice.surveys"
    label = "surveys"
    verbose_name = _("Surveys")

    def ready(self):
        from qualityservice.core import extensions, indicators, nav, pagecache
        from qualityservice.core.roles import Role

        from .models import Option, Question, Section, Survey

        # A survey's cached answer page (and its cached structure for validation) follow its edits.
        pagecache.depends_on(Survey, Section, Question, Option)

        readers = (Role.HEAD, Role.SUPERVISOR)
        nav.register(_("Surveys"), "surveys:list", icon="ui-checks", roles=readers, order=50)
        nav.register(_("Satisfaction index"), "surveys:index", icon="graph-up", roles=readers, order=55)
        extensions.register("department_detail", "surveys/_department_index.html", order=50)
        extensions.register("public_nav", "surveys/_public_nav.html", order=50)

        from . import indicators as published

        indicators.register(*published.INDICATORS)

        from . import member_page  # members: my page fragment, personal data, account closing

        member_page.register()
