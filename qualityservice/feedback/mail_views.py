"""The mailbox page for operators: messages that wait for a person (rejected messages, replies to
closed items) and the log of everything the mailbox took."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from qualityservice.core.permissions import role_required
from qualityservice.core.roles import Role

from .models import MailMessage

MAILBOX_ROLES = (Role.OPERATOR, Role.SUPERVISOR)
PAGE_SIZE = 50
VIEWS = ("review", "rejected", "all")


@role_required(*MAILBOX_ROLES)
def mailbox(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show")
    show = show if show in VIEWS else "review"
    qs = MailMessage.objects.select_related("feedback").order_by("-received_at", "-pk")
    if show == "review":
        qs = qs.filter(needs_review=True)
    elif show == "rejected":
        qs = qs.filter(outcome=MailMessage.Outcome.REJECTED)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "feedback/mailbox.html", {
        "page_obj": page, "show": show,
        "tabs": [("review", _("To review")), ("rejected", pgettext("mailbox", "Rejected")), ("all", _("All messages"))],
    })


@require_POST
@role_required(*MAILBOX_ROLES)
def mail_reviewed(request: HttpRequest, pk: int) -> HttpResponse:
    """The operator has dealt with a message (logged it by hand, reopened the item, or decided that
    nothing is to be done). A second click changes nothing."""
    record = get_object_or_404(MailMessage, pk=pk)
    done = MailMessage.objects.filter(pk=record.pk, needs_review=True).update(
        needs_review=False, reviewed_at=timezone.now(), reviewed_by=request.user)
    if done:
        messages.success(request, _("Marked as reviewed."))
    else:
        messages.info(request, _("This message was already reviewed."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = ""
    return redirect(target or "feedback:mailbox")
