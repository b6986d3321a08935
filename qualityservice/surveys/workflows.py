"""The status workflows of surveys, on core's one engine (``core.workflow``).

- ``SURVEY``: a survey's ``status`` — open (a draft), close, reopen (a closed survey). A template is never
  opened; a survey without questions is not opened. Every move writes a ``SurveyStatusLog`` row (who,
  when) and the survey's history (simple-history, as ``apply`` saves it); closing refreshes the survey's
  satisfaction index in the same transaction, and records the survey as campaign evidence of the departments
  it rates (``services.record_campaign_evidence``).
- ``RESPONSE``: a response's ``status`` — a draft becomes submitted (``submit``). A response inserted as
  submitted (a form answered in one go) is created so, not moved. The move records no event row: the
  response's ``submitted_at`` says when, and an anonymous survey must not record who.

    SURVEY.apply(survey, "close", by=request.user)
    SURVEY.apply(survey, SURVEY.action_for(survey, "open"), by=request.user)   # the builder's "to" buttons
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from qualityservice.core.roles import Role
from qualityservice.core.workflow import Move, Transition, TransitionError, Workflow, register

from .models import Response, Survey, SurveyStatusLog

__all__ = ["RESPONSE", "SURVEY", "TransitionError"]


def _may_open(survey: Survey, *, by, now, note, **params) -> Move | None:
    if survey.is_template:
        raise TransitionError(_("A template cannot be opened; copy it into a survey first."))
    if not survey.questions.exists():
        raise TransitionError(_("Add at least one question before opening the survey."))
    return None


class SurveyFlow(Workflow):
    model = Survey
    transitions = (
        Transition("open", sources=(Survey.Status.DRAFT,), target=Survey.Status.OPEN,
                   label=pgettext_lazy("open a survey", "Open"), roles=(Role.SUPERVISOR,), handler=_may_open,
                   sentence=gettext_lazy("Survey opened")),
        Transition("close", sources=(Survey.Status.OPEN,), target=Survey.Status.CLOSED,
                   label=pgettext_lazy("end a survey", "Close"), roles=(Role.SUPERVISOR,), sentence=gettext_lazy("Survey closed")),
        Transition("reopen", sources=(Survey.Status.CLOSED,), target=Survey.Status.OPEN,
                   label=gettext_lazy("Reopen"), roles=(Role.SUPERVISOR,), handler=_may_open,
                   sentence=gettext_lazy("Survey reopened")),
    )

    def action_for(self, survey: Survey, to: str) -> str:
        """The action that takes ``survey`` from its status to ``to`` (the builder posts the target)."""
        for t in self.transitions:
            if t.target == to and survey.status in t.sources:
                return t.action
        raise TransitionError(_("A survey cannot go from %(a)s to %(b)s.") % {"a": survey.get_status_display(), "b": to})

    def record(self, obj: Survey, event) -> None:
        SurveyStatusLog.objects.create(survey=obj, from_status=event.from_status, to_status=event.to_status,
                                       by=event.by, at=event.at)

    def after(self, obj: Survey, transition: Transition, event) -> None:
        if event.to_status == Survey.Status.CLOSED:
            from .index import refresh_satisfaction_index
            from .services import record_campaign_evidence

            refresh_satisfaction_index(surveys=[obj])  # in the move's transaction: closed and counted together
            record_campaign_evidence(obj)  # the rated departments' survey activity of the campaign (三(八))


def _submit(response: Response, *, by, now, note, fields: dict, **params) -> Move | None:
    for name, value in fields.items():
        setattr(response, name, value)
    return None


class ResponseFlow(Workflow):
    model = Response
    transitions = (
        # Taken by the respondent's own submit (``system=True``): no staff role takes it.
        Transition("submit", sources=(Response.Status.DRAFT,), target=Response.Status.SUBMITTED,
                   label=gettext_lazy("Submit"), handler=_submit),
    )

    def record(self, obj: Response, event) -> None:
        """No event row: ``submitted_at`` is the record, and an anonymous response keeps no who."""


SURVEY = register(SurveyFlow())
RESPONSE = register(ResponseFlow())
