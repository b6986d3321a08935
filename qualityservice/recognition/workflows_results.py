"""The jury sheets' and the certificates' statuses on ``core.workflow``::

    JurySheet:    draft ──confirm──▶ confirmed          (the judge whose sheet it is, every score entered)
    Certificate:  valid ──revoke───▶ revoked            (supervisor, with a reason shown on /c/<serial>/)

Registered at start (``apps.RecognitionConfig.ready``) and by ``jury``/``results`` importing this module."""

from __future__ import annotations

from django.utils.translation import pgettext, pgettext_lazy

from qualityservice.core.permissions import STAFF_ROLES
from qualityservice.core.roles import Role
from qualityservice.core.workflow import Move, Transition, TransitionError, Workflow, register

from .results_models import Certificate, JurySheet


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


class SheetFlow(Workflow):
    model = JurySheet
    admin_may = False  # a judge's sheet is the judge's own
    transitions = (
        Transition("confirm", sources=(JurySheet.Status.DRAFT,), target=JurySheet.Status.CONFIRMED,
                   label=pgettext_lazy("jury", "Confirm my sheet"), roles=STAFF_ROLES, check=_own_sheet, handler=_confirm,
                   sentence=pgettext_lazy("jury", "Sheet confirmed"),
                   confirm=pgettext_lazy("jury", "Confirm your sheet? Your scores can no longer change.")),
    )


SHEET = register(SheetFlow())


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
