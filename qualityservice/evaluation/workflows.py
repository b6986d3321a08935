"""``SCHEME`` moves ``Scheme.status`` on the platform's one engine (``core.workflow``)::

    draft ──freeze──▶ frozen ──notice──▶ notice (公示) ──finalize──▶ final        (supervisor)

``freeze`` validates the scheme and stores the snapshot (``services.store_snapshot``); from then on the scheme
and its results never change: a correction is a new version (``services.new_version``). Every move is recorded
in ``core.WorkflowEvent``; nothing else assigns ``status`` (a test scans the source)."""

from __future__ import annotations

from django.utils.translation import pgettext, pgettext_lazy

from qualityservice.core.notifications import notify
from qualityservice.core.roles import Role
from qualityservice.core.workflow import Move, Transition, TransitionError, Workflow, register

from .models import Scheme

SchemeStatus = Scheme.Status


def _freeze(scheme: Scheme, *, by, now, note, **params) -> Move:
    from . import services

    problems = services.problems(scheme)
    if problems:
        raise TransitionError(problems[0])
    scheme.frozen_at = now
    link = services.campaign_fields(scheme.year)
    if link["campaign_id"] is not None:  # the campaign as it is named when the result is fixed
        for name, value in link.items():
            setattr(scheme, name, value)
    services.store_snapshot(scheme)
    return Move()


def _publication(choice) -> str:
    if choice not in Scheme.Publication.values:
        raise TransitionError(pgettext("evaluation", "Choose what the public page shows."))
    return choice


def _notice(scheme: Scheme, *, by, now, note, publication: str = Scheme.Publication.GRADES, **params) -> Move:
    scheme.publication = _publication(publication)
    scheme.notice_at = now
    notify(supervisors=True, subject=pgettext("evaluation", "Evaluation on public notice: %(title)s") % {"title": scheme.title},
           body=scheme.title, url=scheme.get_absolute_url(), webhook=False)
    return Move(params={"publication": scheme.publication})


def _publish(scheme: Scheme, *, by, now, note, publication: str = "", **params) -> Move:
    """Change what the public page shows; the status stays (the event records the choice, who and when)."""
    scheme.publication = _publication(publication)
    return Move(to=scheme.status, params={"publication": scheme.publication})


def _finalize(scheme: Scheme, *, by, now, note, **params) -> Move:
    scheme.final_at = now
    return Move()


class SchemeFlow(Workflow):
    model = Scheme
    transitions = (
        Transition("freeze", sources=(SchemeStatus.DRAFT,), target=SchemeStatus.FROZEN,
                   label=pgettext_lazy("evaluation", "Freeze and score"), roles=(Role.SUPERVISOR,), handler=_freeze,
                   sentence=pgettext_lazy("evaluation", "Frozen and scored"),
                   confirm=pgettext_lazy("evaluation", "Freeze this scheme? Its weights can no longer be changed; the figures are stored now.")),
        Transition("notice", sources=(SchemeStatus.FROZEN,), target=SchemeStatus.NOTICE,
                   label=pgettext_lazy("evaluation", "Put on public notice"), roles=(Role.SUPERVISOR,), handler=_notice,
                   sentence=pgettext_lazy("evaluation", "Put on public notice")),
        Transition("publish", sources=(SchemeStatus.NOTICE, SchemeStatus.FINAL), target=None,
                   label=pgettext_lazy("evaluation", "Change the public page"), roles=(Role.SUPERVISOR,), handler=_publish,
                   sentence=pgettext_lazy("evaluation", "Changed what the public page shows")),
        Transition("finalize", sources=(SchemeStatus.NOTICE,), target=SchemeStatus.FINAL,
                   label=pgettext_lazy("evaluation", "Make final"), roles=(Role.SUPERVISOR,), handler=_finalize,
                   sentence=pgettext_lazy("evaluation", "Made final"),
                   confirm=pgettext_lazy("evaluation", "Make this result final? It cannot be changed afterwards.")),
    )


SCHEME = register(SchemeFlow())
