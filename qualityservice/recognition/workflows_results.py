"""The jury sheets' and the certificates' statuses on ``core.workflow``::

    JurySheet:    draft ──confirm──▶ confirmed          (the judge whose sheet it is, every score entered)
                  confirmed ──return──▶ draft           (only through a flag's return: the next version)
    JuryFlag:     open ──accept──▶ accepted             (supervisor, with a written reason)
                  open ──return──▶ returned             (supervisor, with a reason: the judge's sheet goes back)
                  open ──supersede──▶ superseded        (checking again: the scores changed; the engine only)
    Certificate:  valid ──revoke───▶ revoked            (supervisor, with a reason shown on /c/<serial>/)

Registered at start (``apps.RecognitionConfig.ready``) and by ``jury``/``results`` importing this module."""

from __future__ import annotations

from django.utils.translation import pgettext, pgettext_lazy

from qualityservice.core.permissions import STAFF_ROLES
from qualityservice.core.roles import Role
from qualityservice.core.workflow import Move, Transition, TransitionError, Workflow, register

from .results_models import Certificate, JuryFlag, JurySheet


def _own_sheet(user, sheet: JurySheet) -> bool:
    return sheet.member.user_id == getattr(user, "pk", None)


def _confirm(sheet: JurySheet, *, by, now, note, **params) -> Move:
    from .jury import missing_scores  # jury imports this module

    if sheet.round.status != "judging":
        raise TransitionError(pgettext("jury", "Sheets are confirmed while the jury scores (after the vote closed)."))
    missing = missing_scores(sheet)
    if missing:
        raise TransitionError(pgettext("jury", "Score every nominee on every criterion first (%(n)d missing).") % {"n": missing})
    sheet.confirmed_at = now
    return Move()


def _return_sheet(sheet: JurySheet, *, by, now, note, reason: str = "", **params) -> Move:
    sheet.confirmed_at = None
    sheet.version += 1
    return Move(params={"reason": (reason or note or "")[:300]})


class SheetFlow(Workflow):
    model = JurySheet
    admin_may = False  # a judge's sheet is the judge's own
    transitions = (
        Transition("confirm", sources=(JurySheet.Status.DRAFT,), target=JurySheet.Status.CONFIRMED,
                   label=pgettext_lazy("jury", "Confirm my sheet"), roles=STAFF_ROLES, check=_own_sheet, handler=_confirm,
                   sentence=pgettext_lazy("jury", "Sheet confirmed"),
                   confirm=pgettext_lazy("jury", "Confirm your sheet? Your scores can no longer change.")),
        # No roles: taken only by a flag's return (``system=True``), which names the supervisor and the reason.
        Transition("return", sources=(JurySheet.Status.CONFIRMED,), target=JurySheet.Status.DRAFT, handler=_return_sheet,
                   label=pgettext_lazy("jury", "Return to the judge"), sentence=pgettext_lazy("jury", "Returned to the judge: %(reason)s")),
    )


SHEET = register(SheetFlow())


# --- Anomaly flags: cleared before the notice ----------------------------------------------------------------

FS = JuryFlag.Status


def _flag_while_judging(flag: JuryFlag) -> None:
    if flag.round.status != "judging":
        raise TransitionError(pgettext("jury", "Flags are cleared while the jury scores, before the notice is published."))


def _reason(note: str, reason: str) -> str:
    text = (reason or note or "").strip()
    if not text:
        raise TransitionError({"reason": [pgettext("jury", "Give the reason for clearing the flag.")]})
    return text[:300]


def _flag_params(flag: JuryFlag, reason: str) -> dict:
    """What the round's timeline shows of the flag, kept with the event (the reader's language at reading)."""
    return {"reason": reason, "kind": flag.kind, "nominee": flag.nomination.display_title if flag.nomination_id else "",
            "judge": str(flag.member) if flag.member_id else ""}


def _accept(flag: JuryFlag, *, by, now, note, reason: str = "", **params) -> Move:
    _flag_while_judging(flag)
    flag.reason = _reason(note, reason)
    flag.resolved_by, flag.resolved_at = by if getattr(by, "is_authenticated", False) else None, now
    return Move(params=_flag_params(flag, flag.reason))


def _flag_return(flag: JuryFlag, *, by, now, note, reason: str = "", **params) -> Move:
    _flag_while_judging(flag)
    text = _reason(note, reason)
    if flag.member_id is None:
        raise TransitionError(pgettext("jury", "This flag names no judge: accept the scores with a reason."))
    sheet = flag.member.sheet
    if sheet.status == JurySheet.Status.CONFIRMED:
        SHEET.apply(sheet, "return", system=True, reason=text)
    flag.reason = text
    flag.resolved_by, flag.resolved_at = by if getattr(by, "is_authenticated", False) else None, now
    return Move(params=_flag_params(flag, text))


def _supersede(flag: JuryFlag, *, by, now, note, **params) -> Move:
    flag.resolved_at = now
    return Move(params=_flag_params(flag, ""))


class FlagFlow(Workflow):
    model = JuryFlag
    transitions = (
        Transition("accept", sources=(FS.OPEN,), target=FS.ACCEPTED, label=pgettext_lazy("jury", "Accept the scores"),
                   roles=(Role.SUPERVISOR,), handler=_accept, sentence=pgettext_lazy("jury", "Scores accepted: %(reason)s")),
        Transition("return", sources=(FS.OPEN,), target=FS.RETURNED, label=pgettext_lazy("jury", "Return the sheet to its judge"),
                   roles=(Role.SUPERVISOR,), handler=_flag_return,
                   sentence=pgettext_lazy("jury", "Sheet returned to %(judge)s: %(reason)s")),
        Transition("supersede", sources=(FS.OPEN,), target=FS.SUPERSEDED, handler=_supersede,
                   label=pgettext_lazy("jury", "No longer applies"),
                   sentence=pgettext_lazy("jury", "No longer applies: the scores changed")),
    )

    def describe(self, action: str, params: dict | None = None) -> str:
        """The round's timeline: which flag (its kind, the nominee or the judge), then what was done."""
        params = params or {}
        kind = JuryFlag.Kind(params["kind"]).label if params.get("kind") in JuryFlag.Kind.values else ""
        about = " · ".join(str(part) for part in (kind, params.get("nominee"), params.get("judge")) if part)
        done = super().describe(action, params)
        return pgettext("jury", "Anomaly flag (%(about)s): %(done)s") % {"about": about, "done": done} if about else done


FLAG = register(FlagFlow())


def _revoke(certificate: Certificate, *, by, now, note, reason: str = "", **params) -> Move:
    reason = (reason or note or "").strip()
    if not reason:
        raise TransitionError(pgettext("certificate", "Give the reason for revoking the certificate."))
    certificate.revoked_at, certificate.revoked_reason = now, reason[:300]
    return Move(params={"reason": reason[:300]})


class CertificateFlow(Workflow):
    model = Certificate
    transitions = (
        Transition("revoke", sources=(Certificate.Status.VALID,), target=Certificate.Status.REVOKED,
                   label=pgettext_lazy("certificate", "Revoke"), roles=(Role.SUPERVISOR,), handler=_revoke,
                   sentence=pgettext_lazy("certificate", "Revoked: %(reason)s"),
                   confirm=pgettext_lazy("certificate", "Revoke this certificate? Its verification page will say so.")),
    )


CERTIFICATE = register(CertificateFlow())
