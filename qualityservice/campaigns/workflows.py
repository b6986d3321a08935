"""The two status workflows of campaigns, on the platform's one engine (``core.workflow``).

``CAMPAIGN`` moves ``Campaign.status``::

    draft ──launch──▶ active ──close──▶ closed ──reopen──▶ active        (the supervisor)

Launching checks that no other campaign of the year is active and adopts the required menu items for every
department they apply to (so the menu is frozen from then on).

``ACTIVITY`` moves ``DepartmentActivity.status``::

    planned ──start──▶ in progress ──complete (summary)──▶ done          (head of the department, supervisor)
    planned / in progress ──fall_behind──▶ behind                        (the daily job only, by date)
    behind ──catch_up──▶ in progress        behind ──complete──▶ done    (the job, once no longer late; the head)
    planned / in progress / behind ──cancel (reason)──▶ cancelled        (the supervisor only)
    done / cancelled ──reopen──▶ in progress                             (the supervisor)

"Late" is the one date rule (:func:`is_late`, :func:`date_move`): the activity's end date (the campaign's when
it has none) has passed, or one of its milestones is overdue (its date passed, not reached). Falling behind
notifies the department's head once per move (the outbox row is written in the move's transaction).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import pgettext, pgettext_lazy

from qualityservice.core.notifications import notify
from qualityservice.core.permissions import can_see_department
from qualityservice.core.roles import Role
from qualityservice.core.workflow import Move, Transition, TransitionError, Workflow, register

from .models import Campaign, DepartmentActivity

MANAGERS = (Role.HEAD, Role.SUPERVISOR)
SUPERVISORS = (Role.SUPERVISOR,)


# --- The date rule ----------------------------------------------------------------------------------

def is_late(ends_on: dt.date | None, open_milestones: Iterable[dt.date], today: dt.date) -> bool:
    """Whether an unfinished activity is behind schedule on ``today``: its end date has passed, or a milestone
    not yet reached has passed its date. A date is "passed" the day after it (the day itself is still on time)."""
    return (ends_on is not None and ends_on < today) or any(day < today for day in open_milestones)


def date_move(status: str, ends_on: dt.date | None, open_milestones: Iterable[dt.date], today: dt.date) -> str | None:
    """The move the daily job takes on an activity in ``status``: "fall_behind", "catch_up" or None."""
    late = is_late(ends_on, open_milestones, today)
    S = DepartmentActivity.Status
    if status in (S.PLANNED, S.IN_PROGRESS) and late:
        return "fall_behind"
    if status == S.BEHIND and not late:
        return "catch_up"
    return None


def activity_lateness(activity: DepartmentActivity, today: dt.date) -> bool:
    end = activity.ends_on or activity.campaign.ends_on
    open_dates = activity.milestones.filter(done_on__isnull=True).values_list("due_on", flat=True)
    return is_late(end, list(open_dates), today)


# --- Campaigns --------------------------------------------------------------------------------------

def _check_year_free(campaign: Campaign) -> None:
    other = Campaign.objects.real().filter(year=campaign.year, status=Campaign.Status.ACTIVE).exclude(pk=campaign.pk).first()
    if other is not None:
        raise TransitionError(pgettext("campaign", "“%(name)s” is already the active campaign of %(year)s: close it first.")
                              % {"name": other.display_name, "year": campaign.year})


def _launch(campaign: Campaign, *, by, now, note, **params) -> Move:
    if campaign.is_template:
        raise TransitionError(pgettext("campaign", "A menu template is not launched: copy it into a campaign first."))
    if not campaign.menu.exists():
        raise TransitionError(pgettext("campaign", "Add the activity menu before launching the campaign."))
    _check_year_free(campaign)
    from .services import adopt_required

    adopted = adopt_required(campaign, by=by)
    return Move(params={"adopted": adopted})


def _reopen_campaign(campaign: Campaign, *, by, now, note, **params) -> Move:
    _check_year_free(campaign)
    return Move()


class CampaignFlow(Workflow):
    model = Campaign
    transitions = (
        Transition("launch", sources=(Campaign.Status.DRAFT,), target=Campaign.Status.ACTIVE,
                   label=pgettext_lazy("campaign", "Launch"), roles=SUPERVISORS, handler=_launch,
                   sentence=pgettext_lazy("campaign", "Launched; required activities adopted: %(adopted)s")),
        Transition("close", sources=(Campaign.Status.ACTIVE,), target=Campaign.Status.CLOSED,
                   label=pgettext_lazy("campaign", "Close the campaign"), roles=SUPERVISORS,
                   sentence=pgettext_lazy("campaign", "Campaign closed")),
        Transition("reopen", sources=(Campaign.Status.CLOSED,), target=Campaign.Status.ACTIVE,
                   label=pgettext_lazy("campaign", "Reopen the campaign"), roles=SUPERVISORS, handler=_reopen_campaign,
                   sentence=pgettext_lazy("campaign", "Campaign reopened")),
    )
    # Timeline rows that are no move.
    notes = {
        "copied": pgettext_lazy("campaign", "Copied from “%(source)s”"),
        "menu_item_added": pgettext_lazy("campaign", "Menu item added after the menu was frozen: %(code)s %(title)s"),
        "activity_dropped": pgettext_lazy("campaign", "%(department)s dropped the activity “%(title)s”"),
    }


CAMPAIGN = register(CampaignFlow())


# --- Activities -------------------------------------------------------------------------------------

Status = DepartmentActivity.Status


def _campaign_running(user, activity: DepartmentActivity) -> bool:
    return activity.campaign.status == Campaign.Status.ACTIVE


def _complete(activity: DepartmentActivity, *, by, now, note, summary: str = "", done_on: dt.date | None = None, **params) -> Move:
    summary = (summary or "").strip()
    if not summary:
        raise TransitionError({"summary": [pgettext("campaign", "Write a summary of what the activity achieved.")]})
    activity.summary = summary[:10000]
    activity.done_on = done_on or timezone.localdate(now)
    return Move(params={"done_on": activity.done_on.isoformat()})


def _fall_behind(activity: DepartmentActivity, *, by, now, note, today: dt.date | None = None, **params) -> Move:
    today = today or timezone.localdate(now)
    if not activity_lateness(activity, today):
        raise TransitionError(pgettext("campaign", "The activity is not behind schedule."))
    title = activity.display_title
    notify(heads_of=[activity.department_id],
           users=[activity.owner.user] if activity.owner_id and activity.owner.user_id else (),
           subject=pgettext("campaign", "Behind schedule: %(title)s") % {"title": title},
           body=pgettext("campaign", "The activity “%(title)s” has passed its end date or a milestone without being done. "
                                     "Report its progress or bring the plan up to date.") % {"title": title},
           url=activity.get_absolute_url(), webhook=False)
    return Move(params={"today": today.isoformat()})


def _catch_up(activity: DepartmentActivity, *, by, now, note, today: dt.date | None = None, **params) -> Move:
    if activity_lateness(activity, today or timezone.localdate(now)):
        raise TransitionError(pgettext("campaign", "The activity is still behind schedule."))
    return Move()


def _cancel(activity: DepartmentActivity, *, by, now, note, **params) -> Move:
    reason = (note or "").strip()
    if not reason:
        raise TransitionError({"reason": [pgettext("campaign", "Give the reason for cancelling the activity.")]})
    activity.cancel_reason = reason[:2000]
    return Move(params={"reason": reason[:200]})


def _reopen(activity: DepartmentActivity, *, by, now, note, **params) -> Move:
    activity.done_on = None
    return Move()


class ActivityFlow(Workflow):
    model = DepartmentActivity
    transitions = (
        Transition("start", sources=(Status.PLANNED,), target=Status.IN_PROGRESS, label=pgettext_lazy("campaign", "Start"),
                   roles=MANAGERS, check=_campaign_running, sentence=pgettext_lazy("campaign", "Activity started")),
        Transition("complete", sources=(Status.PLANNED, Status.IN_PROGRESS, Status.BEHIND), target=Status.DONE,
                   label=pgettext_lazy("campaign", "Mark as done"), roles=MANAGERS, check=_campaign_running, handler=_complete,
                   sentence=pgettext_lazy("campaign", "Done on %(done_on)s")),
        # No roles: only the daily job takes these two (system=True), by the date rule.
        Transition("fall_behind", sources=(Status.PLANNED, Status.IN_PROGRESS), target=Status.BEHIND, handler=_fall_behind,
                   label=pgettext_lazy("campaign", "Behind schedule"),
                   sentence=pgettext_lazy("campaign", "Behind schedule (checked on %(today)s)")),
        Transition("catch_up", sources=(Status.BEHIND,), target=Status.IN_PROGRESS, handler=_catch_up,
                   label=pgettext_lazy("campaign", "Back on schedule"), sentence=pgettext_lazy("campaign", "Back on schedule")),
        Transition("cancel", sources=(Status.PLANNED, Status.IN_PROGRESS, Status.BEHIND), target=Status.CANCELLED,
                   label=pgettext_lazy("campaign", "Cancel the activity"), roles=SUPERVISORS, handler=_cancel,
                   sentence=pgettext_lazy("campaign", "Cancelled: %(reason)s")),
        Transition("reopen", sources=(Status.DONE, Status.CANCELLED), target=Status.IN_PROGRESS,
                   label=pgettext_lazy("campaign", "Reopen the activity"), roles=SUPERVISORS, check=_campaign_running, handler=_reopen,
                   sentence=pgettext_lazy("campaign", "Activity reopened")),
    )

    def in_scope(self, user, obj) -> bool:
        return can_see_department(user, obj.department_id)


ACTIVITY = register(ActivityFlow())
