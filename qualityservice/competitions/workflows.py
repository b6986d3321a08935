"""The competition's statuses, each on the platform's one engine (``core.workflow``); nothing else assigns them.

``COMPETITION`` (Competition.status)::

    draft ──announce──▶ signup ──start──▶ running ──finish──▶ finished        (start/finish: the rounds' moves)
    draft / signup / running ──cancel──▶ cancelled                           (organiser, with a reason)

``ROUND`` (Round.status)::

    draft ──open──▶ scoring ──close──▶ review ──verify──▶ verified ──publish──▶ notice (公示) ──finalise──▶ final
                    scoring ◀─reopen── review ◀─unverify── verified            review ◀──revise── notice

    open: freezes the rubric, makes the entries and the sheets (conflicts → reserves); close: every sheet
    submitted, finds the anomalies; verify: no open flag, every sheet confirmed, stores the standings;
    publish: the public notice with its objection window; finalise: the window over and every objection
    answered, carries the finalists over to the next round (or finishes the competition).

``CONTESTANT``: applied ──approve──▶ approved; applied ──reject──▶ rejected; applied / approved ──withdraw──▶ withdrawn.

``SHEET`` (Sheet.status)::

    draft / returned ──submit──▶ submitted ──confirm──▶ confirmed          (submit: the judge; confirm: chief judge)
    submitted ──correct──▶ submitted (the next version, with a reason)     submitted / confirmed ──return──▶ returned
    any but blocked ──block──▶ blocked (a declared conflict of interest; a reserve takes over)

``FLAG``: open ──accept──▶ accepted (with a note); open ──return──▶ returned (the sheet goes back to its judge);
open ──supersede──▶ superseded (checking again: it no longer applies; the engine's job only).

``OBJECTION``: open ──answer──▶ answered.   ``CERTIFICATE``: valid ──revoke──▶ revoked (with a reason).

Every move is recorded in ``core.WorkflowEvent`` with its parameters; ``describe`` renders the sentence.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import pgettext, pgettext_lazy

from qualityservice.core.notifications import notify
from qualityservice.core.permissions import can_see_department
from qualityservice.core.workflow import Move, Transition, TransitionError, Workflow, register

from . import access
from .models import Certificate, Competition, Contestant, Flag, Objection, Round, Sheet, Via

ALL = access.ALL_ROLES
MANAGERS = access.MANAGERS


def _organiser(user, obj) -> bool:
    competition = obj if isinstance(obj, Competition) else obj.competition
    return access.can_organise(user, competition)


def _reason(note: str, reason: str = "") -> str:
    text = (reason or note or "").strip()
    if not text:
        raise TransitionError({"reason": [pgettext("competition", "Give a reason.")]})
    return text[:300]


# --- Competition -----------------------------------------------------------------------------------------

CS = Competition.Status


def _announce(competition: Competition, *, by, now, note, **params) -> Move:
    from .services import announce_errors

    errors = announce_errors(competition)
    if errors:
        raise TransitionError(errors)
    if competition.is_group_wide:
        from qualityservice.org.models import Department

        centres = list(Department.objects.centres().values_list("pk", flat=True))
        notify(heads_of=centres, subject=pgettext("competition", "Skills competition open for sign-up: %(title)s") % {"title": competition.title},
               body=competition.description or competition.title, url=competition.get_absolute_url(), webhook=True)
    return Move()


def _finish(competition: Competition, *, by, now, note, **params) -> Move:
    competition.finished_at = now
    return Move()


def _cancel(competition: Competition, *, by, now, note, reason: str = "", **params) -> Move:
    return Move(params={"reason": _reason(note, reason)})


class CompetitionFlow(Workflow):
    model = Competition
    transitions = (
        Transition("announce", sources=(CS.DRAFT,), target=CS.SIGNUP, label=pgettext_lazy("competition", "Open for sign-up"),
                   roles=MANAGERS, check=_organiser, handler=_announce, sentence=pgettext_lazy("competition", "Opened for sign-up")),
        # The first round's opening starts the competition, the last round's finalisation finishes it.
        Transition("start", sources=(CS.SIGNUP,), target=CS.RUNNING, label=pgettext_lazy("competition", "Start"),
                   sentence=pgettext_lazy("competition", "Started: the first round opened for scoring")),
        Transition("finish", sources=(CS.RUNNING,), target=CS.FINISHED, label=pgettext_lazy("competition", "Finish"), handler=_finish,
                   sentence=pgettext_lazy("competition", "Finished: the final results are out")),
        Transition("cancel", sources=(CS.DRAFT, CS.SIGNUP, CS.RUNNING), target=CS.CANCELLED,
                   label=pgettext_lazy("competition", "Cancel the competition"), roles=MANAGERS, check=_organiser, handler=_cancel,
                   sentence=pgettext_lazy("competition", "Cancelled: %(reason)s")),
    )

    def in_scope(self, user, obj) -> bool:
        return access.can_organise(user, obj)


COMPETITION = register(CompetitionFlow())


# --- Rounds ---------------------------------------------------------------------------------------------------

RS = Round.Status


def _round_organiser(user, rnd: Round) -> bool:
    return access.can_organise(user, rnd.competition)


def _organiser_or_chief(user, rnd: Round) -> bool:
    return access.can_organise(user, rnd.competition) or access.is_chief_of(user, rnd.competition_id)


def _open(rnd: Round, *, by, now, note, **params) -> Move:
    from .services import prepare_round

    made = prepare_round(rnd, now=now)
    competition = Competition.objects.get(pk=rnd.competition_id)
    if competition.status == CS.SIGNUP:
        COMPETITION.apply(competition, "start", by=by, system=True)
    return Move(params={"entries": made["entries"], "sheets": made["sheets"], "rubric": made["rubric"]})


def _close(rnd: Round, *, by, now, note, **params) -> Move:
    from .services import detect_flags, unsubmitted

    waiting = unsubmitted(rnd)
    if waiting:
        raise TransitionError(pgettext("competition", "%(n)d score sheets are not submitted yet: %(sheets)s.") % {
            "n": len(waiting), "sheets": pgettext("competition", ", ").join(waiting[:8]) + ("…" if len(waiting) > 8 else "")})
    found = detect_flags(rnd)
    if found["open"]:
        notify(users=found["chief_users"], subject=pgettext("competition", "Anomalies to resolve: %(round)s") % {"round": str(rnd)},
               body=pgettext("competition", "%(n)d flags wait for the chief judge.") % {"n": found["open"]},
               url=rnd.get_absolute_url(), webhook=False)
    return Move(params={"flags": found["open"]})


def _reopen(rnd: Round, *, by, now, note, **params) -> Move:
    if rnd.scoring_closes_at <= now:
        raise TransitionError(pgettext("competition", "The scoring window has ended: move its end first (edit the round)."))
    return Move()


def _verify(rnd: Round, *, by, now, note, **params) -> Move:
    from .services import store_results, verify_errors

    errors = verify_errors(rnd)
    if errors:
        raise TransitionError(errors)
    results = store_results(rnd)
    return Move(params={"entries": len(results)})


def _publish(rnd: Round, *, by, now, note, **params) -> Move:
    from .services import notify_published, record_campaign_evidence

    competition = rnd.competition
    rnd.published_at = now
    rnd.notice_until = now + timezone.timedelta(days=competition.objection_days)
    notify_published(rnd)
    record_campaign_evidence(competition)  # 三(四): the organising department's activity carried by competitions
    return Move(params={"until": timezone.localtime(rnd.notice_until).strftime("%Y-%m-%d %H:%M")})


def _revise(rnd: Round, *, by, now, note, reason: str = "", **params) -> Move:
    rnd.published_at = None
    rnd.notice_until = None
    return Move(params={"reason": _reason(note, reason)})


def _finalise(rnd: Round, *, by, now, note, **params) -> Move:
    from .services import carry_over

    if rnd.notice_until and now < rnd.notice_until:
        raise TransitionError(pgettext("competition", "The objection window is open until %(until)s.") % {
            "until": timezone.localtime(rnd.notice_until).strftime("%Y-%m-%d %H:%M")})
    if rnd.objections.filter(status=Objection.Status.OPEN).exists():
        raise TransitionError(pgettext("competition", "Answer every objection first."))
    rnd.finalised_at = now
    moved = carry_over(rnd)
    return Move(params={"advanced": moved})


def _unverify(rnd: Round, *, by, now, note, reason: str = "", **params) -> Move:
    return Move(params={"reason": _reason(note, reason)})


class RoundFlow(Workflow):
    model = Round
    transitions = (
        Transition("open", sources=(RS.DRAFT,), target=RS.SCORING, label=pgettext_lazy("competition", "Open scoring"), roles=MANAGERS,
                   check=_round_organiser, handler=_open,
                   sentence=pgettext_lazy("competition", "Scoring opened: %(entries)s contestants, %(sheets)s sheets, rubric v%(rubric)s")),
        Transition("close", sources=(RS.SCORING,), target=RS.REVIEW, label=pgettext_lazy("competition", "Close scoring"), roles=ALL,
                   check=_organiser_or_chief, handler=_close,
                   sentence=pgettext_lazy("competition", "Scoring closed: %(flags)s flags to resolve")),
        Transition("reopen", sources=(RS.REVIEW,), target=RS.SCORING, label=pgettext_lazy("competition", "Reopen scoring"),
                   roles=MANAGERS, check=_round_organiser, handler=_reopen, sentence=pgettext_lazy("competition", "Scoring reopened")),
        Transition("verify", sources=(RS.REVIEW,), target=RS.VERIFIED, label=pgettext_lazy("competition", "Verify the results"),
                   roles=ALL, check=_organiser_or_chief, handler=_verify,
                   sentence=pgettext_lazy("competition", "Results verified (%(entries)s contestants)")),
        Transition("unverify", sources=(RS.VERIFIED,), target=RS.REVIEW, label=pgettext_lazy("competition", "Back to review"),
                   roles=ALL, check=_organiser_or_chief, handler=_unverify,
                   sentence=pgettext_lazy("competition", "Back to review: %(reason)s")),
        Transition("publish", sources=(RS.VERIFIED,), target=RS.NOTICE, label=pgettext_lazy("competition", "Publish (public notice)"),
                   roles=MANAGERS, check=_round_organiser, handler=_publish,
                   sentence=pgettext_lazy("competition", "Published for public notice; objections until %(until)s")),
        Transition("revise", sources=(RS.NOTICE,), target=RS.REVIEW, label=pgettext_lazy("competition", "Withdraw for revision"),
                   roles=MANAGERS, check=_round_organiser, handler=_revise,
                   sentence=pgettext_lazy("competition", "Withdrawn for revision: %(reason)s")),
        Transition("finalise", sources=(RS.NOTICE,), target=RS.FINAL, label=pgettext_lazy("competition", "Make final"), roles=MANAGERS,
                   check=_round_organiser, handler=_finalise, sentence=pgettext_lazy("competition", "Results made final")),
    )

    def in_scope(self, user, obj) -> bool:
        return can_see_department(user, obj.competition.department_id) or access.is_chief_of(user, obj.competition_id)


ROUND = register(RoundFlow())


# --- Contestants ---------------------------------------------------------------------------------------------

KS = Contestant.Status


def _contestant_organiser(user, contestant: Contestant) -> bool:
    return access.can_organise(user, contestant.competition)


def _may_withdraw(user, contestant: Contestant) -> bool:
    """Before the competition is under way: the contestant, their head or the organiser."""
    return (contestant.competition.status in (CS.DRAFT, CS.SIGNUP)
            and access.can_sign_up(user, contestant.competition, contestant.staff))


def _approve(contestant: Contestant, *, by, now, note, **params) -> Move:
    if contestant.competition.status not in (CS.SIGNUP, CS.DRAFT):
        raise TransitionError(pgettext("competition", "Sign-up is over: contestants are approved before the first round opens."))
    contestant.approved_at = now
    if contestant.staff.user_id:
        notify(users=[contestant.staff.user], subject=pgettext("competition", "Sign-up approved: %(title)s") % {
            "title": contestant.competition.title}, body=pgettext("competition", "Your contestant number is %(n)s.") % {"n": contestant.number},
            url="", webhook=False)
    return Move(params={"number": contestant.number})


def _reject(contestant: Contestant, *, by, now, note, reason: str = "", **params) -> Move:
    return Move(params={"reason": _reason(note, reason)})


def _withdraw(contestant: Contestant, *, by, now, note, **params) -> Move:
    if contestant.entries.exclude(round__status=RS.DRAFT).exists():
        raise TransitionError(pgettext("competition", "The contestant is already being scored."))
    return Move()


class ContestantFlow(Workflow):
    model = Contestant
    transitions = (
        Transition("approve", sources=(KS.APPLIED,), target=KS.APPROVED, label=pgettext_lazy("competition", "Approve"), roles=MANAGERS,
                   check=_contestant_organiser, handler=_approve, sentence=pgettext_lazy("competition", "Approved as number %(number)s")),
        Transition("reject", sources=(KS.APPLIED,), target=KS.REJECTED, label=pgettext_lazy("competition", "Do not approve"),
                   roles=MANAGERS, check=_contestant_organiser, handler=_reject,
                   sentence=pgettext_lazy("competition", "Not approved: %(reason)s")),
        Transition("withdraw", sources=(KS.APPLIED, KS.APPROVED), target=KS.WITHDRAWN, label=pgettext_lazy("competition", "Withdraw"),
                   roles=ALL, check=_may_withdraw, handler=_withdraw, sentence=pgettext_lazy("competition", "Withdrawn")),
    )


CONTESTANT = register(ContestantFlow())


# --- Sheets -----------------------------------------------------------------------------------------------------

SS = Sheet.Status


def _own_sheet(user, sheet: Sheet) -> bool:
    return access.is_judge_of(user, sheet)


def _chief(user, sheet: Sheet) -> bool:
    return access.is_chief_of(user, sheet.round.competition_id)


def _sheet_organiser(user, sheet: Sheet) -> bool:
    return access.can_organise(user, sheet.round.competition)


def _submitter(user, sheet: Sheet) -> bool:
    """The judge; for a paper sheet typed in by a clerk, the organiser."""
    return access.is_judge_of(user, sheet) or access.can_organise(user, sheet.round.competition)


def _submit(sheet: Sheet, *, by, now, note, reason: str = "", via: str = Via.SIGNED_IN, **params) -> Move:
    from .services import record_version

    correction = sheet.version >= 1
    reason = _reason(note, reason) if correction else (reason or note or "").strip()[:300]
    number = record_version(sheet, by=by, now=now, reason=reason, via=via)
    sheet.submitted_at = now
    sheet.returned_reason = ""
    return Move(params={"version": number, "via": via, "reason": reason})


def _correct(sheet: Sheet, *, by, now, note, values=None, reason: str = "", via: str = Via.SIGNED_IN, **params) -> Move:
    from .services import apply_values, record_version

    reason = _reason(note, reason)
    apply_values(sheet, values or {}, by=by, via=via, reason=reason, now=now)
    number = record_version(sheet, by=by, now=now, reason=reason, via=via)
    sheet.submitted_at = now
    return Move(params={"version": number, "via": via, "reason": reason})


def _confirm(sheet: Sheet, *, by, now, note, version: int | None = None, **params) -> Move:
    from .services import confirm_errors

    if version is not None and int(version) != sheet.version:
        raise TransitionError(pgettext("competition", "The judge corrected this sheet meanwhile (now version %(v)s): check it again.")
                              % {"v": sheet.version})
    errors = confirm_errors(sheet)
    if errors:
        raise TransitionError(errors)
    sheet.confirmed_at, sheet.confirmed_by = now, by if getattr(by, "is_authenticated", False) else None
    return Move(params={"version": sheet.version})


def _return(sheet: Sheet, *, by, now, note, reason: str = "", **params) -> Move:
    if sheet.round.status not in (RS.SCORING, RS.REVIEW):
        raise TransitionError(pgettext("competition", "A sheet goes back to its judge only while the round is scored or reviewed."))
    text = _reason(note, reason)
    sheet.returned_reason = text
    sheet.confirmed_at, sheet.confirmed_by = None, None
    user = sheet.appointment.staff.user
    if user is not None:
        notify(users=[user], subject=pgettext("competition", "Score sheet returned: %(sheet)s") % {"sheet": str(sheet.entry)},
               body=text, url="", webhook=False)
    return Move(params={"reason": text, "version": sheet.version})


def _block(sheet: Sheet, *, by, now, note, reason: str = "", **params) -> Move:
    text = _reason(note, reason)
    sheet.blocked_reason = text
    return Move(params={"reason": text})


class SheetFlow(Workflow):
    model = Sheet
    transitions = (
        Transition("submit", sources=(SS.DRAFT, SS.RETURNED), target=SS.SUBMITTED, label=pgettext_lazy("competition", "Submit the sheet"),
                   roles=ALL, check=_submitter, handler=_submit, sentence=pgettext_lazy("competition", "Version %(version)s submitted")),
        Transition("correct", sources=(SS.SUBMITTED,), target=SS.SUBMITTED, label=pgettext_lazy("competition", "Correct"), roles=ALL,
                   check=_own_sheet, handler=_correct,
                   sentence=pgettext_lazy("competition", "Corrected: version %(version)s (%(reason)s)")),
        Transition("confirm", sources=(SS.SUBMITTED,), target=SS.CONFIRMED, label=pgettext_lazy("competition", "Confirm"), roles=ALL,
                   check=_chief, handler=_confirm, sentence=pgettext_lazy("competition", "Version %(version)s confirmed by the chief judge")),
        Transition("return", sources=(SS.SUBMITTED, SS.CONFIRMED), target=SS.RETURNED, label=pgettext_lazy("competition", "Return to the judge"),
                   roles=ALL, check=_chief, handler=_return, sentence=pgettext_lazy("competition", "Returned to the judge: %(reason)s")),
        Transition("block", sources=(SS.DRAFT, SS.RETURNED, SS.SUBMITTED, SS.CONFIRMED), target=SS.BLOCKED,
                   label=pgettext_lazy("competition", "Block (conflict of interest)"), roles=MANAGERS, check=_sheet_organiser,
                   handler=_block, sentence=pgettext_lazy("competition", "Blocked: %(reason)s")),
    )


SHEET = register(SheetFlow())


# --- Flags -----------------------------------------------------------------------------------------------------

FS = Flag.Status


def _flag_chief(user, flag: Flag) -> bool:
    """The chief judge resolves the flags; so may the organiser (who answers for the published results)."""
    return access.is_chief_of(user, flag.round.competition_id) or access.can_organise(user, flag.round.competition)


def _flag_open_round(flag: Flag) -> None:
    if flag.round.status not in (RS.SCORING, RS.REVIEW):
        raise TransitionError(pgettext("competition", "Flags are resolved while the round is under review."))


def _accept(flag: Flag, *, by, now, note, **params) -> Move:
    _flag_open_round(flag)
    flag.note = _reason(note, params.get("reason", ""))
    flag.resolved_by, flag.resolved_at = by if getattr(by, "is_authenticated", False) else None, now
    return Move(params={"note": flag.note})


def _flag_return(flag: Flag, *, by, now, note, sheet=None, **params) -> Move:
    _flag_open_round(flag)
    target = sheet or flag.sheet
    if target is None or target.round_id != flag.round_id or (flag.entry_id and target.entry_id != flag.entry_id):
        raise TransitionError({"sheet": [pgettext("competition", "Choose the sheet to return.")]})
    text = _reason(note, params.get("reason", ""))
    SHEET.apply(target, "return", by=by, system=True, reason=text)
    flag.note = text
    flag.sheet = target
    flag.resolved_by, flag.resolved_at = by if getattr(by, "is_authenticated", False) else None, now
    return Move(params={"note": text, "sheet": str(target)})


def _supersede(flag: Flag, *, by, now, note, **params) -> Move:
    flag.resolved_at = now
    return Move()


class FlagFlow(Workflow):
    model = Flag
    transitions = (
        Transition("accept", sources=(FS.OPEN,), target=FS.ACCEPTED, label=pgettext_lazy("competition", "Accept the scores"), roles=ALL,
                   check=_flag_chief, handler=_accept, sentence=pgettext_lazy("competition", "Accepted: %(note)s")),
        Transition("return", sources=(FS.OPEN,), target=FS.RETURNED, label=pgettext_lazy("competition", "Return the sheet"), roles=ALL,
                   check=_flag_chief, handler=_flag_return, sentence=pgettext_lazy("competition", "Sheet %(sheet)s returned: %(note)s")),
        Transition("supersede", sources=(FS.OPEN,), target=FS.SUPERSEDED, label=pgettext_lazy("competition", "No longer applies"),
                   handler=_supersede, sentence=pgettext_lazy("competition", "No longer applies: the scores changed")),
    )


FLAG = register(FlagFlow())


# --- Objections and certificates ---------------------------------------------------------------------------------

OS = Objection.Status


def _objection_organiser(user, objection: Objection) -> bool:
    return access.can_organise(user, objection.round.competition)


def _answer(objection: Objection, *, by, now, note, answer: str = "", **params) -> Move:
    text = (answer or note or "").strip()
    if not text:
        raise TransitionError({"answer": [pgettext("competition", "Write the answer.")]})
    objection.answer = text[:2000]
    objection.answered_by, objection.answered_at = by if getattr(by, "is_authenticated", False) else None, now
    if objection.raised_by_id:
        notify(users=[objection.raised_by], subject=pgettext("competition", "Your objection was answered: %(round)s") % {
            "round": str(objection.round)}, body=objection.answer, url="", webhook=False)
    return Move()


class ObjectionFlow(Workflow):
    model = Objection
    transitions = (
        Transition("answer", sources=(OS.OPEN,), target=OS.ANSWERED, label=pgettext_lazy("competition", "Answer"), roles=MANAGERS,
                   check=_objection_organiser, handler=_answer, sentence=pgettext_lazy("competition", "Objection answered")),
    )


OBJECTION = register(ObjectionFlow())

CertS = Certificate.Status


def _certificate_organiser(user, certificate: Certificate) -> bool:
    return access.can_organise(user, certificate.competition)


def _revoke(certificate: Certificate, *, by, now, note, reason: str = "", **params) -> Move:
    certificate.revoked_reason = _reason(note, reason)
    certificate.revoked_at = now
    return Move(params={"reason": certificate.revoked_reason})


class CertificateFlow(Workflow):
    model = Certificate
    transitions = (
        Transition("revoke", sources=(CertS.VALID,), target=CertS.REVOKED, label=pgettext_lazy("competition", "Revoke"), roles=MANAGERS,
                   check=_certificate_organiser, handler=_revoke, sentence=pgettext_lazy("competition", "Revoked: %(reason)s")),
    )


CERTIFICATE = register(CertificateFlow())
