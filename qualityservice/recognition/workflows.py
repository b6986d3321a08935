"""``NOMINATION`` moves ``Nomination.status`` on the platform's one engine (``core.workflow``)::

    draft ──submit──▶ submitted ──close──▶ closed     (submit: head of the department or supervisor;
                      submitted ──expire─▶ closed      close: supervisor; expire: the hourly job only)

``NOMINATION.apply(nomination, action, by=user)`` locks the row, checks the status, the role and the department
scope, runs the handler, saves and records one ``core.WorkflowEvent`` (action, parameters, who, when —
never a finished sentence: ``NOMINATION.describe`` renders it in the reader's language). Nothing else assigns
``status`` (a test scans the source)."""

from __future__ import annotations

from django.utils.translation import pgettext, pgettext_lazy

from qualityservice.core.notifications import notify
from qualityservice.core.permissions import can_see_department
from qualityservice.core.roles import Role
from qualityservice.core.workflow import Move, Transition, TransitionError, Workflow, register

from .models import Nomination, Round

Status = Nomination.Status


def _submit(nomination: Nomination, *, by, now, note, notify_supervisors: bool = True, **params) -> Move:
    nomination.submitted_at = now
    if nomination.round_id is not None:  # the supporting facts, read from live data at submission
        from .services import read_facts  # services imports this module

        nomination.facts, nomination.facts_at = read_facts([nomination])[nomination.pk], now
    if notify_supervisors:  # the outbox row is written in the move's transaction
        notify(supervisors=True, subject=pgettext("nomination", "Nomination to close: %(title)s") % {"title": nomination.title},
               body=nomination.title, url=nomination.get_absolute_url(), webhook=False)
    return Move()


def _close(nomination: Nomination, *, by, now, note, **params) -> Move:
    nomination.closed_at = now
    return Move()


def _expire(nomination: Nomination, *, by, now, note, days: int = 0, **params) -> Move:
    nomination.closed_at = now
    return Move(params={"days": days})


class NominationFlow(Workflow):
    model = Nomination
    transitions = (
        Transition("submit", sources=(Status.DRAFT,), target=Status.SUBMITTED, label=pgettext_lazy("nomination", "Submit"),
                   roles=(Role.HEAD, Role.SUPERVISOR), handler=_submit, sentence=pgettext_lazy("nomination", "Submitted for closing")),
        Transition("close", sources=(Status.SUBMITTED,), target=Status.CLOSED, label=pgettext_lazy("nomination", "Close"),
                   roles=(Role.SUPERVISOR,), handler=_close, sentence=pgettext_lazy("nomination", "Closed"),
                   # Cannot be undone: the button asks first, naming the consequence (data-confirm).
                   confirm=pgettext_lazy("nomination", "Close this nomination? It cannot be edited or moved again.")),
        # No roles: only a job takes it (``system=True``).
        Transition("expire", sources=(Status.SUBMITTED,), target=Status.CLOSED, handler=_expire,
                   label=pgettext_lazy("nomination", "Close automatically"),
                   sentence=pgettext_lazy("nomination", "Closed automatically after %(days)s days")),
    )

    def in_scope(self, user, obj) -> bool:
        return can_see_department(user, obj.department_id)


NOMINATION = register(NominationFlow())


# --- The round's stages ------------------------------------------------------------------------------------

RoundStatus = Round.Status


def _open_vote(rnd: Round, *, by, now, note, **params) -> Move:
    """The published weights of vote and jury are frozen from here on (``services.update_round`` refuses)."""
    if rnd.vote_weight + rnd.jury_weight != 100:
        raise TransitionError(pgettext("round", "The weights of vote and jury must add up to 100."))
    if not rnd.nominations.filter(status=Status.SUBMITTED).exclude(eligibility=Nomination.Eligibility.VETOED).exists():
        raise TransitionError(pgettext("round", "No eligible nomination to vote on."))
    rnd.weights_frozen_at = now
    return Move()


def _close_vote(rnd: Round, *, by, now, note, **params) -> Move:
    """Count the ballots once, into each nomination's stored counter (the results page reads only those)."""
    from .services import tally  # services imports this module

    tally(rnd)
    return Move()


def _publish(rnd: Round, *, by, now, note, **params) -> Move:
    """The results are computed and stored once (results.py); refused while jury sheets wait."""
    from .results import on_publish

    on_publish(rnd)
    return Move()


def _finalise(rnd: Round, *, by, now, note, **params) -> Move:
    from .results import on_final

    on_final(rnd)
    return Move()


def _stage(action, source, target, label, sentence, handler=None, confirm=None):
    return Transition(action, sources=(source,), target=target, label=label, roles=(Role.SUPERVISOR,),
                      handler=handler, sentence=sentence, confirm=confirm)


class RoundFlow(Workflow):
    model = Round
    transitions = (
        _stage("open_nominations", RoundStatus.DRAFT, RoundStatus.NOMINATING, pgettext_lazy("round", "Open nominations"),
               pgettext_lazy("round", "Nominations opened")),
        _stage("review", RoundStatus.NOMINATING, RoundStatus.REVIEWING, pgettext_lazy("round", "Start the eligibility review"),
               pgettext_lazy("round", "Eligibility review started")),
        _stage("open_vote", RoundStatus.REVIEWING, RoundStatus.VOTING, pgettext_lazy("round", "Open the vote"),
               pgettext_lazy("round", "Vote opened, weights frozen"), handler=_open_vote,
               confirm=pgettext_lazy("round", "Open the vote? The weights of vote and jury can no longer change.")),
        _stage("close_vote", RoundStatus.VOTING, RoundStatus.JUDGING, pgettext_lazy("round", "Close the vote"),
               pgettext_lazy("round", "Vote closed and counted"), handler=_close_vote,
               confirm=pgettext_lazy("round", "Close the vote? No ballot can be cast afterwards.")),
        _stage("publish", RoundStatus.JUDGING, RoundStatus.NOTICE, pgettext_lazy("round", "Publish the notice"),
               pgettext_lazy("round", "Public notice published"), handler=_publish),
        _stage("finalise", RoundStatus.NOTICE, RoundStatus.FINAL, pgettext_lazy("round", "Make final"),
               pgettext_lazy("round", "Made final"), handler=_finalise),
    )


ROUND = register(RoundFlow())


# --- The eligibility review (资格审查) of a nomination ---------------------------------------------------------

Eligibility = Nomination.Eligibility


def _in_review(nomination: Nomination) -> None:
    if nomination.status != Status.SUBMITTED or nomination.round_id is None or (
            nomination.round.status != RoundStatus.REVIEWING):
        raise TransitionError(pgettext("nomination", "Eligibility is checked while the round is in its eligibility review, "
                                                     "on submitted nominations."))


def _reasons(vetoes) -> str:
    return "；".join(v["reason"] for v in vetoes)


def _confirm(nomination: Nomination, *, by, now, note, **params) -> Move:
    """The supervisor confirms what the live data says: no veto → eligible; vetoes → vetoed, with their reasons."""
    from .services import vetoes  # services imports this module

    _in_review(nomination)
    found = vetoes([nomination])[nomination.pk]
    nomination.vetoes = [{"kind": v.kind, "reason": v.reason} for v in found]
    if found:
        return Move(to=Eligibility.VETOED, params={"reasons": _reasons(nomination.vetoes)})
    return Move(to=Eligibility.ELIGIBLE)


def _override(nomination: Nomination, *, by, now, note, reason: str = "", **params) -> Move:
    """The supervisor overrides the vetoes with a written reason (kept in the timeline with the vetoes overridden)."""
    from .services import vetoes

    _in_review(nomination)
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError(pgettext("nomination", "Give the reason for overriding the veto."))
    found = vetoes([nomination])[nomination.pk]
    nomination.vetoes = [{"kind": v.kind, "reason": v.reason} for v in found]
    return Move(params={"reason": reason[:500], "reasons": _reasons(nomination.vetoes) or "—"})


def _reopen_check(nomination: Nomination, *, by, now, note, **params) -> Move:
    _in_review(nomination)
    nomination.vetoes = []
    return Move()


class EligibilityFlow(Workflow):
    model = Nomination
    field = "eligibility"
    transitions = (
        Transition("confirm", sources=(Eligibility.PENDING,), label=pgettext_lazy("nomination", "Confirm the check"),
                   roles=(Role.SUPERVISOR,), handler=_confirm, sentence=pgettext_lazy("nomination", "Eligibility checked")),
        Transition("override", sources=(Eligibility.PENDING, Eligibility.VETOED), target=Eligibility.ELIGIBLE,
                   label=pgettext_lazy("nomination", "Override the veto"), roles=(Role.SUPERVISOR,), handler=_override,
                   sentence=pgettext_lazy("nomination", "Veto overridden (%(reasons)s): %(reason)s")),
        Transition("recheck", sources=(Eligibility.ELIGIBLE, Eligibility.VETOED), target=Eligibility.PENDING,
                   label=pgettext_lazy("nomination", "Check again"), roles=(Role.SUPERVISOR,), handler=_reopen_check,
                   sentence=pgettext_lazy("nomination", "Eligibility to be checked again")),
    )

    def describe(self, action: str, params: dict | None = None) -> str:
        if action == "confirm" and (params or {}).get("reasons"):
            return pgettext("nomination", "Vetoed: %(reasons)s") % {"reasons": params["reasons"]}
        if action == "confirm":
            return pgettext("nomination", "Eligible: no veto found")
        return super().describe(action, params)


ELIGIBILITY = register(EligibilityFlow())
