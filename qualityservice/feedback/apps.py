from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "qualityservice.feedback"
    label = "feedback"
    verbose_name = _("Feedback")

    def ready(self):
        from qualityservice.core import extensions, indicators, nav, pagecache
        from qualityservice.core.roles import Role

        from . import tasks  # noqa: F401 (registers the periodic jobs)
        from .models import Category, Holiday

        # The public form's category list; the holiday calendar memoised for deadlines.
        pagecache.depends_on(Category, Holiday)
        handlers = (Role.HEAD, Role.SUPERVISOR, Role.OPERATOR, Role.STAFF)
        nav.register(_("Feedback inbox"), "feedback:inbox", icon="inbox", roles=handlers, order=5)
        nav.register(_("Log a call"), "feedback:hotline", icon="telephone", roles=(Role.OPERATOR, Role.SUPERVISOR), order=6)
        nav.register(_("Callbacks"), "feedback:callbacks", icon="telephone-outbound",
                     roles=(Role.OPERATOR, Role.SUPERVISOR, Role.HEAD), order=7)
        nav.register(_("Mailbox"), "feedback:mailbox", icon="envelope-exclamation", roles=(Role.OPERATOR, Role.SUPERVISOR),
                     order=8)
        extensions.register("badge_page", "feedback/_badge_actions.html", order=10)
        extensions.register("staff_detail", "feedback/_staff_praise.html", order=10)
        extensions.register("public_nav", "feedback/_public_nav.html", order=10)
        extensions.register("home_actions", "feedback/_home_actions.html", order=10)
        extensions.register("department_detail", "feedback/_department_figures.html", order=10)

        from . import indicators as published

        indicators.register(*published.INDICATORS)

        from . import member_page  # members: my page fragment, personal data, account closing

        member_page.register()
