"""The app wires itself here (docs/new-app.md); ``config/settings.py`` only lists it in INSTALLED_APPS."""

from django.utils.translation import pgettext_lazy

from qualityservice.core.apps import PlatformAppConfig
from qualityservice.core.nav import NavItem
from qualityservice.core.roles import Role

MANAGERS = (Role.HEAD, Role.SUPERVISOR)


class EventsConfig(PlatformAppConfig):
    name = "qualityservice.events"
    label = "events"
    verbose_name = pgettext_lazy("events", "Events")
    # Public pages (urls.py) under /events/, staff pages (staff_urls.py) under /staff/events/.
    url_prefix = "events/"
    staff_url_prefix = "staff/events/"
    # Beat entry name: (Celery task name in tasks.py, seconds).
    periodic_jobs = {
        "events-expire-offers": ("events.expire_offers", 300),
        "events-relay-answers": ("events.relay_answers", 600),
        "events-reminders": ("events.send_reminders", 900),
        "events-hold-past-sessions": ("events.hold_past_sessions", 3600),
        "events-delete-visitor-data": ("events.delete_visitor_data", 86400),
    }
    navigation = (
        NavItem(pgettext_lazy("events", "Events"), "events:list", icon="calendar-event", roles=MANAGERS, order=58),
    )
    extension_templates = (("public_nav", "events/_public_nav.html", 40),)

    def ready(self):
        super().ready()
        from . import member_page  # members: my page fragment, personal data, account closing

        member_page.register()
