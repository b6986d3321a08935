"""Events on the members' pages (the members app imports no activity app: it offers the extension point
``my_page`` and two hooks, which events fills here; ``EventsConfig.ready`` calls ``register``).

- my page: the member's registrations and tickets, newest first, with their status and the ticket link;
- personal data: the same registrations, for the member's download;
- closing the account: registrations and invitations stay (every count stays) without the account, name or phone.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import pgettext

MY_PAGE_LIMIT = 20


def register() -> None:
    from qualityservice.core import extensions
    from qualityservice.members import signals

    extensions.register("my_page", "events/_my_page.html", order=30, context=my_page_context)
    signals.personal_data.connect(personal_data, dispatch_uid="events.member_page.personal_data")
    signals.account_closing.connect(forget_member, dispatch_uid="events.member_page.forget_member")


def _mine(user):
    from .models import Registration

    return Registration.objects.filter(user=user)


def my_page_context(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_registrations": []}
    rows = list(_mine(user).select_related("session__event", "session__place").order_by("-session__starts_at", "-pk")[:MY_PAGE_LIMIT + 1])
    return {"my_registrations": rows[:MY_PAGE_LIMIT], "my_registrations_more": len(rows) > MY_PAGE_LIMIT,
            "events_url": _events_url()}


def _events_url() -> str:
    from django.urls import reverse

    return reverse("events:public_list")


def personal_data(sender, user, **kwargs):
    from qualityservice.members.signals import DataSection

    rows = [
        (r.session.event.title, timezone.localtime(r.session.starts_at), r.get_status_display(), r.name, r.phone,
         timezone.localtime(r.created_at), timezone.localtime(r.checked_in_at) if r.checked_in_at else None, r.code)
        for r in _mine(user).select_related("session__event").order_by("created_at", "pk")
    ]
    headers = [pgettext("events", "Event"), pgettext("events", "Session"), pgettext("events", "Status"), pgettext("events", "Name"),
               pgettext("events", "Phone"), pgettext("events", "Registered"), pgettext("events", "Checked in"),
               pgettext("events", "Ticket code")]
    return [DataSection("events", pgettext("events", "My registrations and tickets"), headers, rows)]


def forget_member(sender, user, **kwargs) -> int:
    """The member's registrations and invitations name nobody any more (records and counts stay)."""
    from .models import Invitation

    now = timezone.now()
    changed = _mine(user).update(user=None, name="", phone="", personal_data_deleted_at=now)
    changed += Invitation.objects.filter(user=user).update(user=None, name="")
    return changed
