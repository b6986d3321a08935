"""Engagement events (product.md section E): open days, tours, forums, experience days, the exchange
conference and the commendation meeting.

- ``CoHost``: the maintained list of co-host organisations (学生处, 团委, 学生会 …).
- ``Event``: a kind, a host department, co-hosts, an audience (public, members only, invitation only);
  ``workflows.EVENT`` moves its status.
- ``Session``: one occurrence (time, place, capacity, registration window) with its seat counters;
  ``workflows.SESSION``. ``Allocation``: seats of a session reserved for one co-host, with its own link.
- ``Registration``: one person's seat or place in the waiting list, and their ticket; ``workflows.REGISTRATION``.
  ``Offer``: a seat offered to the first in line, to confirm before a deadline; ``workflows.OFFER``.
  ``QueueMove``: a manual reorder of the waiting list, with its written reason.
- ``Invitation``: an invitee of an invitation-only event, with a personal link; ``workflows.INVITATION``.
- ``CheckIn``: every scan at the door, accepted or refused with its reason (the log; idempotent per client nonce).
- ``Minutes`` (纪要, draft → final, ``workflows.MINUTES``) and ``MinutesRevision`` (every saved text).
- ``Opinion``: an opinion raised at the event, which becomes a feedback record (``feedback.services.create_feedback``).

Seats: a session's capacity is split into the co-hosts' allocations (``reserved``) and the general pool.
``general_taken`` counts the general pool's held seats (confirmed, offered, attended, no-show), each
allocation's ``taken`` its own; check constraints keep both within their limits whatever the concurrency
(the services change them under the session's row lock).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from qualityservice.core.i18n import LocalisedNameMixin, LocalisedTextMixin
from qualityservice.core.permissions import DepartmentScopedQuerySet
from qualityservice.core.submissions import SubmissionKeyField

# Ticket codes: 12 characters of an alphabet without look-alikes (typed from a phone screen if need be).
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
SIGNATURE_LENGTH = 8


def new_code() -> str:
    """A public page's code: 16 URL-safe random characters (an id would let anyone count and walk the rows)."""
    return secrets.token_urlsafe(12)


def new_ticket_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def ticket_signature(code: str) -> str:
    """The part of a ticket that only this installation can make: HMAC-SHA256 of the code with the secret key."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"events.ticket:{code}".encode(), hashlib.sha256).digest()
    value = int.from_bytes(digest[:5], "big")
    return "".join(ALPHABET[(value >> (5 * i)) & 31] for i in range(SIGNATURE_LENGTH))


def signed_ticket(code: str) -> str:
    return f"{code}-{ticket_signature(code)}"


def ticket_code_of(token: str) -> str | None:
    """The code of a signed ticket (from a QR code, a scanner or typed; a URL of the ticket page works too), or
    None when the signature does not match — a forged or mistyped ticket needs no database look-up."""
    value = (token or "").strip().rstrip("/").upper()
    if "/" in value:
        value = value.rsplit("/", 1)[-1]
    value = value.replace(" ", "")
    code, sep, signature = value.partition("-")
    if not sep or len(code) != CODE_LENGTH or len(signature) != SIGNATURE_LENGTH:
        return None
    return code if hmac.compare_digest(signature, ticket_signature(code)) else None


class Kind(models.TextChoices):
    OPEN_DAY = "open_day", pgettext_lazy("events", "Open day")
    TOUR = "tour", pgettext_lazy("events", "Facility tour")
    FORUM = "forum", pgettext_lazy("events", "Forum")
    EXPERIENCE = "experience", pgettext_lazy("events", "Experience day")
    EXCHANGE = "exchange", pgettext_lazy("events", "Experience exchange conference")
    COMMENDATION = "commendation", pgettext_lazy("events", "Summary and commendation meeting")


class Audience(models.TextChoices):
    PUBLIC = "public", pgettext_lazy("events", "Everyone")
    MEMBERS = "members", pgettext_lazy("events", "Signed-in teachers and students")
    INVITATION = "invitation", pgettext_lazy("events", "By invitation only")


class CoHost(LocalisedNameMixin, models.Model):
    """A co-host organisation (学生处, 团委, 学生会 …): the maintained list events choose from."""

    name = models.CharField(pgettext_lazy("events", "name"), max_length=60, unique=True)
    name_en = models.CharField(pgettext_lazy("events", "English name"), max_length=100, blank=True)
    is_active = models.BooleanField(pgettext_lazy("events", "in use"), default=True)
    sort_order = models.PositiveIntegerField(pgettext_lazy("events", "order"), default=100)
    submission_key = SubmissionKeyField()

    class Meta:
        verbose_name = pgettext_lazy("events", "co-host organisation")
        verbose_name_plural = pgettext_lazy("events", "co-host organisations")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.display_name

    def get_edit_url(self) -> str:
        return reverse("events:cohost_edit", args=[self.pk])


class EventQuerySet(DepartmentScopedQuerySet):
    """``visible_to(user)``: heads (and the staff at the door) read their department's events, supervisors all."""

    department_field = "department"

    def listed(self):
        """Published events anyone may see in the public list (invitation-only ones are not listed)."""
        return self.filter(status=Event.Status.PUBLISHED).exclude(audience=Audience.INVITATION)

    def upcoming(self, now=None):
        """The listed events with a scheduled session still to come, soonest first, each annotated with the start of
        that next session (``next_start``): the public list and the board's coming events."""
        now = now or timezone.now()
        to_come = Q(sessions__status=Session.Status.SCHEDULED, sessions__ends_at__gte=now)
        return (self.listed().annotate(next_start=models.Min("sessions__starts_at", filter=to_come))
                .filter(next_start__isnull=False).order_by("next_start", "pk"))


class Event(LocalisedTextMixin, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("events", "Draft")
        PUBLISHED = "published", pgettext_lazy("events", "Published")
        FINISHED = "finished", pgettext_lazy("events", "Finished")
        CANCELLED = "cancelled", pgettext_lazy("events", "Cancelled")

    kind = models.CharField(pgettext_lazy("events", "kind"), max_length=16, choices=Kind.choices)
    department = models.ForeignKey("org.Department", verbose_name=pgettext_lazy("events", "host department"),
                                   on_delete=models.PROTECT, related_name="events")
    co_hosts = models.ManyToManyField(CoHost, verbose_name=pgettext_lazy("events", "co-host organisations"), blank=True,
                                      related_name="events")
    title = models.CharField(pgettext_lazy("events", "title"), max_length=120)
    title_en = models.CharField(pgettext_lazy("events", "title (English)"), max_length=200, blank=True)
    description = models.TextField(pgettext_lazy("events", "description"), blank=True)
    description_en = models.TextField(pgettext_lazy("events", "description (English)"), blank=True)
    audience = models.CharField(pgettext_lazy("events", "audience"), max_length=12, choices=Audience.choices,
                                default=Audience.PUBLIC)
    status = models.CharField(pgettext_lazy("events", "status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    # The campaign activity the event serves (a campaigns.DepartmentActivity, chosen from
    # campaigns.services.activities_carried_by): held sessions are recorded as its evidence. An id, not a
    # foreign key: events reads campaigns only through its service functions.
    campaign_activity_id = models.PositiveBigIntegerField(pgettext_lazy("events", "campaign activity"), null=True, blank=True)
    code = models.CharField(pgettext_lazy("events", "public code"), max_length=24, unique=True, default=new_code, editable=False)
    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("events", "organiser"), null=True,
                                  blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(pgettext_lazy("events", "created"), default=timezone.now, editable=False)
    published_at = models.DateTimeField(pgettext_lazy("events", "published"), null=True, blank=True, editable=False)
    submission_key = SubmissionKeyField(pgettext_lazy("events", "submission key"))
    history = HistoricalRecords(excluded_fields=["submission_key"])

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("events", "event")
        verbose_name_plural = pgettext_lazy("events", "events")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The staff list: WHERE department_id IN (…) ORDER BY created_at DESC, id DESC (keyset pages).
            models.Index(fields=["department", "-created_at", "-id"], name="events_event_list_idx"),
            # The public list: WHERE status = 'published' (few rows; the sessions give the order).
            models.Index(fields=["status"], name="events_event_status_idx"),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return self.localised("title")

    @property
    def display_description(self) -> str:
        return self.localised("description")

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def get_absolute_url(self) -> str:
        return reverse("events:detail", args=[self.pk])

    def get_edit_url(self) -> str:
        return reverse("events:edit", args=[self.pk])

    def get_move_url(self) -> str:
        return reverse("events:move", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("events:public", args=[self.code])


class SessionQuerySet(DepartmentScopedQuerySet):
    department_field = "event__department"


class Session(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", pgettext_lazy("events", "Scheduled")
        HELD = "held", pgettext_lazy("events", "Held")
        CANCELLED = "cancelled", pgettext_lazy("events", "Cancelled")

    event = models.ForeignKey(Event, verbose_name=pgettext_lazy("events", "event"), on_delete=models.CASCADE,
                              related_name="sessions")
    starts_at = models.DateTimeField(pgettext_lazy("events", "starts"))
    ends_at = models.DateTimeField(pgettext_lazy("events", "ends"))
    place = models.ForeignKey("org.Place", verbose_name=pgettext_lazy("events", "place"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    location = models.CharField(pgettext_lazy("events", "where exactly"), max_length=120, blank=True)
    capacity = models.PositiveIntegerField(pgettext_lazy("events", "capacity"))
    registration_opens_at = models.DateTimeField(pgettext_lazy("events", "registration opens"))
    registration_closes_at = models.DateTimeField(pgettext_lazy("events", "registration closes"))
    status = models.CharField(pgettext_lazy("events", "status"), max_length=12, choices=Status.choices,
                              default=Status.SCHEDULED)
    code = models.CharField(pgettext_lazy("events", "public code"), max_length=24, unique=True, default=new_code, editable=False)
    # Seat counters, changed only by the services under this row's lock (SELECT … FOR UPDATE).
    reserved = models.PositiveIntegerField(pgettext_lazy("events", "seats reserved for co-hosts"), default=0, editable=False)
    general_taken = models.PositiveIntegerField(pgettext_lazy("events", "seats taken (general)"), default=0, editable=False)
    # The order of arrival: every registration takes the next number under the lock.
    next_seq = models.PositiveBigIntegerField(default=1, editable=False)
    held_at = models.DateTimeField(pgettext_lazy("events", "held"), null=True, blank=True, editable=False)
    submission_key = SubmissionKeyField(pgettext_lazy("events", "submission key"))

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("events", "session")
        verbose_name_plural = pgettext_lazy("events", "sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            # Never over capacity: the general pool's seats and the reserved seats fit in the capacity.
            models.CheckConstraint(condition=Q(general_taken__lte=F("capacity") - F("reserved")), name="events_session_within_capacity"),
            models.CheckConstraint(condition=Q(reserved__lte=F("capacity")), name="events_session_reserved_lte_cap"),
            models.CheckConstraint(condition=Q(ends_at__gte=F("starts_at")), name="events_session_ends_after_start"),
            models.CheckConstraint(condition=Q(registration_closes_at__gte=F("registration_opens_at")),
                                   name="events_session_window_ordered"),
        ]
        indexes = [
            # The event's sessions, and the public list: WHERE event_id = ? ORDER BY starts_at.
            models.Index(fields=["event", "starts_at"], name="events_session_event_idx"),
            # The jobs (reminders, held sessions' retention): WHERE starts_at BETWEEN … / ends_at < ….
            models.Index(fields=["starts_at"], name="events_session_start_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} · {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def general_capacity(self) -> int:
        return self.capacity - self.reserved

    @property
    def general_free(self) -> int:
        return max(self.general_capacity - self.general_taken, 0)

    @property
    def where(self) -> str:
        parts = [self.place.display_name] if self.place_id and self.place else []
        if self.location:
            parts.append(self.location)
        return " · ".join(parts)

    def window_state(self, now=None) -> str:
        """"before", "open" or "after" the registration window (and "after" once the session started)."""
        now = now or timezone.now()
        if now < self.registration_opens_at:
            return "before"
        if now >= self.registration_closes_at or now >= self.starts_at:
            return "after"
        return "open"

    def get_absolute_url(self) -> str:
        return reverse("events:session", args=[self.pk])

    def get_register_url(self) -> str:
        return reverse("events:register", args=[self.code])

    def get_calendar_url(self) -> str:
        return reverse("events:session_ics", args=[self.code])


class Allocation(models.Model):
    """Seats of a session reserved for one co-host organisation, taken through its own link; the organisation
    reads its own list through a second private link."""

    session = models.ForeignKey(Session, verbose_name=pgettext_lazy("events", "session"), on_delete=models.CASCADE,
                                related_name="allocations")
    co_host = models.ForeignKey(CoHost, verbose_name=pgettext_lazy("events", "co-host organisation"), on_delete=models.PROTECT,
                                related_name="allocations")
    seats = models.PositiveIntegerField(pgettext_lazy("events", "seats"))
    taken = models.PositiveIntegerField(pgettext_lazy("events", "seats taken"), default=0, editable=False)
    code = models.CharField(pgettext_lazy("events", "registration link code"), max_length=24, unique=True, default=new_code,
                            editable=False)
    list_code = models.CharField(pgettext_lazy("events", "list link code"), max_length=24, unique=True, default=new_code,
                                 editable=False)
    submission_key = SubmissionKeyField()

    class Meta:
        verbose_name = pgettext_lazy("events", "reserved allocation")
        verbose_name_plural = pgettext_lazy("events", "reserved allocations")
        ordering = ["co_host__sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "co_host"], name="events_allocation_one_per_cohost"),
            models.CheckConstraint(condition=Q(taken__lte=F("seats")), name="events_allocation_within_seats"),
        ]

    def __str__(self) -> str:
        return f"{self.co_host} · {self.seats}"

    @property
    def free(self) -> int:
        return max(self.seats - self.taken, 0)

    def get_register_url(self) -> str:
        return reverse("events:allocation_register", args=[self.code])

    def get_list_url(self) -> str:
        return reverse("events:allocation_list", args=[self.list_code])

    def get_edit_url(self) -> str:
        return reverse("events:allocation_edit", args=[self.pk])


class Invitation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("events", "Not answered")
        ACCEPTED = "accepted", pgettext_lazy("events", "Accepted")
        DECLINED = "declined", pgettext_lazy("events", "Declined")
        REVOKED = "revoked", pgettext_lazy("events", "Withdrawn by the organiser")

    event = models.ForeignKey(Event, verbose_name=pgettext_lazy("events", "event"), on_delete=models.CASCADE,
                              related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("events", "invitee"), null=True,
                             on_delete=models.SET_NULL, related_name="event_invitations")
    name = models.CharField(pgettext_lazy("events", "name"), max_length=60)
    status = models.CharField(pgettext_lazy("events", "status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    code = models.CharField(pgettext_lazy("events", "link code"), max_length=24, unique=True, default=new_code, editable=False)
    created_at = models.DateTimeField(pgettext_lazy("events", "invited"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(pgettext_lazy("events", "answered"), null=True, blank=True, editable=False)
    reminded_at = models.DateTimeField(pgettext_lazy("events", "last reminded"), null=True, blank=True, editable=False)
    reminders = models.PositiveSmallIntegerField(pgettext_lazy("events", "reminders sent"), default=0, editable=False)
    submission_key = SubmissionKeyField()

    class Meta:
        verbose_name = pgettext_lazy("events", "invitation")
        verbose_name_plural = pgettext_lazy("events", "invitations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="events_invitation_one_per_user"),
        ]
        indexes = [
            # The reminder job: WHERE status = 'pending' AND created_at < … .
            models.Index(fields=["created_at"], condition=Q(status="pending"), name="events_invite_pending_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_public_url(self) -> str:
        return reverse("events:invitation", args=[self.code])


# Statuses that hold a seat of the session (and so count against its capacity).
class RegistrationStatus(models.TextChoices):
    WAITING = "waiting", pgettext_lazy("events", "On the waiting list")
    OFFERED = "offered", pgettext_lazy("events", "Seat offered")
    CONFIRMED = "confirmed", pgettext_lazy("events status", "Registered")
    ATTENDED = "attended", pgettext_lazy("events", "Attended")
    NO_SHOW = "no_show", pgettext_lazy("events", "Did not come")
    CANCELLED = "cancelled", pgettext_lazy("events", "Cancelled")
    WITHDRAWN = "withdrawn", pgettext_lazy("events", "Left the waiting list")
    LAPSED = "lapsed", pgettext_lazy("events", "Offer expired")


HOLDS_SEAT = (RegistrationStatus.OFFERED, RegistrationStatus.CONFIRMED, RegistrationStatus.ATTENDED, RegistrationStatus.NO_SHOW)
ACTIVE = (RegistrationStatus.WAITING, *HOLDS_SEAT)
ENDED = (RegistrationStatus.CANCELLED, RegistrationStatus.WITHDRAWN, RegistrationStatus.LAPSED)


class RegistrationQuerySet(DepartmentScopedQuerySet):
    department_field = "session__event__department"

    def active(self):
        return self.filter(status__in=ACTIVE)

    def waiting_list(self, session):
        """The waiting list in its order: the order of arrival (``seq``) unless staff moved someone (``rank``)."""
        return self.filter(session=session, status=RegistrationStatus.WAITING).order_by("rank", "seq")


class Registration(models.Model):
    Status = RegistrationStatus

    # Foreign keys without an index of their own where an index below leads with them (session, user), or with a
    # partial one (most registrations come through no allocation or invitation): every index is written on every
    # registration of a rush (docs/architecture.md, "the indexes of a table written on every submission").
    session = models.ForeignKey(Session, verbose_name=pgettext_lazy("events", "session"), on_delete=models.CASCADE,
                                related_name="registrations", db_index=False)  # events_reg_status_idx
    allocation = models.ForeignKey(Allocation, verbose_name=pgettext_lazy("events", "reserved allocation"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="registrations", db_index=False)
    invitation = models.ForeignKey(Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="registrations",
                                   db_index=False)
    # A member's (or an invited staff member's) account; visitors of public events have none, only name and phone.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("events", "account"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="event_registrations", db_index=False)  # events_reg_user_idx
    name = models.CharField(pgettext_lazy("events", "name"), max_length=60, blank=True)
    phone = models.CharField(pgettext_lazy("events", "phone"), max_length=20, blank=True)
    status = models.CharField(pgettext_lazy("events", "status"), max_length=10, choices=RegistrationStatus.choices)
    seq = models.PositiveBigIntegerField(pgettext_lazy("events", "arrival"), editable=False)
    rank = models.BigIntegerField(pgettext_lazy("events", "place in the waiting list"), editable=False)
    code = models.CharField(pgettext_lazy("events", "ticket code"), max_length=CODE_LENGTH, unique=True, default=new_ticket_code,
                            editable=False)
    created_at = models.DateTimeField(pgettext_lazy("events", "registered"), default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(pgettext_lazy("events", "seat confirmed"), null=True, blank=True, editable=False)
    ended_at = models.DateTimeField(pgettext_lazy("events", "cancelled or left"), null=True, blank=True, editable=False)
    checked_in_at = models.DateTimeField(pgettext_lazy("events", "checked in"), null=True, blank=True, editable=False)
    reminded_at = models.DateTimeField(pgettext_lazy("events", "reminded"), null=True, blank=True, editable=False)
    personal_data_deleted_at = models.DateTimeField(pgettext_lazy("events", "personal data deleted"), null=True, blank=True,
                                                    editable=False)
    submission_key = SubmissionKeyField()

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("events", "registration")
        verbose_name_plural = pgettext_lazy("events", "registrations")
        ordering = ["seq"]
        constraints = [
            # One registration per person per session: an account once, a visitor's phone once (while active).
            models.UniqueConstraint(fields=["session", "user"], condition=Q(status__in=[s.value for s in ACTIVE]),
                                    name="events_reg_one_per_account"),
            models.UniqueConstraint(fields=["session", "phone"], condition=Q(user__isnull=True, status__in=[s.value for s in ACTIVE])
                                    & ~Q(phone=""), name="events_reg_one_per_phone"),
            models.UniqueConstraint(fields=["session", "seq"], name="events_reg_unique_arrival"),
        ]
        indexes = [
            # The waiting list: WHERE session_id = ? AND status = 'waiting' ORDER BY rank, seq.
            models.Index(fields=["session", "rank", "seq"], condition=Q(status="waiting"), name="events_reg_waiting_idx"),
            # The registration list and the counts: WHERE session_id = ? AND status = ….
            models.Index(fields=["session", "status"], name="events_reg_status_idx"),
            # My page: WHERE user_id = ? ORDER BY created_at DESC.
            models.Index(fields=["user", "-created_at"], name="events_reg_user_idx"),
            models.Index(fields=["allocation"], name="events_reg_allocation_idx", condition=Q(allocation__isnull=False)),
            models.Index(fields=["invitation"], name="events_reg_invitation_idx", condition=Q(invitation__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.name or self.code

    @property
    def holds_seat(self) -> bool:
        return self.status in HOLDS_SEAT

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def has_ticket(self) -> bool:
        """A seat that is the person's (an offered seat is theirs once they confirm it): the QR code is shown."""
        return self.status in (RegistrationStatus.CONFIRMED, RegistrationStatus.ATTENDED)

    @property
    def ticket(self) -> str:
        """The signed ticket printed in the QR code and typed at the door."""
        return signed_ticket(self.code)

    def get_ticket_url(self) -> str:
        return reverse("events:ticket", args=[self.ticket])

    def get_move_url(self) -> str:
        return reverse("events:registration_move", args=[self.pk])


class Offer(models.Model):
    """A seat offered to the first in line, to confirm before ``expires_at`` (then the next one gets it)."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("events", "Open")
        ACCEPTED = "accepted", pgettext_lazy("events", "Accepted")
        DECLINED = "declined", pgettext_lazy("events", "Declined")
        EXPIRED = "expired", pgettext_lazy("events", "Expired")

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="offers")
    status = models.CharField(pgettext_lazy("events", "status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(pgettext_lazy("events", "offered"), default=timezone.now)
    expires_at = models.DateTimeField(pgettext_lazy("events", "confirm by"))
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("events", "offer")
        verbose_name_plural = pgettext_lazy("events", "offers")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["registration"], condition=Q(status="open"), name="events_offer_one_open"),
        ]
        indexes = [
            # The expiry job: WHERE status = 'open' AND expires_at < now.
            models.Index(fields=["expires_at"], condition=Q(status="open"), name="events_offer_open_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} · {self.status}"


class QueueMove(models.Model):
    """A manual change of the waiting-list order: who, when, from which place to which, and why (required)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="queue_moves")
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="queue_moves")
    from_position = models.PositiveIntegerField(pgettext_lazy("events", "from place"))
    to_position = models.PositiveIntegerField(pgettext_lazy("events", "to place"))
    reason = models.TextField(pgettext_lazy("events", "reason"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    submission_key = SubmissionKeyField()

    class Meta:
        verbose_name = pgettext_lazy("events", "waiting-list move")
        verbose_name_plural = pgettext_lazy("events", "waiting-list moves")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_position} → {self.to_position}"


class CheckIn(models.Model):
    """One scan at the door (or a tap in the name search), kept whatever its outcome. ``scanned_at`` is the
    time on the scanning phone (an offline scan keeps it); ``submission_key`` holds the client's nonce, so an
    upload sent twice records each scan once."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", pgettext_lazy("events", "Checked in")
        REFUSED = "refused", pgettext_lazy("events", "Refused")

    class Reason(models.TextChoices):
        NONE = "", "—"
        UNKNOWN = "unknown", pgettext_lazy("events", "Unknown ticket")
        CANCELLED = "cancelled", pgettext_lazy("events", "Ticket cancelled")
        ALREADY_USED = "already_used", pgettext_lazy("events", "Already checked in")
        WRONG_SESSION = "wrong_session", pgettext_lazy("events", "Ticket of another session")
        NOT_CONFIRMED = "not_confirmed", pgettext_lazy("events", "No confirmed seat (waiting list)")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="check_ins")
    registration = models.ForeignKey(Registration, null=True, blank=True, on_delete=models.SET_NULL, related_name="check_ins")
    scanned = models.CharField(pgettext_lazy("events", "scanned text"), max_length=200)
    outcome = models.CharField(pgettext_lazy("events", "outcome"), max_length=10, choices=Outcome.choices)
    reason = models.CharField(pgettext_lazy("events", "reason"), max_length=16, choices=Reason.choices, blank=True)
    # A conflict: the phone showed green offline, the server refused (cancelled meanwhile, used at another door).
    conflict = models.BooleanField(pgettext_lazy("events", "conflict"), default=False)
    offline = models.BooleanField(pgettext_lazy("events", "scanned offline"), default=False)
    device = models.CharField(pgettext_lazy("events", "device"), max_length=40, blank=True)
    scanned_at = models.DateTimeField(pgettext_lazy("events", "scanned"))
    received_at = models.DateTimeField(pgettext_lazy("events", "received"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submission_key = SubmissionKeyField()

    class Meta:
        verbose_name = pgettext_lazy("events", "scan")
        verbose_name_plural = pgettext_lazy("events", "scans")
        ordering = ["-scanned_at", "-pk"]
        indexes = [
            # The scan log: WHERE session_id = ? ORDER BY scanned_at DESC.
            models.Index(fields=["session", "-scanned_at"], name="events_checkin_log_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.scanned} · {self.outcome}"


class Minutes(models.Model):
    """The minutes (纪要) of an event: a draft the organiser edits, then final (locked). Every save is a revision."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("events", "Draft")
        FINAL = "final", pgettext_lazy("events", "Final")

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="minutes")
    body = models.TextField(pgettext_lazy("events", "minutes"))
    status = models.CharField(pgettext_lazy("events", "status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    updated_at = models.DateTimeField(default=timezone.now)
    finalised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("events", "minutes")
        verbose_name_plural = pgettext_lazy("events", "minutes")

    def __str__(self) -> str:
        return f"{self.event_id} · {self.status}"

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL


class MinutesRevision(models.Model):
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    body = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    submission_key = SubmissionKeyField()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["minutes", "number"], name="events_minutes_revision_number"),
        ]

    def __str__(self) -> str:
        return f"{self.minutes_id} · {self.number}"


class OpinionQuerySet(DepartmentScopedQuerySet):
    department_field = "event__department"


class Opinion(models.Model):
    """An opinion raised at an event, entered by the organiser or by an attendee on their phone. It becomes a
    feedback record (channel "forum") handled under the department's commitment; ``feedback_code`` is its
    tracking code, through which the event page shows its status and public reply. ``answered_at`` is set when
    the feedback item was first answered (the job that tells the attendees). Who wrote an attendee's opinion is
    not kept."""

    class Source(models.TextChoices):
        ORGANISER = "organiser", pgettext_lazy("events", "Entered by the organiser")
        ATTENDEE = "attendee", pgettext_lazy("events", "Sent by an attendee")

    class FeedbackKind(models.TextChoices):
        SUGGESTION = "suggestion", pgettext_lazy("events", "Suggestion")
        COMPLAINT = "complaint", pgettext_lazy("events", "Complaint")
        PRAISE = "praise", pgettext_lazy("events", "Praise")
        ENQUIRY = "enquiry", pgettext_lazy("events", "Question")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="opinions")
    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="opinions")
    department = models.ForeignKey("org.Department", verbose_name=pgettext_lazy("events", "department concerned"),
                                   on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(pgettext_lazy("events", "kind"), max_length=12, choices=FeedbackKind.choices,
                            default=FeedbackKind.SUGGESTION)
    body = models.TextField(pgettext_lazy("events", "opinion"))
    source = models.CharField(max_length=10, choices=Source.choices)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    feedback_id = models.PositiveBigIntegerField(null=True, blank=True)
    feedback_code = models.CharField(pgettext_lazy("events", "feedback tracking code"), max_length=20, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    submission_key = SubmissionKeyField()

    objects = OpinionQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("events", "opinion")
        verbose_name_plural = pgettext_lazy("events", "opinions")
        ordering = ["created_at", "pk"]
        indexes = [
            # The answer relay job: WHERE answered_at IS NULL AND feedback_code <> ''.
            models.Index(fields=["created_at"], condition=Q(answered_at__isnull=True), name="events_opinion_open_idx"),
            # The indicators: WHERE department_id IN (…) AND created_at / answered_at in the period GROUP BY department_id.
            models.Index(fields=["department", "created_at"], name="events_opinion_dept_idx"),
        ]

    def __str__(self) -> str:
        return self.body[:40]
