"""Feedback: complaints, suggestions, praise and enquiries from every channel, their workflow,
replies, callbacks, badge ratings, the mailbox log and the published monthly figures
(product.md section B)."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from qualityservice.core.i18n import localised
from qualityservice.core.permissions import DepartmentScopedQuerySet, routing_scope, staff_profile, user_role
from qualityservice.core.roles import Role
from qualityservice.core.submissions import SubmissionKeyField
from qualityservice.org.models import RequestKind

# Unambiguous alphabet: no 0/O, 1/I/L. 10 characters = 50 random bits.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10


def new_tracking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_rating_token() -> str:
    return secrets.token_urlsafe(18)


def attachment_path(instance, filename: str) -> str:
    # Random names: media URLs must not be guessable or leak the uploader's file name.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"feedback/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext}"


Kind = RequestKind


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    BADGE_QR = "badge_qr", _("Badge QR code")
    HOTLINE = "hotline", _("Hotline")
    EMAIL = "email", _("E-mail")
    SURVEY = "survey", pgettext_lazy("channel", "Survey")
    INSPECTION = "inspection", _("Inspection")
    VISIT = "visit", _("Supervision visit")
    FORUM = "forum", _("Forum")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    ASSIGNED = "assigned", _("Accepted / assigned")
    IN_PROGRESS = "in_progress", pgettext_lazy("feedback status", "In progress")
    REOPENED = "reopened", _("Reopened")
    RESOLVED = "resolved", _("Replied / resolved")
    CALLBACK = "callback", _("Callback in progress")
    CLOSED = "closed", _("Closed")
    MERGED = "merged", _("Merged")


# Statuses in which the department still owes an answer: the deadline runs.
PENDING_STATUSES = (Status.RECEIVED, Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED)
# Statuses of the callback queue.
CALLBACK_STATUSES = (Status.RESOLVED, Status.CALLBACK)
OPEN_STATUSES = PENDING_STATUSES + CALLBACK_STATUSES
DONE_STATUSES = (Status.RESOLVED, Status.CALLBACK, Status.CLOSED)


class CallbackResult(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")
    UNREACHABLE = "unreachable", _("Unreachable")


class Holiday(models.Model):
    """A day off on a working weekday (public holiday), or a make-up working day (调休) on a
    weekend. Edited in the admin; read by the business calendar."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=60)
    is_workday = models.BooleanField(
        _("make-up working day"), default=False, help_text=_("Tick for a weekend day that is worked (调休).")
    )

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class Category(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("default department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_categories",
    )
    sort_order = models.PositiveIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return localised(self, "name")


def overdue_q(now=None) -> Q:
    """Still owed an answer and past its deadline (the inbox's "overdue" deadline filter, the workbench)."""
    return Q(status__in=PENDING_STATUSES, deadline__lt=now or timezone.now())


def due_today_q(now=None) -> Q:
    """Still owed an answer, with its deadline later today (local time)."""
    now = now or timezone.now()
    tomorrow = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    return Q(status__in=PENDING_STATUSES, deadline__gte=now, deadline__lt=tomorrow)


def callback_q() -> Q:
    """Waiting for a callback: resolved, with a contact to call."""
    return Q(status__in=CALLBACK_STATUSES) & ~Q(submitter_contact="")


class FeedbackQuerySet(DepartmentScopedQuerySet):
    department_field = "department"
    routing = True  # hotline operators route and call back across the whole group (core.permissions)

    def visible_to(self, user, *, routing: bool | None = None):
        """The department scope (``core.permissions``), and for front-line staff only the items assigned to
        them or about them: the rest of the department's feedback, with its submitters' names and contacts,
        is the head's. Every page, export and action reads through here."""
        rows = super().visible_to(user, routing=routing)
        if user_role(user) == Role.STAFF:
            profile = staff_profile(user)
            rows = rows.filter(Q(assigned_to=profile) | Q(about_staff=profile))
        return rows

    def pending(self):
        return self.filter(status__in=PENDING_STATUSES)

    def overdue(self, now=None):
        return self.filter(overdue_q(now))

    def due_today(self, now=None):
        return self.filter(due_today_q(now))

    def callback_queue(self):
        return self.filter(callback_q())

    def for_list(self):
        return self.select_related("department", "place", "place__campus", "staff", "assigned_to", "category")


class Feedback(models.Model):
    code = models.CharField(_("tracking code"), max_length=16, unique=True, default=new_tracking_code, editable=False)
    rating_token = models.CharField(max_length=32, unique=True, default=new_rating_token, editable=False)
    rating_used_at = models.DateTimeField(_("handling rated at"), null=True, blank=True)
    submission_key = SubmissionKeyField()
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.COMPLAINT)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, default=Channel.WEB)
    # Foreign keys without an index of their own where an index below leads with them (department, staff), or with
    # a partial one: most items have no category, no submitter account, nobody assigned yet… and every index is
    # written on every submission (bench/README.md, "the indexes of a submission").
    department = models.ForeignKey(
        "org.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="feedback",
        db_index=False,  # feedback_dept_created_idx, feedback_dept_status_idx
    )
    staff = models.ForeignKey(
        "org.Staff",
        verbose_name=_("staff member concerned"),
        null=True,
        blank=True,
        db_index=False,  # feedback_staff_kind_idx
        on_delete=models.SET_NULL,
        related_name="feedback_about",
    )
    # Whom the item is about, for the privacy rule: the staff member concerned at intake, never cleared
    # afterwards (``staff`` follows routing — a transfer clears it when the person is not in the new
    # department — this does not).
    about_staff = models.ForeignKey(
        "org.Staff",
        verbose_name=_("about (at intake)"),
        null=True,
        blank=True,
        editable=False,
        db_index=False,  # feedback_about_staff_idx below (partial)
        on_delete=models.SET_NULL,
        related_name="+",
    )
    place = models.ForeignKey(
        "org.Place", verbose_name=_("place"), null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback",
        db_index=False,
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback",
        db_index=False,
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("details"))
    anonymous = models.BooleanField(_("anonymous"), default=True)
    submitter_name = models.CharField(_("name"), max_length=60, blank=True)
    submitter_contact = models.CharField(_("phone or e-mail"), max_length=120, blank=True)
    submitter_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False,
    )
    client_ip = models.GenericIPAddressField(null=True, blank=True, editable=False)
    source_ref = models.CharField(_("source reference"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        null=True,
        blank=True,
        db_index=False,
        on_delete=models.SET_NULL,
        related_name="feedback_logged",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    assigned_to = models.ForeignKey(
        "org.Staff",
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        db_index=False,
        on_delete=models.SET_NULL,
        related_name="feedback_assigned",
    )
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates",
        db_index=False,
    )
    # A head's request to move an item routed to their department by mistake, waiting for a supervisor or a
    # hotline operator (the workflow's request_transfer / accept_transfer / decline_transfer); empty otherwise.
    transfer_to = models.ForeignKey(
        "org.Department", verbose_name=_("transfer requested to"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )
    transfer_reason = models.CharField(_("reason for the transfer"), max_length=500, blank=True)
    transfer_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("transfer requested by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", db_index=False,
    )
    transfer_requested_at = models.DateTimeField(_("transfer requested at"), null=True, blank=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    is_overdue = models.BooleanField(_("overdue"), default=False)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_on_time = models.BooleanField(_("resolved on time"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    callback_result = models.CharField(_("callback result"), max_length=12, choices=CallbackResult.choices, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    # The audit history's first row ("+", the record as received) is written with the record
    # (services.create_record, in the same transaction).
    # Read by record only (``id``) and by date: no index on its copies of the foreign keys and codes.
    history = HistoricalRecords(excluded_fields=["rating_token", "client_ip", "updated_at"], no_db_index=[
        "code", "submission_key", "department", "staff", "about_staff", "place", "category", "submitter_user",
        "created_by", "assigned_to", "merged_into", "transfer_to", "transfer_requested_by"])

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Anonymous records store no identity at all, IP address included.
            models.CheckConstraint(
                condition=Q(anonymous=False)
                | (Q(submitter_name="") & Q(submitter_contact="") & Q(submitter_user__isnull=True) & Q(client_ip__isnull=True)),
                name="feedback_anonymous_has_no_identity",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="feedback_satisfaction_1_5",
            ),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False), name="feedback_merged_has_target"
            ),
        ]
        indexes = [
            # Department inbox: WHERE department_id IN (...) ORDER BY created_at DESC
            models.Index(fields=["department", "-created_at"], name="feedback_dept_created_idx"),
            # Group-wide inbox / figures by month: ORDER BY created_at DESC, WHERE created_at >= ?
            models.Index(fields=["-created_at"], name="feedback_created_idx"),
            # Inbox status filter within a department.
            models.Index(fields=["department", "status"], name="feedback_dept_status_idx"),
            # Escalation job: open and overdue, not yet escalated (partial index = the queue).
            models.Index(
                fields=["deadline"],
                name="feedback_escalation_queue_idx",
                condition=Q(status__in=["received", "assigned", "in_progress", "reopened"], escalated_at__isnull=True),
            ),
            # Callback queue: resolved items awaiting a callback.
            models.Index(fields=["resolved_at"], name="feedback_callback_queue_idx", condition=Q(status__in=["resolved", "callback"])),
            # Praise on a staff record / items about a person (partial: most items name nobody).
            models.Index(fields=["staff", "kind"], name="feedback_staff_kind_idx", condition=Q(staff__isnull=False)),
            # Transfer requests waiting for a decision (inbox filter "transfer requested"):
            # WHERE transfer_requested_at IS NOT NULL ORDER BY created_at DESC — only the few rows waiting.
            models.Index(fields=["-created_at"], name="feedback_transfer_queue_idx",
                         condition=Q(transfer_requested_at__isnull=False)),
            # Items about a person (ON DELETE SET NULL of a staff record): only the few rows about someone.
            models.Index(fields=["about_staff"], name="feedback_about_staff_idx", condition=Q(about_staff__isnull=False)),
            # The other foreign keys, for their look-ups and ON DELETE: only the rows that have one.
            *[models.Index(fields=[fk], name=f"feedback_{short}_idx", condition=Q(**{f"{fk}__isnull": False}))
              for fk, short in (("place", "place"), ("category", "category"), ("submitter_user", "submitter"),
                                ("created_by", "logged_by"), ("assigned_to", "assignee"), ("merged_into", "merged_into"),
                                ("transfer_to", "transfer_to"), ("transfer_requested_by", "transfer_by"))],
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def save(self, *args, **kwargs):
        if self.about_staff_id is None and self.staff_id is not None:
            # The staff member concerned, named later (admin): from then on the item is about them.
            self.about_staff_id = self.staff_id
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "about_staff"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("feedback:detail", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("feedback:track", args=[self.code])

    def get_rating_url(self) -> str:
        return reverse("feedback:rate_handling", args=[self.code, self.rating_token])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_late(self) -> bool:
        """Past its deadline while an answer is still owed (inbox overdue flag)."""
        return bool(self.deadline and self.status in PENDING_STATUSES and self.deadline < timezone.now())

    @property
    def rating_available(self) -> bool:
        return self.rating_used_at is None and self.status in DONE_STATUSES

    # --- Privacy: the one place that decides who sees the submitter's identity ----------
    def is_about(self, user) -> bool:
        """True when ``user`` is the staff member this item is about (``about_staff``: recorded at
        intake and kept through every transfer, merge and reassignment)."""
        if self.about_staff_id is None:
            return False
        profile = staff_profile(user)
        return profile is not None and profile.pk == self.about_staff_id

    def identity_hidden_from(self, user) -> bool:
        """True when ``user`` must not see who sent this: the record is anonymous, the user is not
        signed in, or the user is the staff member it is about. Views, templates, exports all go through here."""
        if self.anonymous or not getattr(user, "is_authenticated", False):
            return True
        return self.is_about(user)

    def code_for(self, user) -> str:
        """The tracking code as ``user`` may see it on staff pages: the person the item is about sees
        the item's number instead (the code opens the public status page, and the submitter may have
        shown it to others: knowing it would tell who complained)."""
        return f"#{self.pk}" if self.is_about(user) else self.code

    def submitter_for(self, user) -> dict:
        """The submitter's identity (and the tracking code) as ``user`` may see them."""
        code = self.code_for(user)
        if self.identity_hidden_from(user):
            label = _("Anonymous") if self.anonymous else _("Withheld (the feedback is about you)")
            return {"hidden": True, "name": str(label), "contact": "", "code": code}
        return {"hidden": False, "name": self.submitter_name, "contact": self.submitter_contact, "code": code}


def code_match(code: str, user) -> Q:
    """The item with this tracking code — except for the person it is about, who cannot use a code
    (obtained some other way) to find the item on staff pages either."""
    condition = Q(code=(code or "").strip().upper())
    profile = staff_profile(user)
    return condition & ~Q(about_staff=profile) if profile is not None else condition


def can_handle(user, feedback: Feedback) -> bool:
    """Who may work on the item at all: the feedback's department (and group-wide roles, and operators);
    of front-line staff only the assignee, and never on an item about themselves (they read it, without
    the submitter's identity, and do nothing with it)."""
    scope = routing_scope(user)
    if scope is not None and feedback.department_id not in scope:
        return False
    if user_role(user) == Role.STAFF:
        profile = staff_profile(user)
        return (profile is not None and feedback.assigned_to_id == profile.pk
                and feedback.about_staff_id != profile.pk)
    return True


class FeedbackEvent(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        INTERNAL = "internal", _("Internal")

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="events",
                                 db_index=False)  # feedback_event_timeline_idx
    action = models.CharField(_("action"), max_length=24)
    from_status = models.CharField(_("from"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Status.choices, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              db_index=False)  # feedback_event_actor_idx (partial: a submitter's events have none)
    actor_name = models.CharField(_("by"), max_length=60, blank=True)
    note = models.TextField(_("note"), blank=True)
    visibility = models.CharField(_("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.INTERNAL)
    # What the move was about (assignee, departments of a transfer, score …), as the workflow's handler
    # returned it (core.workflow.Move.params): the timeline can render it in the reader's language.
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("feedback event")
        verbose_name_plural = _("feedback events")
        ordering = ["created_at", "pk"]
        indexes = [
            # Timeline of one item: WHERE feedback_id = ? ORDER BY created_at
            models.Index(fields=["feedback", "created_at"], name="feedback_event_timeline_idx"),
            models.Index(fields=["actor"], name="feedback_event_actor_idx", condition=Q(actor__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.action}"


class Reply(models.Model):
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    author_name = models.CharField(_("author"), max_length=60, blank=True)
    body = models.TextField(_("reply"))
    is_public = models.BooleanField(_("visible to the submitter"), default=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    # One reply per submitted form (a double submit of the reply form adds nothing).
    submission_key = SubmissionKeyField()
    history = HistoricalRecords(excluded_fields=["submission_key"])

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["created_at", "pk"]
        indexes = [
            # Replies of one item: WHERE feedback_id = ? ORDER BY created_at
            models.Index(fields=["feedback", "created_at"], name="feedback_reply_item_idx"),
        ]

    def __str__(self) -> str:
        return self.body[:40]


class Attachment(models.Model):
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="attachments", null=True, blank=True)
    rating = models.ForeignKey("Rating", on_delete=models.CASCADE, related_name="attachments", null=True, blank=True)
    file = models.ImageField(_("image"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("size"), default=0)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name or self.file.name


class Rating(models.Model):
    """A rating of a staff member from the badge page, on the six service dimensions."""

    DIMENSIONS = (
        ("skill", _("Skill")),
        ("attitude", _("Attitude")),
        ("environment", _("Environment")),
        ("process", _("Process")),
        ("appearance", _("Appearance")),
        ("language", _("Language")),
    )
    staff = models.ForeignKey("org.Staff", verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="ratings")
    skill = models.PositiveSmallIntegerField(_("Skill"))
    attitude = models.PositiveSmallIntegerField(_("Attitude"))
    environment = models.PositiveSmallIntegerField(_("Environment"))
    process = models.PositiveSmallIntegerField(_("Process"))
    appearance = models.PositiveSmallIntegerField(_("Appearance"))
    language = models.PositiveSmallIntegerField(_("Language"))
    comment = models.TextField(_("comment"), blank=True)
    feedback = models.OneToOneField(
        Feedback, null=True, blank=True, on_delete=models.SET_NULL, related_name="badge_rating"
    )
    submission_key = SubmissionKeyField()
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("badge rating")
        verbose_name_plural = _("badge ratings")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(**{f"{d}__gte": 1, f"{d}__lte": 5}), name=f"feedback_rating_{d}_1_5")
            for d in ("skill", "attitude", "environment", "process", "appearance", "language")
        ]
        indexes = [
            # A person's ratings: WHERE staff_id = ? ORDER BY created_at DESC
            models.Index(fields=["staff", "-created_at"], name="feedback_rating_staff_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.average:.1f}"

    @property
    def average(self) -> float:
        return sum(getattr(self, d) for d, _label in self.DIMENSIONS) / len(self.DIMENSIONS)


class CallbackAttempt(models.Model):
    class Result(models.TextChoices):
        REACHED = "reached", _("Reached")
        UNREACHABLE = "unreachable", _("Not reached")

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="callbacks")
    attempt_no = models.PositiveSmallIntegerField(_("attempt"))
    result = models.CharField(_("result"), max_length=12, choices=Result.choices)
    satisfied = models.PositiveSmallIntegerField(
        _("satisfaction"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    submission_key = SubmissionKeyField()

    class Meta:
        verbose_name = _("callback attempt")
        verbose_name_plural = _("callback attempts")
        ordering = ["feedback", "attempt_no"]
        constraints = [
            models.UniqueConstraint(fields=["feedback", "attempt_no"], name="feedback_callback_attempt_unique"),
            models.CheckConstraint(
                condition=Q(result="unreachable", satisfied__isnull=True) | Q(result="reached", satisfied__gte=1, satisfied__lte=5),
                name="feedback_callback_reached_has_score",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.feedback_id} #{self.attempt_no} {self.result}"


class MailMessage(models.Model):
    """Every message taken from the mailbox, once, with what became of it. A message is known by the
    SHA-256 of its full Message-ID (unique): long Message-IDs are never truncated into false duplicates,
    and replies find their thread through the hashes of their In-Reply-To / References."""

    class Outcome(models.TextChoices):
        IMPORTED = "imported", _("Imported")
        REPLY = "reply", _("Reply added to an item")
        SKIPPED = "skipped", _("Skipped (auto-reply or bounce)")
        REJECTED = "rejected", _("Rejected (unreadable)")
        FAILED = "failed", pgettext_lazy("mail import", "Failed")

    message_id = models.CharField(_("Message-ID"), max_length=255)  # as far as readable, for display
    message_id_hash = models.CharField(_("Message-ID hash"), max_length=64, editable=False)
    sender = models.CharField(_("sender"), max_length=255, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    feedback = models.ForeignKey(Feedback, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    size = models.PositiveIntegerField(_("size (bytes)"), null=True, blank=True)
    # Rejected messages and replies to closed items wait for the operator (mailbox page).
    needs_review = models.BooleanField(_("to review"), default=False)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("mailbox message")
        verbose_name_plural = _("mailbox messages")
        ordering = ["-received_at"]
        constraints = [
            # One record per message; also serves the duplicate check and the thread look-up (hash IN (...)).
            models.UniqueConstraint(fields=["message_id_hash"], name="feedback_mail_message_id_hash_unique"),
        ]
        indexes = [
            # Mailbox page, log: ORDER BY received_at DESC
            models.Index(fields=["-received_at"], name="feedback_mail_received_idx"),
            # Mailbox page, review queue: WHERE needs_review ORDER BY received_at DESC
            models.Index(fields=["-received_at"], name="feedback_mail_review_idx", condition=Q(needs_review=True)),
        ]

    def __str__(self) -> str:
        return self.message_id


class PublishedFigure(models.Model):
    """Monthly figures per department, recomputed by ``feedback.refresh_public_figures``;
    the public figures page reads only this table."""

    department = models.ForeignKey("org.Department", on_delete=models.CASCADE, related_name="feedback_figures")
    month = models.DateField(_("month"))
    received = models.PositiveIntegerField(_("received"), default=0)
    resolved = models.PositiveIntegerField(_("resolved"), default=0)
    on_time = models.PositiveIntegerField(_("resolved on time"), default=0)
    rated = models.PositiveIntegerField(_("callbacks with a score"), default=0)
    satisfaction_sum = models.PositiveIntegerField(default=0)
    # The counts behind the indicators that the public page does not show (feedback/indicators.py).
    complaints = models.PositiveIntegerField(_("complaints"), default=0)
    reopened = models.PositiveIntegerField(_("reopened"), default=0)
    resolved_once = models.PositiveIntegerField(_("resolved at least once"), default=0)
    refreshed_at = models.DateTimeField(default=timezone.now)
    # The first month the refresh that wrote the row recomputed (every row of one refresh has the same
    # ``refreshed_at`` and ``window_start``): the indicators read a closed month from here when it lies in that
    # window and ended before ``refreshed_at``. None: written otherwise (not read by the indicators).
    window_start = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("published figure")
        verbose_name_plural = _("published figures")
        ordering = ["-month", "department__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["department", "month"], name="feedback_figure_unique_dept_month"),
        ]
        indexes = [
            # Public figures page: WHERE month >= ? ORDER BY month DESC
            models.Index(fields=["-month"], name="feedback_figure_month_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.department_id} {self.month:%Y-%m}"

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.resolved, 1) if self.resolved else None

    @property
    def resolved_rate(self) -> float | None:
        return round(100 * self.resolved / self.received, 1) if self.received else None

    @property
    def satisfaction(self) -> float | None:
        return round(self.satisfaction_sum / self.rated, 2) if self.rated else None
