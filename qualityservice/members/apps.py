from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "qualityservice.members"
    label = "members"
    verbose_name = _("Members")

    def ready(self):
        from qualityservice.core import extensions, nav
        from qualityservice.core.roles import Role

        from . import fragments, tasks  # noqa: F401 (tasks: registers the periodic job)

        nav.register(_("Members"), "members:staff_list", icon="mortarboard", roles=(Role.ADMIN,), order=92)
        # The public header's account corner (CAS or member sign-in, or "my page"), the CAS button on the
        # staff sign-in page, and the my page's places for the apps still to come: an app that lists its
        # records there registers its own fragment on "my_page" and deletes the placeholder line here.
        extensions.register("public_account", "members/_public_account.html", order=10, context=fragments.account)
        extensions.register("staff_login", "members/_staff_login.html", order=10, context=fragments.account)
        extensions.register("my_page", "members/_my_registrations_placeholder.html", order=60)
        extensions.register("my_page", "members/_my_votes_placeholder.html", order=70)
