"""The app wires itself here (docs/new-app.md); ``config/settings.py`` only lists it in INSTALLED_APPS."""

from django.utils.translation import pgettext_lazy

from qualityservice.core.apps import PlatformAppConfig
from qualityservice.core.nav import NavItem
from qualityservice.core.roles import Role

MANAGERS = (Role.HEAD, Role.SUPERVISOR)


class StandardsConfig(PlatformAppConfig):
    name = "qualityservice.standards"
    label = "standards"
    verbose_name = pgettext_lazy("standards", "Service standards")
    # Staff pages only (staff_urls.py, under /staff/standards/); no public page of its own, no periodic job.
    navigation = (
        # Every signed-in staff member reads their department's current procedures and their own post's duties.
        NavItem(pgettext_lazy("standards", "Operating procedures"), "standards:list", icon="journal-text", order=75),
        NavItem(pgettext_lazy("standards", "Post duties"), "standards:posts", icon="person-badge", roles=MANAGERS, order=76),
        NavItem(pgettext_lazy("standards", "My post"), "standards:mine", icon="person-check", order=77),
    )
    # Fragments on org's pages (org does not import this app): the post's name in the reader's language (badge
    # page and staff record), the post's duties on the staff record, its public service standard on the badge page.
    extension_templates = (
        ("staff_post", "standards/_post_name.html", 10),
        ("staff_detail", "standards/_staff_duties.html", 30),
        ("badge_page", "standards/_badge_standard.html", 30),
    )
    # The badge page is not cached; nothing of this app is on a cached public page.
