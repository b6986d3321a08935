"""Notifications by e-mail and by group-robot webhook (WeCom/DingTalk-style JSON POST).

``notify()`` writes the notification into an outbox table (``core.Notification``) in the caller's
transaction: it exists if and only if what it announces was committed, and it survives a broker or
worker outage. After the commit the worker is *kicked*: at most one delivery task per
``QS_NOTIFY_BATCH_SECONDS`` (a cache key debounces the kicks), and that task delivers everything
pending in batches — recipients resolved with one query per batch, all mail through one connection.
A storm of 1,000 submissions a minute thus costs the request one INSERT and one cache operation, and
the worker a few queries per batch, not per item. A periodic job (every minute) delivers whatever a
lost kick left behind. A failing mail server or webhook is logged, retried on the next runs
(``MAX_ATTEMPTS``) and never breaks the caller.

Several workers: a run claims a batch for a short lease (``CLAIM``, renewed while it delivers), so the
other workers skip it; each message is marked sent as soon as the mail server has accepted it. A worker
that dies mid-batch leaves only what it had not yet sent, which another run takes over when the lease
ends — nothing is sent twice except, at worst, the one message in flight at the moment of death (the
server accepted it, the mark was not written: SMTP's own ambiguity, RFC 1047). Every message carries a
Message-ID derived from its outbox row, so that message is one message to its recipients' mail systems.
A database outage mid-batch stops the sending; the worker marks what it had sent once the database is
back (within the lease), so a PostgreSQL restart sends nothing twice either."""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone

from .roles import Role

log = logging.getLogger(__name__)
WEBHOOK_TIMEOUT = 5
KICK_KEY = "qs:notifications:kick"
BATCH = 200
MAX_ATTEMPTS = 5
# A claimed batch is this run's for CLAIM; the lease is renewed every RENEW seconds while the batch is
# delivered, so it only runs out when the worker is gone (the rest of its batch is then taken over).
CLAIM = timedelta(seconds=30)
RENEW = 5.0
# Seconds an SMTP operation may take (settings.EMAIL_TIMEOUT when set): well inside the lease.
SMTP_TIMEOUT = 10
KEEP = timedelta(days=30)


def notify(*, users=(), emails=(), heads_of=(), supervisors: bool = False, subject: str, body: str, url: str = "",
           webhook: bool = True) -> None:
    """Queue a notification to ``users`` (their e-mail addresses), raw ``emails``, the heads of the
    departments ``heads_of`` (ids) and, with ``supervisors=True``, the group's supervisors (both resolved
    by the worker, off the request path), and to the configured group-robot webhook. Strings should
    already be translated."""
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
    """Each payload's e-mail recipients, with one query for the users, one for the heads of all and one
    for the supervisors (when a payload asks for them)."""
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


def message_id(notification) -> str:
    """The Message-ID of an outbox row's mail: the same on every attempt and from every worker (the
    installation's address, not the worker's host name), unique across installations and database resets."""
    host = urllib.parse.urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<qs-notification.{notification.pk}.{int(notification.created_at.timestamp())}@{host}>"


def deliver(payloads: list[dict], *, webhook_done: set[int] = frozenset(), message_ids: list[str] | None = None,
            on_result=None) -> list[dict]:
    """Deliver notifications now, one after the other (mail through one connection, then the webhook,
    except for the indexes in ``webhook_done``). ``on_result(index, result)`` is called as soon as each
    is done. Returns, per payload, {"mail": 0/1, "webhook": bool, "ok": bool}; ``ok`` is False when its
    mail could not be sent (the webhook is not retried: a robot message is best effort)."""
    recipients = _recipients(payloads)
    target = getattr(settings, "QS_NOTIFY_WEBHOOK_URL", "")
    results = []
    mail, mail_down = None, False
    try:
        for index, (payload, to) in enumerate(zip(payloads, recipients, strict=True)):
            result = {"mail": 0, "webhook": False, "ok": True}
            full_url = _full_url(payload.get("url") or "")
            if to:
                body = payload["body"] + (f"\n\n{full_url}" if full_url else "")
                headers = {"Message-ID": message_ids[index]} if message_ids else None
                message = EmailMessage(payload["subject"], body, None, sorted(to), headers=headers)
                if mail is None and not mail_down:
                    try:
                        mail = get_connection(fail_silently=False,
                                              timeout=getattr(settings, "EMAIL_TIMEOUT", None) or SMTP_TIMEOUT)
                        mail.open()
                    except Exception as exc:  # the mail server is unreachable
                        log.warning("notification mail failed: %s", exc)
                        mail_down = True
                if mail_down:
                    result["ok"] = False
                else:
                    try:
                        result["mail"] = mail.send_messages([message]) or 0
                    except Exception as exc:
                        log.warning("notification mail failed: %s", exc)
                        result["ok"] = False
            if target and payload.get("webhook", True) and index not in webhook_done:
                result["webhook"] = post_webhook(target, webhook_message(payload["subject"], payload["body"], full_url))
            results.append(result)
            if on_result is not None:
                on_result(index, result)
    finally:
        if mail is not None:
            try:
                mail.close()
            except Exception:
                pass
    return results


class _OutboxGone(Exception):
    """The outbox cannot be written (the database is out): stop sending — what was sent must be marked first."""


def _mark_sent(pks: list[int]) -> None:
    from .models import Notification

    Notification.objects.filter(pk__in=pks).update(sent_at=timezone.now(), claimed_until=None, attempts=F("attempts") + 1)


def _mark_when_back(pks: list[int], until: float) -> bool:
    """Mark ``pks`` sent as soon as the database answers again, trying until ``until`` (monotonic; the end of
    their lease). This worker knows their mail was accepted; if it gave up, a later run would send them again."""
    while True:
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()  # a connection the outage broke is not reused
        try:
            _mark_sent(pks)
            return True
        except DatabaseError:
            if time.monotonic() + 1 >= until:
                log.error("could not mark %d sent notifications before their lease ended: they may be sent again", len(pks))
                return False
            time.sleep(1)


@shared_task(name="core.deliver_pending_notifications", ignore_result=True)
def deliver_pending_notifications(limit: int = 10 * BATCH) -> int:
    """Deliver the outbox: claim a batch for a lease (rows locked or leased by another worker are
    skipped), deliver it outside the transaction marking each row sent as soon as its mail is accepted,
    renew the lease of the rest while doing so; a row whose mail failed is retried by a later run until
    MAX_ATTEMPTS. When the database goes away mid-batch, sending stops and what was sent is marked once it
    is back (within the lease). Returns how many were delivered."""
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
        unsent = {n.pk for n in batch}
        sent, failed, unmarked = [], [], []
        lease = {"renew_at": time.monotonic() + RENEW, "until": time.monotonic() + CLAIM.total_seconds()}

        def done(index: int, result: dict, batch=batch, unsent=unsent, sent=sent, failed=failed, unmarked=unmarked,
                 lease=lease) -> None:
            row = batch[index]
            unsent.discard(row.pk)
            if not result["ok"]:
                failed.append(row.pk)
            else:
                try:
                    _mark_sent([row.pk])
                except DatabaseError:
                    unmarked.append(row.pk)
                    raise _OutboxGone from None
                sent.append(row.pk)
            if unsent and time.monotonic() >= lease["renew_at"]:
                try:
                    Notification.objects.filter(pk__in=unsent, sent_at__isnull=True).update(claimed_until=timezone.now() + CLAIM)
                except DatabaseError:
                    raise _OutboxGone from None
                lease.update(renew_at=time.monotonic() + RENEW, until=time.monotonic() + CLAIM.total_seconds())

        try:
            deliver([n.payload for n in batch], webhook_done={i for i, n in enumerate(batch) if n.result == "mail failed"},
                    message_ids=[message_id(n) for n in batch], on_result=done)
        except _OutboxGone:
            log.warning("notification outbox unavailable: delivery stopped, the rest is left to a later run")
            if unmarked and _mark_when_back(unmarked, lease["until"] - 2):
                sent += unmarked
            return delivered + len(sent)
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

