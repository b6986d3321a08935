"""Feedback on the members' pages (the members app imports no activity app: it offers the extension
point ``my_page`` and two hooks, which feedback fills here; ``FeedbackConfig.ready`` calls ``register``).

- my page: the member's own submissions (``submitter_user``, i.e. sent with their name while signed in)
  with their status, and the one-time link to rate the handling while it is open to them;
- personal data: the same items, for the member's download;
- closing the account: the items stay (every count stays), without the member's name, contact or
  account — they become anonymous records, as the check constraint wants.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

MY_PAGE_LIMIT = 20


def register() -> None:
    from qualityservice.core import extensions
    from qualityservice.members import signals

    extensions.register("my_page", "feedback/_my_page.html", order=10, context=my_page_context)
    signals.personal_data.connect(personal_data, dispatch_uid="feedback.member_page.personal_data")
    signals.account_closing.connect(forget_member, dispatch_uid="feedback.member_page.forget_member")


def _mine(user):
    from .models import Feedback

    return Feedback.objects.filter(submitter_user=user)


def my_page_context(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_feedback": []}
    items = list(_mine(user).only("code", "title", "kind", "status", "created_at", "rating_used_at", "rating_token")
                 .order_by("-created_at", "-pk")[:MY_PAGE_LIMIT + 1])
    return {"my_feedback": items[:MY_PAGE_LIMIT], "my_feedback_more": len(items) > MY_PAGE_LIMIT}


def personal_data(sender, user, **kwargs):
    from qualityservice.members.signals import DataSection

    rows = [
        (fb.code, fb.get_kind_display(), fb.title, fb.body, fb.get_status_display(), fb.department.display_name,
         fb.submitter_name, fb.submitter_contact, timezone.localtime(fb.created_at), fb.satisfaction)
        for fb in _mine(user).select_related("department").order_by("created_at", "pk")
    ]
    headers = [_("Tracking code"), _("Kind"), _("Title"), _("Details"), _("Status"), _("Department"), _("Name"),
               _("Phone or e-mail"), _("Received"), _("Satisfaction")]
    return [DataSection("feedback", _("My feedback"), headers, rows)]


def forget_member(sender, user, **kwargs) -> int:
    """The member's named items become anonymous: no name, contact, account or address (records and
    counts stay). Their field history loses the identity too."""
    from .models import Feedback

    ids = list(_mine(user).values_list("pk", flat=True))
    if not ids:
        return 0
    Feedback.objects.filter(pk__in=ids).update(anonymous=True, submitter_name="", submitter_contact="",
                                               submitter_user=None, client_ip=None)
    Feedback.history.filter(id__in=ids).update(anonymous=True, submitter_name="", submitter_contact="",
                                               submitter_user=None)
    return len(ids)
