"""``IDEA`` moves ``Idea.status`` on the platform's one engine (``core.workflow``)::

    submitted ──accept──▶ screened ──assign──▶ review ──adopt──▶ adopted ──start──▶ implementing ──complete──▶ implemented
        │  ▲                 │                  │ ▲ └─decline─▶ not_adopted                                      │
        │  └─resubmit─ returned ◀──return──┘    │ └────reopen────┘                                            verify
        └──return──▶ returned                   │                                                               ▼
    submitted | screened | review ──merge──▶ merged ──unmerge──▶ (the status before the merge)      measured ──award──▶ awarded
    adopted | implementing | implemented ──stop──▶ stopped

Coordinators (the supervisors; for a department's own round also its head) screen, merge, assign reviewers,
decide and award; the lead author (or a co-author) resubmits a returned idea; the implementation owner (or a
coordinator) starts, completes and stops; a verifier — a supervisor or an appointed verifier of the round,
never an author of the idea nor the one who recorded the measurement — confirms the measured benefit.

``IDEA.apply(idea, action, by=user, **params)`` locks the row, checks status, role and the rule of the
transition, runs the handler, saves and records one ``core.WorkflowEvent``; the handlers raise
``TransitionError`` with a translated message and send the notifications inside the transaction. Nothing else
assigns ``status`` (a test scans the source). Timeline rows that are no move (an escalation, a measurement
recorded or returned, a step done) are ``notes``."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import pgettext, pgettext_lazy

from qualityservice.core.notifications import notify
from qualityservice.core.permissions import staff_profile, user_role
from qualityservice.core.roles import GROUP_WIDE_ROLES, Role
from qualityservice.core.workflow import Move, Transition, TransitionError, Workflow, register

from .models import Assignment, Idea, IdeaAuthor, Measurement, Merge, Round, Tier

Status = Idea.Status
COORDINATORS = (Role.HEAD, Role.SUPERVISOR)
EVERYONE = (Role.STAFF, Role.HEAD, Role.OPERATOR, Role.SUPERVISOR, Role.JUDGE)
REVIEWER_ROLES = (Role.JUDGE, Role.STAFF, Role.HEAD, Role.SUPERVISOR)
MERGEABLE = (Status.SUBMITTED, Status.SCREENED, Status.REVIEW)


# --- who ------------------------------------------------------------------------------------------


def is_coordinator(user, idea_or_round) -> bool:
    """Supervisors (and administrators) coordinate every round; a head coordinates the rounds of their own
    department, not the group's."""
    round_ = idea_or_round.round if isinstance(idea_or_round, Idea) else idea_or_round
    role = user_role(user)
    if role in GROUP_WIDE_ROLES:
        return True
    return role == Role.HEAD and round_.department_id is not None and round_.department_id == staff_profile(user).department_id


def author_staff_ids(idea) -> set[int]:
    """The staff ids of the idea's authors (lead, co-authors, credited by a merge). A page that loaded the authors
    keeps them on the instance (``_author_ids``); the engine's locked row always reads them afresh."""
    cached = getattr(idea, "_author_ids", None)
    if cached is not None:
        return cached
    return set(IdeaAuthor.objects.filter(idea=idea).values_list("staff_id", flat=True))


def is_author(user, idea) -> bool:
    profile = staff_profile(user)
    return profile is not None and profile.pk in author_staff_ids(idea)


def manages_implementation(user, idea) -> bool:
    return (idea.owner_id is not None and idea.owner_id == getattr(user, "pk", None)) or is_coordinator(user, idea)


def may_verify(user, idea) -> bool:
    """A supervisor or an appointed verifier of the round; never an author of the idea, nor the person who
    recorded the measurement being verified."""
    if user_role(user) is None or is_author(user, idea):
        return False
    if user_role(user) not in GROUP_WIDE_ROLES and not idea.round.verifiers.filter(pk=user.pk).exists():
        return False
    pending = pending_measurement(idea)
    return pending is None or pending.recorded_by_id != user.pk


def pending_measurement(idea) -> Measurement | None:
    return Measurement.objects.filter(idea=idea, verified_at__isnull=True, returned_at__isnull=True).first()


def coordinators_of(round_: Round) -> dict:
    """``notify`` arguments that reach an idea's coordinators."""
    return {"heads_of": [round_.department_id] if round_.department_id else [], "supervisors": True}


def authors_users(idea) -> list:
    return [a.staff.user for a in IdeaAuthor.objects.filter(idea=idea).select_related("staff__user") if a.staff.user_id]


def _reason(reason: str, message) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError(message)
    if len(reason) > 300:
        raise TransitionError(pgettext("idea", "The reason is too long (at most 300 characters)."))
    return reason


# --- handlers ---------------------------------------------------------------------------------------


def _accept(idea, *, by, now, note, **params) -> Move:
    idea.return_reason = ""
    return Move()


def _return(idea, *, by, now, note, reason: str = "", **params) -> Move:
    idea.return_reason = _reason(reason, pgettext("idea", "Say why the idea is returned: the author reads it."))
    notify(users=authors_users(idea), subject=pgettext("idea", "Your idea was returned: %(title)s") % {"title": idea.title},
           body=idea.return_reason, url=idea.get_absolute_url(), webhook=False)
    return Move(params={"reason": idea.return_reason})


def _resubmit(idea, *, by, now, note, **params) -> Move:
    idea.submitted_at = now
    notify(**coordinators_of(idea.round), subject=pgettext("idea", "Idea sent again: %(title)s") % {"title": idea.title},
           body=idea.return_reason, url=idea.get_absolute_url(), webhook=False)
    return Move()


def _merge(idea, *, by, now, note, target=None, reason: str = "", **params) -> Move:
    if not isinstance(target, Idea):
        raise TransitionError(pgettext("idea", "Choose the idea to merge this one into."))
    target = Idea.objects.select_for_update().get(pk=target.pk)
    if target.pk == idea.pk:
        raise TransitionError(pgettext("idea", "An idea cannot be merged into itself."))
    if target.round_id != idea.round_id:
        raise TransitionError(pgettext("idea", "Only ideas of the same round can be merged."))
    if target.status in (Status.MERGED, Status.RETURNED):
        raise TransitionError(pgettext("idea", "“%(title)s” is itself merged or returned: choose another idea.") % {"title": target.title})
    if Merge.objects.filter(target=idea, undone_at__isnull=True).exists():
        raise TransitionError(pgettext("idea", "Other ideas are merged into this one: undo those merges first, or merge them into the target directly."))
    merge = Merge.objects.create(source=idea, target=target, status_before=idea.status, reason=(reason or "").strip()[:300],
                                 merged_by=by if getattr(by, "is_authenticated", False) else None, merged_at=now)
    present = author_staff_ids(target)
    IdeaAuthor.objects.bulk_create([IdeaAuthor(idea=target, staff_id=a.staff_id, merge=merge)
                                    for a in IdeaAuthor.objects.filter(idea=idea).order_by("pk") if a.staff_id not in present])
    idea.merged_into = target
    idea._recount = target.pk
    notify(users=authors_users(idea), subject=pgettext("idea", "Your idea was merged: %(title)s") % {"title": idea.title},
           body=pgettext("idea", "It is merged into “%(target)s”; you are credited as a co-author there.") % {"target": target.title},
           url=idea.get_absolute_url(), webhook=False)
    return Move(params={"target": target.title, "target_id": target.pk})


def _unmerge(idea, *, by, now, note, **params) -> Move:
    merge = Merge.objects.filter(source=idea, undone_at__isnull=True).select_related("target").first()
    if merge is None:  # cannot happen through the engine (status merged ⇔ an active merge); kept as a guard
        raise TransitionError(pgettext("idea", "This idea is not merged."))
    IdeaAuthor.objects.filter(merge=merge).delete()
    merge.undone_at = now
    merge.undone_by = by if getattr(by, "is_authenticated", False) else None
    merge.save(update_fields=["undone_at", "undone_by"])
    idea.merged_into = None
    idea._recount = merge.target_id
    return Move(to=merge.status_before, params={"target": merge.target.title, "target_id": merge.target_id})


def _assign(idea, *, by, now, note, reviewers=(), due_at=None, **params) -> Move:
    reviewers = [r for r in reviewers if r is not None]
    if not reviewers:
        raise TransitionError(pgettext("idea", "Choose at least one reviewer."))
    authors = author_staff_ids(idea)
    already = set(Assignment.objects.filter(idea=idea).values_list("reviewer_id", flat=True))
    due_at = due_at or now + dt.timedelta(days=idea.round.review_days)
    if due_at <= now:
        raise TransitionError(pgettext("idea", "The deadline must be in the future."))
    for reviewer in reviewers:
        _check_reviewer(reviewer, authors, already)
    Assignment.objects.bulk_create([Assignment(idea=idea, reviewer=r, assigned_by=by if getattr(by, "is_authenticated", False) else None,
                                               assigned_at=now, due_at=due_at) for r in reviewers])
    due_text = timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M")
    notify(users=reviewers, subject=pgettext("idea", "Please review the idea “%(title)s”") % {"title": idea.title},
           body=pgettext("idea", "You are a reviewer of this golden idea. Please score it by %(due)s.") % {"due": due_text},
           url=idea.get_review_url(), webhook=False)
    return Move(params={"count": len(reviewers), "due": due_text})


def _check_reviewer(reviewer, authors: set[int], already: set[int]) -> None:
    """Refuse a reviewer who is no active judge or member of staff, an author of the idea, or (in force or
    replaced) already one of its reviewers."""
    profile = staff_profile(reviewer)
    name = profile.name if profile else reviewer.get_username()
    if profile is None or not profile.is_active or profile.role not in REVIEWER_ROLES:
        raise TransitionError(pgettext("idea", "%(name)s cannot review ideas (judges and staff members can).") % {"name": name})
    if profile.pk in authors:
        raise TransitionError(pgettext("idea", "%(name)s is an author of this idea and cannot review it.") % {"name": name})
    if reviewer.pk in already:
        raise TransitionError(pgettext("idea", "%(name)s is already a reviewer of this idea.") % {"name": name})


def _replace(idea, *, by, now, note, assignment=None, reviewer=None, reason: str = "", conflict: bool = False, **params) -> Move:
    """Replace a reviewer in force who has not scored — or, for a conflict of interest, one who has — by another, with
    a reason. The old assignment stays as a record (replaced: no access, its sheets no longer count); the new reviewer
    gets a fresh deadline from the round's review commitment and is told."""
    reason = _reason(reason, pgettext("idea", "Say why the reviewer is replaced."))
    if assignment is None or assignment.idea_id != idea.pk:
        raise TransitionError(pgettext("idea", "Choose the reviewer to replace."))
    old = Assignment.objects.select_for_update().get(pk=assignment.pk)  # no join: PostgreSQL locks no outer join's nullable side
    if old.replaced_at is not None:
        raise TransitionError(pgettext("idea", "This reviewer has already been replaced."))
    old_name = getattr(getattr(old.reviewer, "staff", None), "name", "") or old.reviewer.get_username()
    if old.submitted_at is not None and not conflict:
        raise TransitionError(pgettext("idea", "%(name)s has already scored: a reviewer who has scored is replaced only for a "
                                               "conflict of interest.") % {"name": old_name})
    if reviewer is None:
        raise TransitionError(pgettext("idea", "Choose the new reviewer."))
    _check_reviewer(reviewer, author_staff_ids(idea), set(Assignment.objects.filter(idea=idea).values_list("reviewer_id", flat=True)))
    due_at = now + dt.timedelta(days=idea.round.review_days)
    new = Assignment.objects.create(idea=idea, reviewer=reviewer, assigned_by=by if getattr(by, "is_authenticated", False) else None,
                                    assigned_at=now, due_at=due_at)
    old.replaced_at, old.replaced_by, old.replacement_reason, old.replaced_with = (
        now, by if getattr(by, "is_authenticated", False) else None, reason[:300], new)
    old.save(update_fields=["replaced_at", "replaced_by", "replacement_reason", "replaced_with"])
    if old.submitted_at is not None:  # the replaced reviewer's sheet no longer counts
        from .services import mean_score

        idea.score = mean_score(Assignment.objects.current().filter(idea=idea).values_list("total", flat=True))
    due_text = timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M")
    notify(users=[reviewer], subject=pgettext("idea", "Please review the idea “%(title)s”") % {"title": idea.title},
           body=pgettext("idea", "You are a reviewer of this golden idea. Please score it by %(due)s.") % {"due": due_text},
           url=idea.get_review_url(), webhook=False)
    notify(users=[old.reviewer], subject=pgettext("idea", "You no longer review the idea “%(title)s”") % {"title": idea.title},
           body=reason, url="", webhook=False)
    # The reviewers are kept by id, not named: the authors read the history.
    return Move(params={"reason": reason[:300], "due": due_text, "conflict": bool(conflict), "old": old.reviewer_id,
                        "new": reviewer.pk})


def _adopt(idea, *, by, now, note, owner=None, reason: str = "", **params) -> Move:
    if not Assignment.objects.filter(idea=idea, submitted_at__isnull=False).exists():
        raise TransitionError(pgettext("idea", "No reviewer has scored this idea yet."))
    profile = staff_profile(owner) if owner is not None else None
    if profile is None or not profile.is_active:
        raise TransitionError(pgettext("idea", "Choose the member of staff who owns the implementation."))
    idea.owner = owner
    idea.decided_at = idea.adopted_at = now
    idea.decision_reason = (reason or "").strip()[:1000]
    notify(users=[*authors_users(idea), owner], subject=pgettext("idea", "Idea adopted: %(title)s") % {"title": idea.title},
           body=pgettext("idea", "Implementation owner: %(owner)s.") % {"owner": profile.name}, url=idea.get_absolute_url(), webhook=False)
    from .services import record_campaign_evidence

    record_campaign_evidence(idea)  # 三(六): the department's activity carried by ideas
    return Move(params={"owner": profile.name})


def _decline(idea, *, by, now, note, reason: str = "", **params) -> Move:
    idea.decision_reason = _reason(reason, pgettext("idea", "Say why the idea is not adopted: the author reads it."))
    idea.decided_at = now
    notify(users=authors_users(idea), subject=pgettext("idea", "Idea not adopted: %(title)s") % {"title": idea.title},
           body=idea.decision_reason, url=idea.get_absolute_url(), webhook=False)
    return Move(params={"reason": idea.decision_reason})


def _reopen(idea, *, by, now, note, **params) -> Move:
    idea.decided_at = None
    return Move()


def _complete(idea, *, by, now, note, **params) -> Move:
    idea.implemented_at = now
    notify(users=list(idea.round.verifiers.all()), supervisors=True,
           subject=pgettext("idea", "Implemented, benefit to be measured: %(title)s") % {"title": idea.title},
           body=idea.title, url=idea.get_absolute_url(), webhook=False)
    return Move()


def _verify(idea, *, by, now, note, **params) -> Move:
    measurement = Measurement.objects.select_for_update().filter(idea=idea, verified_at__isnull=True, returned_at__isnull=True).first()
    if measurement is None:
        raise TransitionError(pgettext("idea", "No measurement is waiting for verification: the owner records one first."))
    measurement.verified_by, measurement.verified_at = by, now
    measurement.save(update_fields=["verified_by", "verified_at"])
    idea.verified_at = now
    idea.verified_yuan = measurement.saving_yuan
    idea.verified_kwh = measurement.saving if measurement.unit == Measurement.Unit.KWH else None
    idea.verified_water = measurement.saving if measurement.unit == Measurement.Unit.WATER else None
    notify(users=authors_users(idea) + ([idea.owner] if idea.owner_id else []),
           subject=pgettext("idea", "Benefit verified: %(title)s") % {"title": idea.title},
           body=idea.title, url=idea.get_absolute_url(), webhook=False)
    return Move(params={"yuan": str(measurement.saving_yuan) if measurement.saving_yuan is not None else "—"})


def _award(idea, *, by, now, note, tier: str = "", **params) -> Move:
    if tier not in Tier.values:
        raise TransitionError(pgettext("idea", "Choose the award."))
    from .services import new_certificate_serial

    idea.award_tier, idea.awarded_at = tier, now
    idea.certificate_serial = new_certificate_serial(timezone.localtime(now).year)
    notify(users=authors_users(idea), subject=pgettext("idea", "Your idea was awarded: %(title)s") % {"title": idea.title},
           body=str(Tier(tier).label), url=idea.get_absolute_url(), webhook=False)
    return Move(params={"tier": tier})


def _stop(idea, *, by, now, note, reason: str = "", **params) -> Move:
    idea.stop_reason = _reason(reason, pgettext("idea", "Say why the implementation stops."))
    notify(users=authors_users(idea), **coordinators_of(idea.round),
           subject=pgettext("idea", "Implementation stopped: %(title)s") % {"title": idea.title},
           body=idea.stop_reason, url=idea.get_absolute_url(), webhook=False)
    return Move(params={"reason": idea.stop_reason})


def _resubmitter(user, idea) -> bool:
    return is_author(user, idea)


class IdeaFlow(Workflow):
    model = Idea
    transitions = (
        Transition("accept", sources=(Status.SUBMITTED,), target=Status.SCREENED, label=pgettext_lazy("idea", "Accept for review"),
                   roles=COORDINATORS, check=is_coordinator, handler=_accept, sentence=pgettext_lazy("idea", "Accepted for review")),
        Transition("return", sources=(Status.SUBMITTED, Status.SCREENED), target=Status.RETURNED,
                   label=pgettext_lazy("idea", "Return to the author"), roles=COORDINATORS, check=is_coordinator, handler=_return,
                   sentence=pgettext_lazy("idea", "Returned to the author: %(reason)s")),
        Transition("resubmit", sources=(Status.RETURNED,), target=Status.SUBMITTED, label=pgettext_lazy("idea", "Send again"),
                   roles=EVERYONE, check=_resubmitter, handler=_resubmit, sentence=pgettext_lazy("idea", "Sent again by the author")),
        Transition("merge", sources=MERGEABLE, target=Status.MERGED, label=pgettext_lazy("idea", "Merge into another idea"),
                   roles=COORDINATORS, check=is_coordinator, handler=_merge,
                   sentence=pgettext_lazy("idea", "Merged into “%(target)s”")),
        # The status before the merge comes back (the handler returns it).
        Transition("unmerge", sources=(Status.MERGED,), target=None, label=pgettext_lazy("idea", "Undo the merge"),
                   roles=COORDINATORS, check=is_coordinator, handler=_unmerge,
                   sentence=pgettext_lazy("idea", "Merge into “%(target)s” undone")),
        Transition("assign", sources=(Status.SCREENED, Status.REVIEW), target=Status.REVIEW, label=pgettext_lazy("idea", "Assign reviewers"),
                   roles=COORDINATORS, check=is_coordinator, handler=_assign,
                   sentence=pgettext_lazy("idea", "%(count)s reviewer(s) assigned, to score by %(due)s")),
        Transition("replace", sources=(Status.REVIEW,), target=Status.REVIEW, label=pgettext_lazy("idea", "Replace a reviewer"),
                   roles=COORDINATORS, check=is_coordinator, handler=_replace,
                   sentence=pgettext_lazy("idea", "A reviewer was replaced (%(reason)s); the new reviewer scores by %(due)s")),
        Transition("adopt", sources=(Status.REVIEW,), target=Status.ADOPTED, label=pgettext_lazy("idea", "Adopt"),
                   roles=COORDINATORS, check=is_coordinator, handler=_adopt,
                   sentence=pgettext_lazy("idea", "Adopted; implementation owner: %(owner)s"), public=True),
        Transition("decline", sources=(Status.REVIEW,), target=Status.NOT_ADOPTED, label=pgettext_lazy("idea", "Do not adopt"),
                   roles=COORDINATORS, check=is_coordinator, handler=_decline,
                   sentence=pgettext_lazy("idea", "Not adopted: %(reason)s")),
        Transition("reopen", sources=(Status.NOT_ADOPTED,), target=Status.REVIEW, label=pgettext_lazy("idea", "Reopen the review"),
                   roles=COORDINATORS, check=is_coordinator, handler=_reopen, sentence=pgettext_lazy("idea", "Review reopened")),
        Transition("start", sources=(Status.ADOPTED,), target=Status.IMPLEMENTING, label=pgettext_lazy("idea", "Start implementing"),
                   roles=EVERYONE, check=manages_implementation, sentence=pgettext_lazy("idea", "Implementation started"), public=True),
        Transition("complete", sources=(Status.IMPLEMENTING,), target=Status.IMPLEMENTED, label=pgettext_lazy("idea", "Implementation done"),
                   roles=EVERYONE, check=manages_implementation, handler=_complete,
                   sentence=pgettext_lazy("idea", "Implementation done"), public=True),
        Transition("verify", sources=(Status.IMPLEMENTED,), target=Status.MEASURED, label=pgettext_lazy("idea", "Confirm the measured benefit"),
                   roles=EVERYONE, check=may_verify, handler=_verify,
                   sentence=pgettext_lazy("idea", "Measured benefit verified: %(yuan)s yuan per year"), public=True),
        Transition("award", sources=(Status.MEASURED,), target=Status.AWARDED, label=pgettext_lazy("idea", "Award"),
                   roles=COORDINATORS, check=is_coordinator, handler=_award, sentence=pgettext_lazy("idea", "Awarded"), public=True),
        Transition("stop", sources=(Status.ADOPTED, Status.IMPLEMENTING, Status.IMPLEMENTED), target=Status.STOPPED,
                   label=pgettext_lazy("idea", "Stop the implementation"), roles=EVERYONE, check=manages_implementation,
                   handler=_stop, sentence=pgettext_lazy("idea", "Implementation stopped: %(reason)s")),
    )
    notes = {
        "escalate": pgettext_lazy("idea", "Review overdue since %(due)s: the coordinators were told"),
        "measured": pgettext_lazy("idea", "Benefit measured: %(saving)s per year; waiting for verification"),
        "measurement_returned": pgettext_lazy("idea", "Measurement returned: %(reason)s"),
        "milestone": pgettext_lazy("idea", "Step done: %(title)s"),
        "scored": pgettext_lazy("idea", "A review was submitted"),
    }

    def after(self, obj, transition, event) -> None:
        target = getattr(obj, "_recount", None)
        if target is not None:  # a merge or its undoing changes who supports the target
            from .services import recount_supports

            recount_supports(target)


IDEA = register(IdeaFlow())
