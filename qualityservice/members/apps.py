from django.utils.translation import gettext_lazy as _

from qualityservice.core.apps import PlatformAppConfig
from qualityservice.core.nav import NavItem
from qualityservice.core.roles import Role


class MembersConfig(PlatformAppConfig):
    name = "qualityservice.members"
    label = "members"
    verbose_name = _("Members")
    url_prefix = "members/"  # my page and member sign-in; the administrators' roster is at staff/members/
    periodic_jobs = {"members-purge-cas-sessions": ("members.purge_cas_session_tickets", 86400)}
    navigation = (NavItem(_("Members"), "members:staff_list", icon="mortarboard", roles=(Role.ADMIN,), order=92),)
    # The my page's places for the apps still to come: an app that lists its records there registers its own
    # fragment on "my_page" and deletes the placeholder line here.
    extension_templates = (
        ("my_page", "members/_my_votes_placeholder.html", 70),
    )

    def ready(self):
        super().ready()
        from qualityservice.core import extensions

        from . import fragments

        # The public header's account corner (CAS or member sign-in, or "my page") and the CAS button on the
        # staff sign-in page, with the context they need.
        extensions.register("public_account", "members/_public_account.html", order=10, context=fragments.account)
        extensions.register("staff_login", "members/_staff_login.html", order=10, context=fragments.account)
