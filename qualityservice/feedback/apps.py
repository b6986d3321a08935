from django.utils.translation import gettext_lazy as _

from qualityservice.core.apps import PlatformAppConfig
from qualityservice.core.nav import NavItem
from qualityservice.core.roles import Role

HANDLERS = (Role.HEAD, Role.SUPERVISOR, Role.OPERATOR, Role.STAFF)


class FeedbackConfig(PlatformAppConfig):
    name = "qualityservice.feedback"
    label = "feedback"
    verbose_name = _("Feedback")
    url_prefix = "feedback/"
    periodic_jobs = {
        "feedback-escalate-overdue": ("feedback.escalate_overdue", 300),
        "feedback-poll-mailbox": ("feedback.poll_mailbox", 120),
        "feedback-refresh-public-figures": ("feedback.refresh_public_figures", 600),
        "feedback-campaign-figures": ("feedback.record_campaign_figures", 86400),
    }
    navigation = (
        NavItem(_("Feedback inbox"), "feedback:inbox", icon="inbox", roles=HANDLERS, order=5),
        NavItem(_("Log a call"), "feedback:hotline", icon="telephone", roles=(Role.OPERATOR, Role.SUPERVISOR), order=6),
        NavItem(_("Callbacks"), "feedback:callbacks", icon="telephone-outbound", roles=(Role.OPERATOR, Role.SUPERVISOR, Role.HEAD),
                order=7),
        NavItem(_("Mailbox"), "feedback:mailbox", icon="envelope-exclamation", roles=(Role.OPERATOR, Role.SUPERVISOR), order=8),
    )
    extension_templates = (
        ("badge_page", "feedback/_badge_actions.html", 10),
        ("staff_detail", "feedback/_staff_praise.html", 10),
        ("public_nav", "feedback/_public_nav.html", 10),
        ("home_actions", "feedback/_home_actions.html", 10),
        ("department_detail", "feedback/_department_figures.html", 10),
    )
    # The public form's category list; the holiday calendar memoised for deadlines.
    page_cache_models = ("Category", "Holiday")

    def ready(self):
        super().ready()
        from . import member_page  # members: my page fragment, personal data, account closing

        member_page.register()
