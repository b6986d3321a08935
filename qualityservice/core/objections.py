"""Objections during a public notice (公示): one way for every app that publishes a result for the public to object to
(a competition's results, the year-end evaluation, a recognition round's winners).

An objection is the app's own row (what it is about, which the organiser answers on the app's pages) **and** a
feedback record of kind ``objection`` (``org.RequestKind.OBJECTION``, never offered on the public feedback form),
routed to whoever answers it and tracked by its code like any feedback. The app keeps what is its own — its model,
what the objection is about, who receives it, its notice window and its checks — and passes them in; this module
does what the three share:

- :func:`raise_objection`: the app's row and the feedback record in one transaction, once per form
  (``core.submissions.create_once``), the feedback's tracking code written back on the row, the submitter's identity
  as feedback requires it, the organisers told (``core.notifications.notify``);
- :func:`hidden_from`: on the app's own staff pages, whether a reader is the staff member the objection is about
  (then shown neither its author nor its tracking code);
- :func:`receive`: the public form's POST — a refused CSRF token, the rate limit (``core.ratelimit``: the visitor
  is held back with what they typed kept), bad input (a translated message, nothing saved), then the app's send.

``core`` imports no app: the caller finds feedback's receiver, ``feedback.services.create_feedback``, with
``core.registry.optional_function`` and passes it as ``file`` (None when the feedback app is not installed: the row
is then kept alone, or the app refuses first with its own sentence)::

    create_feedback = optional_function(FEEDBACK_APP, "services", "create_feedback")  # the feedback app's module path
    objection, created = objections.raise_objection(
        Objection, app="recognition", key=key, file=create_feedback,
        create=lambda stored: Objection.objects.create(round=rnd, text=text, submission_key=stored),
        department=group_office, title=f"公示异议：{rnd.title}", body=text,
        author=objections.Author(contact=contact), about_staff=nomination.staff)

**Privacy** (product.md): an anonymous objection (no name, no contact, no account) stores no identity in the
feedback record; ``about_staff`` — the staff member the objection is about (a contestant, a nominee) — marks the
feedback record as about them without routing it to their department, so feedback's own rule applies: they never
see who raised it, nor its tracking code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import pgettext

from . import csrf, ratelimit
from .notifications import notify
from .permissions import staff_profile
from .submissions import create_once, scoped

M = TypeVar("M", bound=models.Model)
T = TypeVar("T")

KIND = "objection"  # the feedback kind of an objection (org.RequestKind.OBJECTION; a test checks they agree)
CHANNEL = "web"
LINK_FIELDS = ("feedback_id", "feedback_code", "feedback_url")  # written back on the app's row where it has them


@dataclass(frozen=True)
class Author:
    """Who raises the objection, as the app knows them: what the visitor typed (``name``, ``contact``) and, when the
    app identifies the author by the signed-in account (a staff member, a member), that ``user``. Nothing of the
    three: anonymous."""

    name: str = ""
    contact: str = ""
    user: Any = None

    @property
    def anonymous(self) -> bool:
        return not (self.name or self.contact or getattr(self.user, "is_authenticated", False))


@dataclass(frozen=True)
class Tell:
    """Who is told of a new objection besides the feedback record's own notification (``core.notifications.notify``
    recipients: the group's supervisors, or the heads of departments), with the subject; the URL defaults to the
    feedback record's staff page."""

    subject: str
    supervisors: bool = False
    heads_of: tuple[int, ...] = ()
    url: str = ""


def raise_objection(model: type[M], *, app: str, key: str | None, create: Callable[[str | None], M],
                    file: Callable[..., Any] | None, department, title: str, body: str, author: Author = Author(),
                    about_staff=None, tell: Tell | None = None, scope: str | None = None) -> tuple[M, bool]:
    """The objection once per form: ``create(stored_key)`` makes the app's row (``model``, with a
    ``SubmissionKeyField``), then ``file`` — ``feedback.services.create_feedback`` — makes the feedback record
    (kind ``objection``, web channel, routed to ``department``; None: the triage department), its ``source_ref``
    ``<app>.objection:<row id>``; its id, code and URL are written on the row's ``feedback_id``/``feedback_code``/
    ``feedback_url`` where the model has them. Returns (row, created); a repeated key returns the first row and
    files nothing. All in the caller's transaction (a savepoint): both exist, or neither. The caller checks its
    notice window and its input first (and locks what must not change meanwhile)."""

    def make(stored_key):
        row = create(stored_key)
        ref = None
        if file is not None:
            anonymous = author.anonymous
            ref = file(
                kind=KIND, channel=CHANNEL, department=department, title=title[:200], body=body, anonymous=anonymous,
                submitter_name="" if anonymous else author.name, submitter_contact="" if anonymous else author.contact,
                submitter_user=None if anonymous else author.user, about_staff=about_staff,
                source_ref=f"{app}.objection:{row.pk}", submission_key=f"{app}-objection-{row.pk}",
            )  # -> feedback.services.FeedbackRef
            link = {name: value for name, value in (("feedback_id", ref.pk), ("feedback_code", ref.code),
                                                    ("feedback_url", (ref.url or "")[:300]))
                    if _has_field(model, name)}
            model._default_manager.filter(pk=row.pk).update(**link)
            for name, value in link.items():
                setattr(row, name, value)
        if tell is not None:
            notify(supervisors=tell.supervisors, heads_of=tell.heads_of, subject=tell.subject, body=getattr(row, "text", "") or body,
                   url=tell.url or (ref.url if ref is not None else ""), webhook=False)
        return row

    return create_once(model, scoped(scope or f"{app}-objection", key), make)


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except Exception:  # FieldDoesNotExist
        return False
    return True


def hidden_from(user, about_staff_id: int | None) -> bool:
    """True when ``user`` is the staff member an objection is about: the app's own pages then show them neither who
    raised it (name, phone, account) nor its tracking code — feedback's rule (``Feedback.identity_hidden_from``,
    ``code_for``) on the app's side."""
    if about_staff_id is None:
        return False
    profile = staff_profile(user)
    return profile is not None and profile.pk == about_staff_id


def held_back_message() -> str:
    return pgettext("objection", "You have sent many objections in a short time. What you typed is still here: please "
                                 "wait a while and send it again.")


def receive(request, form, *, group: str, per_ip: str, per_visitor: str, send: Callable[[dict], T]) -> tuple[T | None, int]:
    """The POST of a public objection form: returns (what ``send(cleaned_data)`` returned, or None; the status to
    answer with). 403: a POST refused by the CSRF check and rendered again (``core.csrf.keeps_typed_input``); 429:
    held back by the rate limit ``group`` (per address and per browser, ``core.ratelimit.public_rate_limited``), the
    form keeping what was typed, with a translated sentence; 400: bad input or ``send`` refused it (its
    ``ValidationError`` becomes the form's error); 200: sent. Nothing is saved but by ``send``."""
    valid = form.is_valid()  # validated in every case, so that what was typed is shown again
    if csrf.is_retry(request):
        return None, 403
    if ratelimit.public_rate_limited(request, group, per_ip=per_ip, per_visitor=per_visitor):
        form.add_error(None, held_back_message())
        return None, 429
    if valid:
        try:
            return send(form.cleaned_data), 200
        except ValidationError as exc:
            form.add_error(None, exc)
    return None, 400
