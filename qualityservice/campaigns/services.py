"""What views, jobs, the demo and other apps do with campaigns. Each function checks, then acts, in one
transaction; creates go through ``core.submissions.create_once``; statuses through ``workflows``.

Other apps call two functions here: :func:`record_evidence` (the campaign's evidence interface) and
:func:`activities_carried_by` (the activities a record of theirs may serve, for a choice in their forms)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Q, When
from django.utils import timezone
from django.utils.translation import pgettext

from qualityservice.core import pagecache
from qualityservice.core.models import WorkflowEvent
from qualityservice.core.notifications import notify
from qualityservice.core.permissions import user_role
from qualityservice.core.roles import GROUP_WIDE_ROLES
from qualityservice.core.submissions import create_once, scoped
from qualityservice.core.workflow import Event
from qualityservice.org.models import Department, Staff

from .models import (
    ActivityMilestone,
    Campaign,
    CampaignMilestone,
    Carrier,
    DepartmentActivity,
    Evidence,
    MenuItem,
    ProgressReport,
    ReportFile,
    StaffAffiliation,
)
from .workflows import ACTIVITY, CAMPAIGN, date_move

CAMPAIGN_FIELDS = ("name", "name_en", "year", "theme", "theme_en", "guiding_text", "guiding_text_en", "starts_on", "ends_on",
                   "slogans", "slogans_en", "signature_limit")
MENU_FIELDS = ("code", "title", "title_en", "description", "description_en", "kind", "carriers", "sort_order")
PLAN_FIELDS = ("title", "title_en", "description", "owner", "starts_on", "ends_on", "target_text", "target_number", "is_signature")
OPEN_STATUSES = (DepartmentActivity.Status.PLANNED, DepartmentActivity.Status.IN_PROGRESS, DepartmentActivity.Status.BEHIND)


def is_group_wide(user) -> bool:
    return user_role(user) in GROUP_WIDE_ROLES


def note(obj, action: str, *, by=None, **params) -> None:
    """A timeline row that is no move (``CampaignFlow.notes``), in the reader's language like the moves."""
    status = obj.status
    WorkflowEvent.record(obj, "status", Event(action=action, from_status=status, to_status=status,
                                              by=by if getattr(by, "is_authenticated", False) else None, note="",
                                              params=params, public=False, at=timezone.now()))


def timeline(obj, flow) -> list[WorkflowEvent]:
    """The moves and notes of ``obj``, oldest first, each with its sentence (``text``): one query."""
    events = list(WorkflowEvent.for_object(obj).select_related("actor__staff"))
    for event in events:
        event.text = flow.describe(event.action, event.params)
    return events


# --- Campaigns --------------------------------------------------------------------------------------

def check_period(campaign: Campaign) -> None:
    """The campaign's own rules: the period in order and beginning in its year, and no overlap with another
    campaign's period (templates aside). Raises ValidationError naming the fields."""
    errors: dict[str, list[str]] = {}
    if campaign.starts_on and campaign.ends_on:
        if campaign.ends_on < campaign.starts_on:
            errors["ends_on"] = [pgettext("campaign", "The campaign cannot end before it starts.")]
        elif campaign.starts_on.year != campaign.year:
            errors["starts_on"] = [pgettext("campaign", "The campaign of %(year)s starts in %(year)s.") % {"year": campaign.year}]
        elif not campaign.is_template:
            overlapping = (Campaign.objects.real().select_for_update().exclude(pk=campaign.pk)
                           .filter(starts_on__lte=campaign.ends_on, ends_on__gte=campaign.starts_on).order_by("starts_on").first())
            if overlapping is not None:
                errors["starts_on"] = [
                    pgettext("campaign", "The period overlaps the campaign “%(name)s” (%(start)s – %(end)s): periods may not overlap.")
                    % {"name": overlapping.display_name, "start": overlapping.starts_on, "end": overlapping.ends_on}]
    if errors:
        raise ValidationError(errors)


def check_milestones(campaign: Campaign, milestones) -> None:
    outside = [f"{day} {title}" for day, title, _en in milestones if not (campaign.starts_on <= day <= campaign.ends_on)]
    if outside:
        raise ValidationError({"milestones": [
            pgettext("campaign", "Milestones lie within the campaign (%(start)s – %(end)s): %(lines)s")
            % {"start": campaign.starts_on, "end": campaign.ends_on, "lines": "; ".join(outside)}]})


def _replace_campaign_milestones(campaign: Campaign, milestones) -> None:
    kept = {(m.due_on, m.title): m for m in campaign.milestones.all()}
    wanted = set()
    for day, title, title_en in milestones:
        wanted.add((day, title))
        existing = kept.get((day, title))
        if existing is None:
            CampaignMilestone.objects.create(campaign=campaign, due_on=day, title=title, title_en=title_en)
        elif existing.title_en != title_en:
            existing.title_en = title_en
            existing.save(update_fields=["title_en"])
    for key, milestone in kept.items():
        if key not in wanted:
            milestone.delete()


def create_campaign(*, key: str | None, by, milestones=(), **fields) -> tuple[Campaign, bool]:
    """A new draft campaign, once per form. Raises ValidationError (period, overlap, milestones)."""

    def create(stored_key):
        campaign = Campaign(created_by=by if getattr(by, "is_authenticated", False) else None, submission_key=stored_key, **fields)
        check_period(campaign)
        check_milestones(campaign, milestones)
        campaign.save()
        _replace_campaign_milestones(campaign, milestones)
        return campaign

    return create_once(Campaign, scoped("campaign", key), create)


@transaction.atomic
def update_campaign(campaign: Campaign, *, milestones=None, **fields) -> Campaign:
    unknown = set(fields) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status == Campaign.Status.CLOSED:
        raise ValidationError(pgettext("campaign", "A closed campaign is no longer changed."))
    for name, value in fields.items():
        setattr(locked, name, value)
    check_period(locked)
    if milestones is not None:
        check_milestones(locked, milestones)
    locked.save(update_fields=list(fields) or None)
    if milestones is not None:
        _replace_campaign_milestones(locked, milestones)
    return locked


def shift_year(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def copy_sources():
    """What a new campaign may be copied from: the menu templates first, then the campaigns, newest first."""
    return Campaign.objects.order_by("-is_template", "-year", "-starts_on", "-pk")


def default_copy_source(year: int) -> Campaign | None:
    """Last year's campaign when there is one, else the newest template."""
    return (Campaign.objects.real().filter(year=year - 1).order_by("-starts_on").first()
            or Campaign.objects.filter(is_template=True).order_by("-pk").first())


@dataclass(frozen=True)
class CampaignRef:
    """A campaign as other apps see it (the evaluation's scheme links to the campaign of its year)."""

    pk: int
    year: int
    name: str
    name_en: str
    url: str


def campaign_for_year(year: int) -> CampaignRef | None:
    """The campaign of ``year`` that other apps link to: the active one, else the newest closed one (never a draft
    or a template); None when the year has none. One query."""
    campaign = (Campaign.objects.real().filter(year=year).exclude(status=Campaign.Status.DRAFT)
                .order_by(Case(When(status=Campaign.Status.ACTIVE, then=0), default=1), "-starts_on", "-pk").first())
    if campaign is None:
        return None
    return CampaignRef(pk=campaign.pk, year=campaign.year, name=campaign.name, name_en=campaign.name_en,
                       url=campaign.get_absolute_url())


def copy_campaign(source: Campaign, *, key: str | None, by, year: int, name: str = "", name_en: str = "",
                  template: bool = False) -> tuple[Campaign, bool]:
    """A new draft campaign of ``year`` from ``source`` (a template or an earlier campaign): texts, slogans,
    milestones and the whole menu, dates moved by the difference of the years. ``template=True`` makes a
    menu template instead (the demo's)."""
    years = year - source.year

    def create(stored_key):
        campaign = Campaign(
            name=name or source.name, name_en=name_en or source.name_en, year=year, theme=source.theme, theme_en=source.theme_en,
            guiding_text=source.guiding_text, guiding_text_en=source.guiding_text_en,
            starts_on=shift_year(source.starts_on, years), ends_on=shift_year(source.ends_on, years),
            slogans=source.slogans, slogans_en=source.slogans_en, signature_limit=source.signature_limit,
            is_template=template, copied_from=source, submission_key=stored_key,
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
        check_period(campaign)
        campaign.save()
        for m in source.milestones.all():
            CampaignMilestone.objects.create(campaign=campaign, title=m.title, title_en=m.title_en, due_on=shift_year(m.due_on, years))
        for item in source.menu.prefetch_related("required_for"):
            copy = MenuItem.objects.create(campaign=campaign, **{f: getattr(item, f) for f in MENU_FIELDS},
                                           created_by=campaign.created_by)
            copy.required_for.set(item.required_for.all())
        note(campaign, "copied", by=by, source=source.display_name)
        return campaign

    return create_once(Campaign, scoped("campaign-copy", key), create)


def move_campaign(campaign: Campaign, action: str, *, by) -> Campaign:
    return CAMPAIGN.apply(campaign, action, by=by)


# --- The menu ---------------------------------------------------------------------------------------

def check_carriers(carriers) -> list[str]:
    known = set(Carrier.values)
    unknown = [c for c in carriers if c not in known]
    if unknown:
        raise ValidationError({"carriers": [pgettext("campaign", "Unknown app: %(apps)s.") % {"apps": ", ".join(unknown)}]})
    return list(dict.fromkeys(carriers))


def add_menu_item(campaign: Campaign, *, key: str | None, by, required_for=(), **fields) -> tuple[MenuItem, bool]:
    """A new menu item, once per form. Added to a frozen menu it is marked and noted on the campaign's
    timeline; a required one is adopted at once by the departments it applies to when the campaign runs."""
    fields["carriers"] = check_carriers(fields.get("carriers", []))
    if campaign.status == Campaign.Status.CLOSED:
        raise ValidationError(pgettext("campaign", "A closed campaign is no longer changed."))

    def create(stored_key):
        frozen = Campaign.objects.filter(pk=campaign.pk, menu_frozen_at__isnull=False).exists()
        item = MenuItem.objects.create(campaign=campaign, added_after_freeze=frozen, submission_key=stored_key,
                                       created_by=by if getattr(by, "is_authenticated", False) else None, **fields)
        item.required_for.set(required_for)
        if frozen:
            note(campaign, "menu_item_added", by=by, code=item.code, title=item.title)
        if campaign.status == Campaign.Status.ACTIVE and item.is_required:
            adopt_required(campaign, by=by, items=[item])
        return item

    try:
        return create_once(MenuItem, scoped("campaign-menu", key), create)
    except IntegrityError:
        raise ValidationError({"code": [pgettext("campaign", "The menu already has an item %(code)s.") % {"code": fields.get("code")}]})


@transaction.atomic
def update_menu_item(item: MenuItem, *, required_for=None, **fields) -> MenuItem:
    """Change an item while the menu is not frozen; afterwards refused (add a new item instead)."""
    unknown = set(fields) - set(MENU_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    campaign = Campaign.objects.select_for_update().get(pk=item.campaign_id)
    if campaign.is_frozen or DepartmentActivity.objects.filter(menu_item__campaign=campaign).exists():
        raise ValidationError(pgettext("campaign", "The menu is frozen since departments adopted from it: add a new item instead."))
    if "carriers" in fields:
        fields["carriers"] = check_carriers(fields["carriers"])
    locked = MenuItem.objects.select_for_update().get(pk=item.pk)
    for name, value in fields.items():
        setattr(locked, name, value)
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError:
        raise ValidationError({"code": [pgettext("campaign", "The menu already has an item %(code)s.") % {"code": locked.code}]})
    if required_for is not None:
        locked.required_for.set(required_for)
    return locked


def _freeze(campaign: Campaign) -> None:
    """Mark the menu frozen, in the database and on ``campaign`` (the launch move saves its locked row after this)."""
    now = timezone.now()
    if Campaign.objects.filter(pk=campaign.pk, menu_frozen_at__isnull=True).update(menu_frozen_at=now):
        pagecache.changed(Campaign)
        campaign.menu_frozen_at = campaign.menu_frozen_at or now


def departments_for(item: MenuItem, centres) -> list:
    """The departments a required item applies to: its listed ones, or every centre."""
    listed = [d for d in item.required_for.all()]
    return listed or list(centres)


def is_required_for(item: MenuItem, department_id: int) -> bool:
    if not item.is_required:
        return False
    listed = [d.pk for d in item.required_for.all()]
    return not listed or department_id in listed


@transaction.atomic
def adopt_required(campaign: Campaign, *, by=None, items=None) -> int:
    """Adopt the required menu items for every department they apply to (idempotent: an adoption that exists
    is kept). Freezes the menu. Returns how many activities were created."""
    items = list(items if items is not None else campaign.menu.filter(kind=MenuItem.Kind.REQUIRED))
    centres = list(Department.objects.centres())
    existing = set(DepartmentActivity.objects.filter(campaign=campaign, menu_item__in=items).values_list("department_id", "menu_item_id"))
    rows = []
    for item in items:
        if not item.is_required:
            continue
        for department in departments_for(item, centres):
            if (department.pk, item.pk) not in existing:
                rows.append(DepartmentActivity(campaign=campaign, department=department, menu_item=item, is_required=True,
                                               adopted_by=by if getattr(by, "is_authenticated", False) else None))
    if rows:
        # Created in their first status (planned); a concurrent adoption of the same item is skipped.
        DepartmentActivity.objects.bulk_create(rows, ignore_conflicts=True)
        pagecache.changed(DepartmentActivity)
    if rows or existing:
        _freeze(campaign)
    return len(rows)


def _check_adoptable(campaign: Campaign) -> None:
    if campaign.status != Campaign.Status.ACTIVE:
        raise ValidationError(pgettext("campaign", "Activities are adopted while the campaign is active."))


def adopt(campaign: Campaign, item: MenuItem, department: Department, *, key: str | None, by) -> tuple[DepartmentActivity, bool]:
    """The department adopts a menu item (四.2), once: a second adoption returns the first. Freezes the menu."""
    _check_adoptable(campaign)
    if item.campaign_id != campaign.pk:
        raise ValidationError(pgettext("campaign", "This item is not on the campaign's menu."))
    existing = DepartmentActivity.objects.filter(department=department, menu_item=item).first()
    if existing is not None:
        return existing, False

    def create(stored_key):
        activity = DepartmentActivity.objects.create(
            campaign=campaign, department=department, menu_item=item, is_required=is_required_for(item, department.pk),
            adopted_by=by if getattr(by, "is_authenticated", False) else None, submission_key=stored_key)
        _freeze(campaign)
        return activity

    try:
        return create_once(DepartmentActivity, scoped("campaign-adopt", key), create)
    except IntegrityError:  # adopted meanwhile by another request with another key
        return DepartmentActivity.objects.get(department=department, menu_item=item), False


def add_own_activity(campaign: Campaign, department: Department, *, key: str | None, by, milestones=(),
                     **fields) -> tuple[DepartmentActivity, bool]:
    """The department's own activity (四.2 "其他有助于推进后勤优质服务的活动"), planned at once."""
    _check_adoptable(campaign)
    if not (fields.get("title") or "").strip():
        raise ValidationError({"title": [pgettext("campaign", "Give the activity a title.")]})

    def create(stored_key):
        activity = DepartmentActivity(campaign=campaign, department=department, submission_key=stored_key,
                                      adopted_by=by if getattr(by, "is_authenticated", False) else None)
        _apply_plan(activity, fields, milestones, creating=True)
        return activity

    return create_once(DepartmentActivity, scoped("campaign-own", key), create)


def check_plan(activity: DepartmentActivity, fields: dict, milestones) -> None:
    """Dates within the campaign and in order, milestones within the activity, the owner of the department,
    a target number above zero. Raises ValidationError naming the fields."""
    campaign = activity.campaign
    errors: dict[str, list[str]] = {}
    start, end = fields.get("starts_on"), fields.get("ends_on")
    inside = pgettext("campaign", "The dates lie within the campaign (%(start)s – %(end)s).") % {
        "start": campaign.starts_on, "end": campaign.ends_on}
    for name, day in (("starts_on", start), ("ends_on", end)):
        if day is not None and not (campaign.starts_on <= day <= campaign.ends_on):
            errors.setdefault(name, []).append(inside)
    if start and end and end < start and "ends_on" not in errors:
        errors["ends_on"] = [pgettext("campaign", "The activity cannot end before it starts.")]
    owner = fields.get("owner")
    if owner is not None and owner.department_id != activity.department_id:
        errors["owner"] = [pgettext("campaign", "The owner must belong to the department.")]
    if fields.get("target_number") == 0:
        errors["target_number"] = [pgettext("campaign", "A target number is at least 1 (or leave it empty).")]
    low, high = start or campaign.starts_on, end or campaign.ends_on
    outside = [f"{day} {title}" for day, title in milestones if not (low <= day <= high)]
    if outside:
        errors["milestones"] = [pgettext("campaign", "Milestones lie within the activity's dates (%(start)s – %(end)s): %(lines)s")
                                % {"start": low, "end": high, "lines": "; ".join(outside)}]
    if errors:
        raise ValidationError(errors)


def _check_signature_limit(activity: DepartmentActivity) -> None:
    limit = activity.campaign.signature_limit
    others = (DepartmentActivity.objects.select_for_update().filter(campaign=activity.campaign, department=activity.department,
                                                                     is_signature=True)
              .exclude(pk=activity.pk).exclude(status=DepartmentActivity.Status.CANCELLED))
    if len(list(others)) >= limit:
        raise ValidationError({"is_signature": [
            pgettext("campaign", "At most %(n)d signature (精品) activities per department in this campaign.") % {"n": limit}]})


def _apply_plan(activity: DepartmentActivity, fields: dict, milestones, *, creating: bool = False) -> None:
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if activity.menu_item_id:  # an adopted item keeps the menu's title
        fields = {k: v for k, v in fields.items() if k not in ("title", "title_en")}
    check_plan(activity, fields, milestones)
    for name, value in fields.items():
        setattr(activity, name, value)
    if activity.is_signature:
        _check_signature_limit(activity)
    activity.save()
    kept = {(m.due_on, m.title): m for m in activity.milestones.all()} if not creating else {}
    wanted = set()
    for day, title in milestones:
        wanted.add((day, title))
        if (day, title) not in kept:
            ActivityMilestone.objects.create(activity=activity, due_on=day, title=title)
    for key, milestone in kept.items():
        if key not in wanted:
            milestone.delete()


@transaction.atomic
def save_plan(activity: DepartmentActivity, *, milestones=(), today: dt.date | None = None, **fields) -> DepartmentActivity:
    """The head's plan: owner, dates, target, milestones, 精品. Under a row lock; refused once the activity is
    done or cancelled or the campaign is no longer active. Unchanged milestones keep their state."""
    locked = DepartmentActivity.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=activity.pk)
    if locked.campaign.status != Campaign.Status.ACTIVE:
        raise ValidationError(pgettext("campaign", "Plans are changed while the campaign is active."))
    if locked.is_closed:
        raise ValidationError(pgettext("campaign", "A done or cancelled activity is no longer planned."))
    _apply_plan(locked, dict(fields), milestones)
    refresh_activity(locked, today)
    return locked


def may_drop(user, activity: DepartmentActivity) -> bool:
    """Dropping removes an adoption nothing happened on yet: planned, without reports or evidence. A required
    activity is dropped only by the supervisor (the department is exempted); otherwise the supervisor cancels it."""
    if activity.status != DepartmentActivity.Status.PLANNED or activity.campaign.status != Campaign.Status.ACTIVE:
        return False
    if activity.is_required and not is_group_wide(user):
        return False
    return ACTIVITY.in_scope(user, activity) and user_role(user) is not None


@transaction.atomic
def drop_activity(activity: DepartmentActivity, *, by) -> None:
    locked = DepartmentActivity.objects.select_for_update(of=("self",)).select_related("campaign", "department", "menu_item").get(pk=activity.pk)
    if locked.is_required and not is_group_wide(by):
        raise ValidationError(pgettext("campaign", "A required activity cannot be dropped: ask the supervisor."))
    if locked.status != DepartmentActivity.Status.PLANNED or locked.reports.exists() or locked.evidence.exists():
        raise ValidationError(pgettext("campaign", "Only a planned activity without reports or evidence can be dropped; "
                                                   "the supervisor may cancel it instead."))
    note(locked.campaign, "activity_dropped", by=by, department=locked.department.name, title=locked.display_title)
    locked.delete()


def move_activity(activity: DepartmentActivity, action: str, *, by, note_text: str = "", **params) -> DepartmentActivity:
    """Take a workflow action as ``by``; raises ``TransitionError`` with a message for the user."""
    return ACTIVITY.apply(activity, action, by=by, note=note_text, **params)


# --- The date rule, applied ---------------------------------------------------------------------------

def refresh_activity(activity: DepartmentActivity, today: dt.date | None = None) -> str | None:
    """Apply the date rule to one activity at once (after its plan or a report changed). Returns the move taken."""
    today = today or timezone.localdate()
    activity = DepartmentActivity.objects.select_related("campaign").get(pk=activity.pk)
    if activity.campaign.status != Campaign.Status.ACTIVE:
        return None
    open_dates = list(activity.milestones.filter(done_on__isnull=True).values_list("due_on", flat=True))
    action = date_move(activity.status, activity.ends_on or activity.campaign.ends_on, open_dates, today)
    if action is not None:
        ACTIVITY.apply(activity, action, system=True, today=today)
    return action


def refresh_statuses(today: dt.date | None = None) -> dict[str, int]:
    """The daily job: every open activity of an active campaign moves behind schedule when late and back
    when no longer late. Idempotent: each row is re-checked under its lock; a second run moves nothing."""
    today = today or timezone.localdate()
    activities = (DepartmentActivity.objects.filter(campaign__status=Campaign.Status.ACTIVE, status__in=OPEN_STATUSES)
                  .select_related("campaign").prefetch_related("milestones"))
    todo: dict[str, list[int]] = {"fall_behind": [], "catch_up": []}
    for activity in activities.iterator(chunk_size=500):
        open_dates = [m.due_on for m in activity.milestones.all() if m.done_on is None]
        action = date_move(activity.status, activity.ends_on or activity.campaign.ends_on, open_dates, today)
        if action:
            todo[action].append(activity.pk)
    return {action: ACTIVITY.apply_each(DepartmentActivity.objects.filter(pk__in=pks), action, today=today) if pks else 0
            for action, pks in todo.items()}


def send_reminders(today: dt.date | None = None) -> int:
    """The daily job: a notification ``QS_CAMPAIGNS_REMIND_DAYS`` days (or fewer) before a milestone, once per
    milestone — the row is claimed (``reminded_on``) in the notification's transaction, so two workers send one."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=settings.QS_CAMPAIGNS_REMIND_DAYS)
    sent = 0
    due = (ActivityMilestone.objects.filter(reminded_on__isnull=True, done_on__isnull=True, due_on__gte=today, due_on__lte=horizon,
                                            activity__campaign__status=Campaign.Status.ACTIVE, activity__status__in=OPEN_STATUSES)
           .select_related("activity__menu_item", "activity__owner"))
    for milestone in due:
        with transaction.atomic():
            if not ActivityMilestone.objects.filter(pk=milestone.pk, reminded_on__isnull=True).update(reminded_on=today):
                continue
            activity = milestone.activity
            owner = activity.owner.user if activity.owner_id and activity.owner.user_id else None
            notify(heads_of=[activity.department_id], users=[owner] if owner else (),
                   subject=pgettext("campaign", "Milestone on %(date)s: %(title)s") % {"date": milestone.due_on, "title": milestone.title},
                   body=pgettext("campaign", "“%(activity)s”: the milestone “%(title)s” is due on %(date)s.")
                   % {"activity": activity.display_title, "title": milestone.title, "date": milestone.due_on},
                   url=activity.get_absolute_url(), webhook=False)
            sent += 1
    campaign_due = CampaignMilestone.objects.filter(reminded_on__isnull=True, due_on__gte=today, due_on__lte=horizon,
                                                    campaign__status=Campaign.Status.ACTIVE, campaign__is_template=False)
    centres = list(Department.objects.centres().values_list("pk", flat=True))
    for milestone in campaign_due.select_related("campaign"):
        with transaction.atomic():
            if not CampaignMilestone.objects.filter(pk=milestone.pk, reminded_on__isnull=True).update(reminded_on=today):
                continue
            notify(heads_of=centres, supervisors=True,
                   subject=pgettext("campaign", "Milestone on %(date)s: %(title)s") % {"date": milestone.due_on, "title": milestone.title},
                   body=milestone.campaign.name, url=milestone.campaign.get_absolute_url())
            sent += 1
    return sent


# --- Progress reports ---------------------------------------------------------------------------------

def check_report(activity: DepartmentActivity, *, reported_on: dt.date, note_text: str, participants=(), reached=()) -> None:
    errors: dict[str, list[str]] = {}
    campaign = activity.campaign
    if campaign.status != Campaign.Status.ACTIVE:
        raise ValidationError(pgettext("campaign", "Progress is reported while the campaign is active."))
    if activity.status == DepartmentActivity.Status.CANCELLED:
        raise ValidationError(pgettext("campaign", "The activity was cancelled."))
    if reported_on > timezone.localdate():
        errors["reported_on"] = [pgettext("campaign", "A report is written after the fact: the date cannot be in the future.")]
    elif not (campaign.starts_on <= reported_on <= campaign.ends_on):
        errors["reported_on"] = [pgettext("campaign", "The dates lie within the campaign (%(start)s – %(end)s).")
                                 % {"start": campaign.starts_on, "end": campaign.ends_on}]
    if not (note_text or "").strip():
        errors["note"] = [pgettext("campaign", "Say what was done.")]
    if any(p.department_id != activity.department_id for p in participants):
        errors["participants"] = [pgettext("campaign", "Participants belong to the department.")]
    if any(m.activity_id != activity.pk for m in reached):
        errors["reached"] = [pgettext("campaign", "The milestones belong to the activity.")]
    if errors:
        raise ValidationError(errors)


def create_report(activity: DepartmentActivity, *, key: str | None, by, reported_on: dt.date, note: str, participants=(),
                  reached=(), files=(), today: dt.date | None = None) -> tuple[ProgressReport, bool]:
    """A progress report with its photos and documents (``uploads.CleanFile``, already checked),
    participants and the milestones it reached, once per form. Starts a planned activity and applies the date
    rule as of ``today`` (a reached milestone may bring it back on schedule)."""
    check_report(activity, reported_on=reported_on, note_text=note, participants=participants, reached=reached)

    def create(stored_key):
        report = ProgressReport.objects.create(activity=activity, reported_on=reported_on, note=note.strip(), submission_key=stored_key,
                                               created_by=by if getattr(by, "is_authenticated", False) else None)
        report.participants.set(participants)
        for clean in files:
            row = ReportFile(report=report, name=clean.name[-200:], is_image=clean.is_image, size=clean.content.size)
            row.file.save(clean.name, clean.content, save=False)
            row.save()
        for milestone in reached:
            ActivityMilestone.objects.filter(pk=milestone.pk, done_on__isnull=True).update(done_on=reported_on)
        current = DepartmentActivity.objects.select_related("campaign").get(pk=activity.pk)
        if current.status == DepartmentActivity.Status.PLANNED:
            ACTIVITY.apply(current, "start", by=by, system=not ACTIVITY.may(by, "start", current))
        refresh_activity(activity, today)
        return report

    return create_once(ProgressReport, scoped("campaign-report", key), create)


def set_file_public(file: ReportFile, public: bool) -> ReportFile:
    """The supervisor publishes a report's file on the campaign's public page (or withdraws it)."""
    file.is_public = public
    file.save(update_fields=["is_public"])
    return file


# --- Participation --------------------------------------------------------------------------------------

def save_affiliation(staff: Staff, *, by, **flags) -> StaffAffiliation:
    unknown = set(flags) - set(StaffAffiliation.GROUPS)
    if unknown:
        raise ValueError(f"not a group: {sorted(unknown)}")
    row, _created = StaffAffiliation.objects.update_or_create(
        staff=staff, defaults={**{g: bool(flags.get(g)) for g in StaffAffiliation.GROUPS}, "updated_by": by, "updated_at": timezone.now()})
    return row


# --- The evidence interface -------------------------------------------------------------------------------

@dataclass(frozen=True)
class EvidenceRef:
    pk: int
    activity_id: int


def record_evidence(*, department_id: int, carrier: str, source, title: str, title_en: str = "", url: str = "",
                    occurred_on: dt.date | None = None, public: bool = False, activity_id: int | None = None) -> list[EvidenceRef]:
    """Record ``source`` (any model instance: another app's record) as evidence on the activities of the
    department (or of the centre a team belongs to) that the active campaign covering ``occurred_on`` (default:
    today) has and whose menu item is carried by ``carrier`` (the caller's app label). Idempotent by (activity,
    content type, pk): a second call updates the title, link, date and publicity. Returns [] when nothing
    matches; never raises for that. Runs inside the caller's transaction (in a savepoint). ``activity_id`` (an
    activity the caller's record was made for, chosen from :func:`activities_carried_by`) records it on that
    activity only, when it is one of those."""
    day = occurred_on or timezone.localdate()
    if isinstance(day, dt.datetime):
        day = timezone.localdate(day) if timezone.is_aware(day) else day.date()
    activities = [
        a for a in DepartmentActivity.objects.filter(
            Q(department_id=department_id) | Q(department__children__id=department_id, department__children__kind=Department.Kind.TEAM),
            campaign__in=Campaign.objects.covering(day), menu_item__isnull=False,
        ).exclude(status=DepartmentActivity.Status.CANCELLED).select_related("menu_item").distinct()
        if carrier in (a.menu_item.carriers or []) and (activity_id is None or a.pk == activity_id)
    ]
    if not activities:
        return []
    content_type = ContentType.objects.get_for_model(type(source))
    values = {"carrier": carrier, "title": (title or "")[:200] or str(source)[:200], "title_en": (title_en or "")[:300],
              "url": (url or "")[:500], "occurred_on": day, "is_public": bool(public), "updated_at": timezone.now()}
    refs = []
    for activity in activities:
        with transaction.atomic():
            updated = Evidence.objects.filter(activity=activity, content_type=content_type, object_id=source.pk)
            if updated.update(**values):
                pk = updated.values_list("pk", flat=True).first()
            else:
                try:
                    with transaction.atomic():
                        pk = Evidence.objects.create(activity=activity, content_type=content_type, object_id=source.pk, **values).pk
                except IntegrityError:  # recorded meanwhile by a concurrent call
                    updated.update(**values)
                    pk = updated.values_list("pk", flat=True).first()
        refs.append(EvidenceRef(pk=pk, activity_id=activity.pk))
    pagecache.changed(Evidence)
    return refs


@dataclass(frozen=True)
class ActivityOption:
    """An activity another app's record may serve (``activities_carried_by``), in the reader's language."""

    pk: int
    department_id: int
    code: str
    title: str
    campaign: str
    status: str
    is_open: bool  # in an active campaign and not cancelled: evidence can still be recorded on it
    url: str

    @property
    def label(self) -> str:
        return " ".join(part for part in (self.code, self.title) if part) + f" · {self.campaign}"


def activities_carried_by(carrier: str, *, department_ids, include=()) -> list[ActivityOption]:
    """The activities of ``department_ids`` in active campaigns, not cancelled, whose menu item is carried by
    ``carrier`` (the caller's app label) — what an organiser may choose for a record of that app — and, whatever
    their state, the activities ``include`` names (a choice made earlier, to show it). One query; by campaign
    (newest first), then the menu's order."""
    include = {pk for pk in include if pk}
    wanted = Q(department_id__in=list(department_ids), campaign__status=Campaign.Status.ACTIVE, campaign__is_template=False,
               menu_item__isnull=False) & ~Q(status=DepartmentActivity.Status.CANCELLED)
    rows = (DepartmentActivity.objects.filter(wanted | Q(pk__in=include) if include else wanted)
            .select_related("campaign", "menu_item").order_by("-campaign__year", "campaign_id", "menu_item__sort_order", "pk"))
    # The carriers are a JSON list: matched here (SQLite has no JSON containment), as record_evidence does.
    return [ActivityOption(pk=a.pk, department_id=a.department_id, code=a.code, title=a.display_title,
                           campaign=a.campaign.display_name, status=a.status,
                           is_open=a.campaign.status == Campaign.Status.ACTIVE and a.status != DepartmentActivity.Status.CANCELLED,
                           url=a.get_absolute_url())
            for a in rows if a.pk in include or carrier in ((a.menu_item.carriers or []) if a.menu_item_id else [])]
