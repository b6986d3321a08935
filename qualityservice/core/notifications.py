"""Notifications by e-mail and by group-robot webhook (WeCom/DingTalk-style JSON POST).

``notify()`` writes the notification into an outbox table (``core.Notification``) in the caller's
transaction: it exists if and only if what it announces was committed, and it survives a broker or
worker outage. After the commit the worker is *kicked*: at most one delivery task per
``QS_NOTIFY_BATCH_SECONDS`` (a cache key debounces the kicks), and that task delivers everything
pending in batches — recipients resolved with one query per batch, all mail through one connection.
A storm of 1,000 submissions a minute thus costs the request one INSERT and one cache operation, and
the worker a few queries per batch, not per item. A periodic job (every minute) delivers whatever a
lost kick left behind. A failing mail server or webhook is logged, retried on the next runs
(``MAX_ATTEMPTS``) and never breaks the caller."""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .roles import Role

log = logging.getLogger(__name__)
WEBHOOK_TIMEOUT = 5
KICK_KEY = "qs:notifications:kick"
BATCH = 200
MAX_ATTEMPTS = 5
CLAIM = timedelta(minutes=5)
KEEP = timedelta(days=30)


def notify(*, users=(), emails=(), heads_of=(), supervisors: bool = False, subject: str, body: str, url: str = "",
           webhook: bool = True) -> None:
    """Queue a notification to ``users`` (their e-mail addresses), raw ``emails``, the heads of the
    departments ``heads_of`` (ids) and, with ``supervisors=True``, the active supervisors (both resolved by
    the worker, off the request path), and to the configured group-robot webhook. Strings should already
    be translated."""
    build_notification(users=users, emails=emails, heads_of=heads_of, supervisors=supervisors, subject=subject,
                       body=body, url=url, webhook=webhook).save(force_insert=True)
    transaction.on_commit(kick)


def build_notification(*, users=(), emails=(), heads_of=(), supervisors: bool = False, subject: str, body: str,
                       url: str = "", webhook: bool = True):
    """The unsaved outbox row of ``notify()``, for a caller that inserts it together with its own rows
    (``core.fastinsert``); the caller then registers ``transaction.on_commit(kick)``."""
    from .models import Notification

    user_ids = [u.pk for u in users if u is not None]
    payload = {"user_ids": user_ids, "emails": list(emails), "heads_of": [int(d) for d in heads_of],
               "subject": str(subject), "body": str(body), "url": url, "webhook": webhook}
    if supervisors:
        payload["supervisors"] = True
    return Notification(payload=payload)


_last_kick = {"at": float("-inf")}


def kick() -> None:
    """Ask the worker to deliver the pending notifications within QS_NOTIFY_BATCH_SECONDS (one task
    for a burst). If the broker is down the periodic job delivers them.

    A process that scheduled the delivery task itself less than QS_NOTIFY_BATCH_SECONDS ago skips even the
    cache operation: that task runs no earlier than its countdown, i.e. after this commit, and claims what
    was committed before it starts."""
    delay = getattr(settings, "QS_NOTIFY_BATCH_SECONDS", 2)
    eager = deliver_pending_notifications.app.conf.task_always_eager
    if not eager and time.monotonic() < _last_kick["at"] + delay:
        return
    try:
        if cache.add(KICK_KEY, 1, delay + 60):
            scheduled = time.monotonic()
            deliver_pending_notifications.apply_async(countdown=delay)
            if not eager:  # an eager task has already run
                _last_kick["at"] = scheduled
    except Exception:
        log.exception("notification queue unavailable; the periodic job will deliver")
        try:
            cache.delete(KICK_KEY)
        except Exception:
            pass


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


def _recipients(payloads: list[dict]) -> list[set[str]]:
    """Each payload's e-mail recipients, with one query for the users, one for the heads of all and one for
    the supervisors (when any payload asks for them)."""
    User = get_user_model()
    user_ids = {pk for p in payloads for pk in p.get("user_ids") or []}
    dept_ids = {d for p in payloads for d in p.get("heads_of") or []}
    emails_of_user = dict(User.objects.filter(pk__in=user_ids).values_list("pk", "email")) if user_ids else {}
    heads: dict[int, set[str]] = {}
    if dept_ids:
        # The heads of departments, through the staff profile (``user.staff``; core imports no domain app).
        rows = User.objects.filter(staff__department_id__in=dept_ids, staff__role=Role.HEAD, staff__is_active=True,
                                   is_active=True).values_list("staff__department_id", "email")
        for dept, email in rows:
            heads.setdefault(dept, set()).add(email)
    supervisors: set[str] = set()
    if any(p.get("supervisors") for p in payloads):
        supervisors = set(User.objects.filter(staff__role=Role.SUPERVISOR, staff__is_active=True, is_active=True)
                          .values_list("email", flat=True))
    out = []
    for p in payloads:
        recipients = set(p.get("emails") or [])
        recipients |= {emails_of_user.get(pk) for pk in p.get("user_ids") or []}
        for dept in p.get("heads_of") or []:
            recipients |= heads.get(dept, set())
        if p.get("supervisors"):
            recipients |= supervisors
        out.append({e for e in recipients if e})
    return out


def _full_url(url: str) -> str:
    return (settings.SITE_URL + url) if url.startswith("/") else url


def deliver(payloads: list[dict], *, webhook_done: set[int] = frozenset()) -> list[dict]:
    """Deliver notifications now (mail through one connection, then the webhook, except for the indexes
    in ``webhook_done``). Returns, per payload, {"mail": 0/1, "webhook": bool, "ok": bool}; ``ok`` is
    False when its mail could not be sent (the webhook is not retried: a robot message is best effort)."""
    recipients = _recipients(payloads)
    messages = []
    for payload, to in zip(payloads, recipients, strict=True):
        full_url = _full_url(payload.get("url") or "")
        if to:
            body = payload["body"] + (f"\n\n{full_url}" if full_url else "")
            messages.append(EmailMessage(payload["subject"], body, None, sorted(to)))
        else:
            messages.append(None)
    results = [{"mail": 0, "webhook": False, "ok": True} for _p in payloads]
    to_send = [m for m in messages if m is not None]
    if to_send:
        try:
            with get_connection(fail_silently=False) as connection:
                for result, message in zip(results, messages, strict=True):
                    if message is None:
                        continue
                    try:
                        result["mail"] = connection.send_messages([message]) or 0
                    except Exception as exc:
                        log.warning("notification mail failed: %s", exc)
                        result["ok"] = False
        except Exception as exc:  # the mail server is unreachable
            log.warning("notification mail failed: %s", exc)
            for result, message in zip(results, messages, strict=True):
                if message is not None:
                    result["ok"] = False
    target = getattr(settings, "QS_NOTIFY_WEBHOOK_URL", "")
    if target:
        for index, (payload, result) in enumerate(zip(payloads, results, strict=True)):
            if payload.get("webhook", True) and index not in webhook_done:
                full_url = _full_url(payload.get("url") or "")
                result["webhook"] = post_webhook(target, webhook_message(payload["subject"], payload["body"], full_url))
    return results


@shared_task(name="core.deliver_pending_notifications", ignore_result=True)
def deliver_pending_notifications(limit: int = 10 * BATCH) -> int:
    """Deliver the outbox: claim a batch (rows locked by another worker are skipped), deliver it outside
    the transaction, mark what was sent; a row whose mail failed is retried by a later run until
    MAX_ATTEMPTS. Returns how many were delivered."""
    from .models import Notification

    try:
        cache.delete(KICK_KEY)  # notifications committed from now on kick a new run
    except Exception:
        pass
    delivered = 0
    while delivered < limit:
        now = timezone.now()
        with transaction.atomic():
            batch = list(
                Notification.objects.select_for_update(skip_locked=True)
                .filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
                .exclude(claimed_until__gt=now)
                .order_by("pk")[:BATCH]
            )
            if not batch:
                break
            Notification.objects.filter(pk__in=[n.pk for n in batch]).update(claimed_until=now + CLAIM)
        results = deliver([n.payload for n in batch],
                          webhook_done={i for i, n in enumerate(batch) if n.result == "mail failed"})
        sent, failed = [], []
        for n, result in zip(batch, results, strict=True):
            (sent if result["ok"] else failed).append(n.pk)
        done = timezone.now()
        if sent:
            Notification.objects.filter(pk__in=sent).update(sent_at=done, claimed_until=None,
                                                            attempts=F("attempts") + 1)
        if failed:
            Notification.objects.filter(pk__in=failed).update(claimed_until=None, attempts=F("attempts") + 1,
                                                              result="mail failed")
            break  # the mail server is down: leave the rest to the next run
        delivered += len(sent)
    return delivered


@shared_task(name="core.purge_notifications", ignore_result=True)
def purge_notifications() -> int:
    """Forget delivered notifications after 30 days, and given-up ones after 30 days too."""
    from .models import Notification

    cutoff = timezone.now() - KEEP
    deleted, _detail = Notification.objects.filter(created_at__lt=cutoff).delete()
    return deleted


@shared_task(name="core.deliver_notification", ignore_result=True)
def deliver_notification(payload: dict) -> dict:
    """Deliver one notification now. (Also the task name of earlier versions, so that messages queued
    before an upgrade are still delivered.)"""
    return deliver([payload])[0]
