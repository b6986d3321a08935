"""Notifications by e-mail and by group-robot webhook (WeCom/DingTalk-style JSON POST).

``notify()`` is called inside a request or job; delivery happens in the background (Celery)
after the transaction commits. A failing mail server or webhook is logged and never breaks
the caller."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction

from .roles import Role

log = logging.getLogger(__name__)
WEBHOOK_TIMEOUT = 5


def notify(*, users=(), emails=(), heads_of=(), subject: str, body: str, url: str = "", webhook: bool = True) -> None:
    """Queue a notification to ``users`` (their e-mail addresses), raw ``emails`` and the heads of the
    departments ``heads_of`` (ids; resolved by the worker, off the request path), and to the configured
    group-robot webhook. Strings should already be translated."""
    user_ids = [u.pk for u in users if u is not None]
    payload = {"user_ids": user_ids, "emails": list(emails), "heads_of": [int(d) for d in heads_of],
               "subject": str(subject), "body": str(body), "url": url, "webhook": webhook}
    transaction.on_commit(lambda: _enqueue(payload))


def _enqueue(payload: dict) -> None:
    try:
        deliver_notification.delay(payload)
    except Exception:  # broker down: deliver inline rather than lose it
        log.exception("notification queue unavailable; delivering inline")
        deliver_notification(payload)


def webhook_message(subject: str, body: str, url: str) -> dict:
    text = f"{subject}\n{body}" + (f"\n{url}" if url else "")
    return {"msgtype": "text", "text": {"content": text}}


def post_webhook(target: str, message: dict) -> bool:
    data = json.dumps(message, ensure_ascii=False).encode()
    request = urllib.request.Request(target, data=data, headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError, ValueError) as exc:
        log.warning("webhook %s failed: %s", target, exc)
        return False


@shared_task(name="core.deliver_notification", ignore_result=True)
def deliver_notification(payload: dict) -> dict:
    User = get_user_model()
    recipients = set(payload.get("emails") or [])
    if payload.get("user_ids"):
        recipients |= {e for e in User.objects.filter(pk__in=payload["user_ids"]).values_list("email", flat=True) if e}
    if payload.get("heads_of"):
        # The heads of departments, through the staff profile (``user.staff``; core imports no domain app).
        heads = User.objects.filter(staff__department_id__in=payload["heads_of"], staff__role=Role.HEAD,
                                    staff__is_active=True, is_active=True)
        recipients |= {e for e in heads.values_list("email", flat=True) if e}
    url = payload.get("url") or ""
    full_url = (settings.SITE_URL + url) if url.startswith("/") else url
    sent_mail = 0
    if recipients:
        body = payload["body"] + (f"\n\n{full_url}" if full_url else "")
        try:
            sent_mail = send_mail(payload["subject"], body, None, sorted(recipients), fail_silently=False)
        except Exception as exc:
            log.warning("notification mail failed: %s", exc)
    hooked = False
    target = getattr(settings, "QS_NOTIFY_WEBHOOK_URL", "")
    if payload.get("webhook", True) and target:
        hooked = post_webhook(target, webhook_message(payload["subject"], payload["body"], full_url))
    return {"mail": sent_mail, "webhook": hooked}
