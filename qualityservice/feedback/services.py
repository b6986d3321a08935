"""Feedback services: replies, callbacks, the submitter's rating, creation from every channel, the
periodic jobs and the published figures. Status moves go through the workflow engine
(``workflows.FEEDBACK.apply``); this module never assigns a status.

Other apps create feedback through ``create_feedback()`` (stable signature, typed result ``FeedbackRef``)."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Avg, Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qualityservice.core.fastinsert import History, insert_together
from qualityservice.core.notifications import build_notification, kick, notify
from qualityservice.core.registry import optional_function
from qualityservice.core.submissions import KEY_LENGTH, create_once, scoped
from qualityservice.core.workflow import TransitionError
from qualityservice.org.models import Department, Staff

from .calendar import compute_deadline
from .images import CleanImage
from .models import (
    CALLBACK_STATUSES,
    PENDING_STATUSES,
    Attachment,
    CallbackAttempt,
    Channel,
    Feedback,
    Kind,
    PublishedFigure,
    Rating,
    Reply,
    Status,
)
from .workflows import FEEDBACK, SATISFIED_FROM, actor_name, log_event, may_reply, notice_ref, timeline_event

log = logging.getLogger(__name__)


# --- Moves with more than the status -------------------------------------------------------


def assign(feedback: Feedback, staff: Staff, *, by, note: str = "") -> Feedback:
    return FEEDBACK.apply(feedback, "assign", by=by, note=note, staff=staff)


def bulk_assign(queryset, staff: Staff, *, by) -> tuple[int, list[str]]:
    done, errors = 0, []
    for fb in queryset:
        try:
            assign(fb, staff, by=by)
            done += 1
        except TransitionError as exc:
            errors.append(f"{fb.code_for(by)}: {' '.join(exc.messages)}")
    return done, errors


def add_reply(feedback: Feedback, body: str, *, by, public: bool, resolve: bool = False, submission_key=None) -> Feedback:
    """A reply to the submitter (public) or an internal note; ``resolve`` also marks the item
    resolved (through the workflow). ``submission_key`` is the stored key (``scoped("reply", …)``): a
    repeated one adds nothing, also when two requests race."""
    body = body.strip()
    if not body:
        raise TransitionError(_("The reply is empty."))
    if resolve and not public:
        raise TransitionError(_("An internal note cannot resolve an item: write a public reply."))
    if not resolve and not may_reply(by, feedback):
        raise TransitionError(_("You may not reply to this item."))

    def create(key):
        if resolve:
            FEEDBACK.apply(feedback, "resolve", by=by, note=body, submission_key=key)
            return Reply.objects.get(feedback=feedback, submission_key=key) if key else None
        reply = Reply.objects.create(feedback=feedback, author=by, author_name=actor_name(by), body=body,
                                     is_public=public, submission_key=key)
        log_event(feedback, "reply" if public else "note", by=by, note=body, public=public)
        return reply

    try:
        create_once(Reply, submission_key, create)
    except TransitionError:
        # The same form resolved the item a moment ago (a racing double submit): nothing more to do.
        if not (resolve and submission_key and Reply.objects.filter(submission_key=submission_key).exists()):
            raise
    feedback.refresh_from_db()
    return feedback


def record_callback(feedback: Feedback, *, by, reached: bool, satisfied: int | None = None, comment: str = "",
                    submission_key=None) -> CallbackAttempt:
    """One callback attempt; moves the item: satisfied → closed, dissatisfied → reopened,
    not reached → callback (closed as unreachable after QS_CALLBACK_MAX_ATTEMPTS).
    A repeated ``submission_key`` (``scoped("callback", …)``) returns the attempt already recorded."""
    if submission_key:
        existing = CallbackAttempt.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing
    if feedback.status not in CALLBACK_STATUSES:
        raise TransitionError(_("Only resolved items are called back."))
    if reached and not satisfied:
        raise TransitionError(_("Record how satisfied the submitter is (1–5)."))

    def create(key):
        locked = Feedback.objects.select_for_update().get(pk=feedback.pk)
        attempt = CallbackAttempt.objects.create(
            feedback=locked, attempt_no=locked.callbacks.count() + 1, by=by, comment=comment,
            result=CallbackAttempt.Result.REACHED if reached else CallbackAttempt.Result.UNREACHABLE,
            satisfied=satisfied if reached else None, submission_key=key,
        )
        if not reached:
            FEEDBACK.apply(feedback, "callback_unreached", by=by, note=comment)
        elif satisfied >= SATISFIED_FROM:
            FEEDBACK.apply(feedback, "callback_satisfied", by=by, note=comment, score=satisfied)
        else:
            FEEDBACK.apply(feedback, "callback_dissatisfied", by=by, note=comment, score=satisfied)
        return attempt

    attempt, _created = create_once(CallbackAttempt, submission_key, create, look_up_first=False)
    return attempt


def rate_handling(feedback: Feedback, token: str, score: int, comment: str = "") -> Feedback:
    """The submitter's one-time rating of how the item was handled (no login)."""
    if not token or token != feedback.rating_token:
        raise TransitionError(_("This rating link is not valid."))
    with transaction.atomic():
        claimed = Feedback.objects.filter(pk=feedback.pk, rating_used_at__isnull=True).update(rating_used_at=timezone.now())
        if claimed != 1:
            raise TransitionError(_("This rating link has already been used."))
        FEEDBACK.apply(feedback, "rated", system=True, note=comment, score=score)
    return feedback


# --- Creation ----------------------------------------------------------------------------


def triage_department() -> Department:
    code = getattr(settings, "QS_FEEDBACK_TRIAGE_DEPARTMENT", "")
    dept = Department.objects.filter(code=code).first() if code else None
    return dept or Department.objects.filter(kind=Department.Kind.GROUP).order_by("pk").first() or Department.objects.order_by("pk").first()


def route_department(*, department=None, staff=None, place=None, category=None) -> Department:
    """Who answers: the department of the person concerned, else the chosen department, else
    the place's, else the category's, else the triage department (group office)."""
    for candidate in (
        staff.department if staff is not None else None,
        department,
        place.department if place is not None and place.department_id else None,
        category.department if category is not None and category.department_id else None,
    ):
        if candidate is not None:
            return candidate
    return triage_department()


@dataclass(frozen=True)
class FeedbackRef:
    """What another app gets back from :func:`create_feedback`: the record's id, its tracking code and
    the URL of its staff page."""

    pk: int
    code: str
    url: str


@dataclass(frozen=True)
class PublicReply:
    body: str
    created_at: object  # datetime


@dataclass(frozen=True)
class PublicStatus:
    """What anyone holding an item's tracking code reads on its status page (``feedback:track``): the status,
    whether it has been answered, and the public replies — never names, notes or the handler. A merged duplicate
    answers with the item it was merged into (as its status page does)."""

    code: str
    status: str
    status_label: str
    answered: bool
    url: str
    replies: tuple[PublicReply, ...]


ANSWERED_STATUSES = (Status.RESOLVED, Status.CALLBACK, Status.CLOSED)


def public_status(codes: Iterable[str]) -> dict[str, PublicStatus]:
    """The public status of the items with these tracking codes, {code: PublicStatus}, for other apps that show
    their records' answers (events: the opinions of a forum). Two queries for any number of codes; unknown codes
    are left out."""
    wanted = {str(c).upper() for c in codes if c}
    if not wanted:
        return {}
    items = list(Feedback.objects.filter(code__in=wanted).select_related("merged_into").only(
        "code", "status", "merged_into__status", "merged_into__code"))
    answering = {fb.merged_into_id or fb.pk for fb in items}
    replies: dict[int, list[PublicReply]] = {}
    for feedback_id, body, created_at in (Reply.objects.filter(feedback_id__in=answering, is_public=True)
                                          .order_by("created_at", "pk").values_list("feedback_id", "body", "created_at")):
        replies.setdefault(feedback_id, []).append(PublicReply(body=body, created_at=created_at))
    out = {}
    for fb in items:
        shown = fb.merged_into if fb.merged_into_id else fb
        out[fb.code] = PublicStatus(code=fb.code, status=shown.status, status_label=str(shown.get_status_display()),
                                    answered=shown.status in ANSWERED_STATUSES,
                                    url=reverse("feedback:track", args=[fb.code]),
                                    replies=tuple(replies.get(shown.pk, ())))
    return out


def create_feedback(
    *,
    kind,
    channel,
    department=None,
    title,
    body,
    place=None,
    staff=None,
    submitter_name="",
    submitter_contact="",
    anonymous=True,
    created_by=None,
    source_ref="",
    submission_key=None,
    category=None,
    client_ip=None,
    images: Iterable[CleanImage] = (),
    submitter_user=None,
    about_staff=None,
) -> FeedbackRef:
    """Create a feedback record from any channel: the entry point for other apps (stable signature).
    A repeated ``submission_key`` (str or UUID) returns the record already created (double submit).
    ``about_staff``: the staff member the item is about when it is not routed by them (an objection about a
    contestant or a nominee, ``core.objections``): the privacy rules apply (they never see who sent it)."""
    fb = create_record(
        kind=kind, channel=channel, department=department, title=title, body=body, place=place, staff=staff,
        submitter_name=submitter_name, submitter_contact=submitter_contact, anonymous=anonymous, created_by=created_by,
        source_ref=source_ref, submission_key=submission_key, category=category, client_ip=client_ip, images=images,
        submitter_user=submitter_user, about_staff=about_staff,
    )
    return FeedbackRef(pk=fb.pk, code=fb.code, url=fb.get_absolute_url())


def create_record(
    *,
    kind,
    channel,
    department=None,
    title,
    body,
    place=None,
    staff=None,
    submitter_name="",
    submitter_contact="",
    anonymous=True,
    created_by=None,
    source_ref="",
    submission_key=None,
    category=None,
    client_ip=None,
    images: Iterable[CleanImage] = (),
    submitter_user=None,
    about_staff=None,
) -> Feedback:
    """:func:`create_feedback` for the feedback app itself (its forms, the mailbox): returns the record.

    ``submission_key`` is the stored key: the forms pass ``core.submissions.scoped(<form>, key)``; other
    apps their own stable key (a key longer than the column is hashed). The record, its history row
    ("+"), its creation event and the heads' notification are written in one transaction; without
    photos and for an item about nobody in particular the record, event and notification are one
    statement on PostgreSQL (``core.fastinsert``)."""
    if kind not in Kind.values:
        raise ValueError(f"unknown feedback kind {kind!r}")
    if channel not in Channel.values:
        raise ValueError(f"unknown feedback channel {channel!r}")
    key = str(submission_key) if submission_key else None  # other apps may pass a UUID
    if key and len(key) > KEY_LENGTH:
        key = scoped("feedback", key)
    if anonymous or not getattr(submitter_user, "is_authenticated", False):
        submitter_user = None
    if anonymous:
        submitter_name, submitter_contact, client_ip = "", "", None
    creator = created_by if getattr(created_by, "is_authenticated", False) else None
    dept = route_department(department=department, staff=staff, place=place, category=category)
    now = timezone.now()
    title = (title or "").strip()[:200]
    if not title:
        lines = (body or "").strip().splitlines()
        title = lines[0][:60] if lines else str(_("(no title)"))
    fb = Feedback(
        kind=kind, channel=channel, department=dept, staff=staff, about_staff=staff or about_staff, place=place, category=category,
        title=title, body=(body or "").strip(), anonymous=bool(anonymous),
        submitter_name=(submitter_name or "").strip()[:60], submitter_contact=(submitter_contact or "").strip()[:120],
        submitter_user=submitter_user, client_ip=client_ip, created_by=creator, source_ref=source_ref[:255],
        created_at=now, deadline=compute_deadline(now, dept.pk, kind),
    )
    event = timeline_event(fb, "create", by=creator, who="submitter",
                           params={"dept_id": dept.pk, "dept": dept.name, "channel": channel},
                           public=True, to_status=Status.RECEIVED, at=now)
    images = list(images)

    def insert(stored_key):
        fb.submission_key = stored_key
        # The history row ("+") is written with the record, with the creation's time and author (never the
        # signed-in visitor of an anonymous submission); the record's own INSERT writes none.
        fb.skip_history_when_saving = True
        try:
            if images or fb.about_staff is not None:
                fb.save(force_insert=True)
                for image in images:
                    Attachment.objects.create(feedback=fb, file=image.content, original_name=image.name,
                                              size=image.content.size, width=image.width, height=image.height)
                event.feedback = fb
                event.save(force_insert=True)
                # An item about a member of staff: its notice never names the code (see notice_ref) and
                # links to the item's number, known only now.
                build_notification(heads_of=[dept.pk], body=fb.title, url=fb.get_absolute_url(),
                                   subject=_("New %(kind)s %(code)s") % {"kind": fb.get_kind_display(),
                                                                         "code": notice_ref(fb)}).save(force_insert=True)
            else:
                # The record, its creation event and the heads' notification (whose link opens the item
                # by its tracking code: the id is not known before the INSERT) and the first history row:
                # one statement on PostgreSQL, one compiled INSERT each on SQLite, without a savepoint of
                # its own (create_once's transaction rolls back as a whole). No model signals: Feedback's
                # only receiver is simple-history, whose row is written here.
                note = build_notification(heads_of=[dept.pk], body=fb.title,
                                          url=reverse("feedback:detail_by_code", args=[fb.code]),
                                          subject=_("New %(kind)s %(code)s") % {"kind": fb.get_kind_display(),
                                                                                "code": fb.code})
                insert_together(fb, [(event, "feedback_id"), (note, None)], history=History(at=now, by=creator),
                                savepoint=False)
                return fb
        finally:
            del fb.skip_history_when_saving
        fb._history_date, fb._history_user = now, creator
        try:
            Feedback.history.bulk_history_create([fb])
        finally:
            del fb._history_date, fb._history_user
        return fb

    # No look-up first: a repeated key is answered by the unique constraint (the public hot path).
    record, created = create_once(Feedback, key, insert, look_up_first=False)
    if created:
        transaction.on_commit(kick)  # at once in autocommit mode, else when the caller's transaction commits
    return record


# --- Periodic jobs ---------------------------------------------------------------------


def escalate_overdue(now=None) -> int:
    """Flag overdue items and notify the supervisors and the department head, once per item
    (claimed by a conditional update, so parallel workers never notify twice)."""
    now = now or timezone.now()
    candidates = list(
        Feedback.objects.filter(status__in=PENDING_STATUSES, escalated_at__isnull=True, deadline__lt=now)
        .values_list("pk", flat=True)[:500]
    )
    done = 0
    for pk in candidates:
        with transaction.atomic():
            claimed = Feedback.objects.filter(pk=pk, escalated_at__isnull=True, status__in=PENDING_STATUSES).update(
                escalated_at=now, is_overdue=True
            )
            if claimed != 1:
                continue
            fb = Feedback.objects.select_related("department").get(pk=pk)
            log_event(fb, "escalate", params={"deadline": timezone.localtime(fb.deadline).strftime("%Y-%m-%d %H:%M")},
                      at=now)
            notify(heads_of=[fb.department_id], supervisors=True,
                   subject=_("Overdue feedback %(code)s (%(dept)s)") % {"code": notice_ref(fb), "dept": fb.department.display_name},
                   body=fb.title, url=fb.get_absolute_url())
            done += 1
    return done


def counted_feedback():
    """The items the published figures and the indicators count: every item except merged duplicates."""
    return Feedback.objects.exclude(status=Status.MERGED)


# Resolved: answered publicly (a reopen clears it until the next answer), or closed.
RESOLVED = Q(resolved_at__isnull=False) | Q(status=Status.CLOSED)


def figure_counts() -> dict:
    """The counts behind PublishedFigure, as aggregates over ``counted_feedback()`` (one formula for the
    public figures page and the indicators, ``feedback/indicators.py``)."""
    return {
        "received": Count("pk"),
        "resolved": Count("pk", filter=RESOLVED),
        "on_time": Count("pk", filter=Q(resolved_on_time=True)),
        "rated": Count("pk", filter=Q(satisfaction__isnull=False)),
        "satisfaction_sum": Sum("satisfaction", default=0),
        "complaints": Count("pk", filter=Q(kind=Kind.COMPLAINT)),
        # A reopen happens only after a resolution: reopened items were resolved once.
        "reopened": Count("pk", filter=Q(reopen_count__gte=1)),
        "resolved_once": Count("pk", filter=RESOLVED | Q(reopen_count__gte=1)),
    }


FIGURE_COUNTS = ("received", "resolved", "on_time", "rated", "satisfaction_sum", "complaints", "reopened", "resolved_once")


def refresh_public_figures(months: int = 24) -> int:
    """Recompute the monthly figures per department into PublishedFigure (idempotent): the last ``months`` months,
    the month in progress included. The indicators (``feedback/indicators.py``) read the closed months of this
    window from here."""
    now = timezone.now()
    local = timezone.localtime(now)
    index = local.year * 12 + local.month - 1 - (months - 1)
    since = local.replace(year=index // 12, month=index % 12 + 1, day=1, hour=0, minute=0, second=0, microsecond=0)
    rows = (
        counted_feedback()
        .filter(created_at__gte=since)
        .annotate(m=TruncMonth("created_at"))
        .values("department_id", "m")
        .annotate(**figure_counts())
        .order_by()
    )
    figures = []
    for row in rows:
        month = row["m"]
        month = month.date() if hasattr(month, "date") else month
        counts = {name: row[name] or 0 for name in FIGURE_COUNTS}
        figures.append(PublishedFigure(department_id=row["department_id"], month=month, refreshed_at=now,
                                       window_start=since.date(), **counts))
    with transaction.atomic():
        # Upserted by (department, month), so a month's row keeps its id from one refresh to the next (the campaign
        # evidence of the month's figures points at it); rows this refresh did not write are gone.
        if figures:
            PublishedFigure.objects.bulk_create(
                figures, update_conflicts=True, unique_fields=["department", "month"],
                update_fields=[*FIGURE_COUNTS, "refreshed_at", "window_start"])
        PublishedFigure.objects.exclude(refreshed_at=now).delete()
    return len(figures)


CAMPAIGN_FIGURES = ("feedback.received", "feedback.on_time_rate", "feedback.callback_satisfaction")


def record_campaign_figures(today: datetime.date | None = None) -> int:
    """The last complete month's published figures of each department — items received, on-time rate, callback
    satisfaction, the indicators ``CAMPAIGN_FIGURES`` for that month — as one piece of campaign evidence on the
    department's activity carried by feedback (三(二) 自查自改: 对外公布服务投诉电话…及时找出存在问题),
    through ``campaigns.services.record_evidence``. Its source is the month's ``PublishedFigure`` row, so the
    daily job records each month once and later runs update it. Dated the month's last day: a month outside the
    active campaign's period records nothing. Nothing when the campaigns app is absent. Returns the rows written."""
    record = optional_function("qualityservice.campaigns", "services", "record_evidence")
    if record is None:
        return 0
    today = today or timezone.localdate()
    last_day = today.replace(day=1) - datetime.timedelta(days=1)
    month = last_day.replace(day=1)
    figures = list(PublishedFigure.objects.filter(month=month).select_related("department"))
    if not figures:
        return 0
    from qualityservice.core import indicators

    table = indicators.values(CAMPAIGN_FIGURES, [f.department_id for f in figures], indicators.Period.month(month.year, month.month))
    written = 0
    for figure in figures:
        received, on_time, satisfaction = (table.value(key, figure.department_id) for key in CAMPAIGN_FIGURES)
        rate = "—" if on_time is None else f"{on_time:.1f}%"
        score = "—" if satisfaction is None else f"{satisfaction:.2f}"
        written += len(record(
            department_id=figure.department_id, carrier="feedback", source=figure,
            title=f"投诉建议月度数据 {month:%Y-%m}：受理 {received or 0} 件，按时办结率 {rate}，回访满意度 {score}",
            title_en=f"Feedback figures {month:%Y-%m}: {received or 0} received, on time {rate}, callback satisfaction {score}",
            url=figure.department.get_absolute_url(), occurred_on=last_day))
    return written


def staff_praise(staff: Staff, limit: int = 10) -> dict:
    """Praise and badge ratings of one staff member, for their record (no submitter identity)."""
    praise = list(Feedback.objects.filter(staff=staff, kind=Kind.PRAISE).exclude(status=Status.MERGED)
                  .only("code", "title", "body", "created_at").order_by("-created_at")[:limit])
    fields = ("skill", "attitude", "environment", "process", "appearance", "language")
    agg = staff.ratings.aggregate(n=Count("pk"), **{f: Avg(f) for f in fields})
    return {"praise": praise, "ratings": agg, "praise_count": Feedback.objects.filter(staff=staff, kind=Kind.PRAISE).count()}


# --- What other apps read about a staff member's service (recognition's supporting facts and veto) -------


@dataclass(frozen=True)
class ComplaintRef:
    code: str
    title: str
    received_on: datetime.date


@dataclass(frozen=True)
class StaffServiceRecord:
    """A staff member's feedback in a period. ``rating_mean``: the mean of the six checks over the badge ratings
    (None without a rating). ``substantiated``: complaints about the person received in the period and answered
    as valid — replied and resolved (resolved, in callback or closed), not merged; the platform records no
    separate verdict, so an answered complaint about a person counts as substantiated."""

    praise: int = 0
    rating_count: int = 0
    rating_mean: float | None = None
    substantiated: tuple[ComplaintRef, ...] = ()


def staff_service_records(staff_ids: Iterable[int], start: datetime.date, end: datetime.date) -> dict[int, StaffServiceRecord]:
    """{staff id: StaffServiceRecord} for the days ``start``..``end`` (both included), for any
    number of staff members (two queries); a person without feedback gets an empty record."""
    from django.db.models import F

    from qualityservice.core.indicators import Period

    ids = sorted(set(staff_ids))
    lower, upper = Period(start, end).bounds()
    about = Q(staff_id__in=ids) | Q(about_staff_id__in=ids)
    in_period = Q(created_at__gte=lower, created_at__lt=upper)
    praise: dict[int, set[int]] = {pk: set() for pk in ids}
    complaints: dict[int, list[ComplaintRef]] = {pk: [] for pk in ids}
    for row in (Feedback.objects.filter(about, in_period, kind__in=(Kind.PRAISE, Kind.COMPLAINT)).exclude(status=Status.MERGED)
                .values("pk", "kind", "status", "staff_id", "about_staff_id", "code", "title", "created_at").order_by("created_at", "pk")):
        for person in {row["staff_id"], row["about_staff_id"]} & set(ids):
            if row["kind"] == Kind.PRAISE:
                praise[person].add(row["pk"])
            elif row["status"] in (Status.RESOLVED, Status.CALLBACK, Status.CLOSED):
                complaints[person].append(ComplaintRef(row["code"], row["title"], timezone.localtime(row["created_at"]).date()))
    checks = F("skill") + F("attitude") + F("environment") + F("process") + F("appearance") + F("language")
    ratings = {row["staff_id"]: row for row in Rating.objects.filter(staff_id__in=ids, created_at__gte=lower, created_at__lt=upper)
               .values("staff_id").annotate(n=Count("pk"), total=Sum(checks)).order_by()}
    out = {}
    for pk in ids:
        rating = ratings.get(pk)
        mean = round(rating["total"] / (6 * rating["n"]), 2) if rating and rating["n"] else None
        out[pk] = StaffServiceRecord(praise=len(praise[pk]), rating_count=rating["n"] if rating else 0, rating_mean=mean,
                                     substantiated=tuple(complaints[pk]))
    return out
