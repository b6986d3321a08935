"""What the pages, exports and PDFs of a round show, read in a constant number of queries: the progress grid
(entries × judges), the standings with their breakdown, the full score matrix (judges × contestants ×
criteria) and one judge's sheets."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import pgettext

from qualityservice.core import panel as scoring
from qualityservice.core.i18n import pick

from . import services
from .models import Appointment, Round, Score, Sheet, SheetDeduction, _plain


def progress(rnd: Round) -> dict:
    """The grid of the round page: one row per entry, one cell per judge (the sheet's status), and counts."""
    appointments = list(rnd.competition.appointments.select_related("staff").order_by("order", "pk"))
    entries = list(rnd.entries.select_related("contestant__staff", "contestant__department").order_by("order", "pk"))
    sheets = list(Sheet.objects.filter(round=rnd).only("pk", "entry_id", "appointment_id", "status", "version", "as_reserve"))
    cells = {(s.entry_id, s.appointment_id): s for s in sheets}
    rows = [{"entry": e, "cells": [cells.get((e.pk, a.pk)) for a in appointments]} for e in entries]
    counts = defaultdict(int)
    for s in sheets:
        counts[s.status] += 1
    labelled = [(label, counts[value]) for value, label in Sheet.Status.choices if counts.get(value)]
    return {"appointments": appointments, "rows": rows, "counts": labelled, "total": len(sheets)}


def judge_analysis(rnd: Round, appointments) -> list[dict]:
    """The per-judge analysis of a round: each judge's typical offset from the rest of the panel, in % of the
    criteria's ranges (positive: more generous), over the submitted and confirmed sheets."""
    if rnd.status in (Round.Status.DRAFT, Round.Status.SCORING) or not rnd.rubric_id:
        return []
    panels, _sheets, criteria = services.panels_of(rnd)
    offsets = scoring.judge_offsets(panels, services._specs(criteria, [])[0])
    return [{"appointment": a, "offset": offsets[a.pk].quantize(Decimal("0.1"))} for a in appointments if a.pk in offsets]


def standings(rnd: Round, *, final: bool | None = None) -> dict:
    """The ranked results with their per-criterion breakdown: stored ones once verified, else provisional from
    the submitted and confirmed sheets."""
    criteria, deductions = services.rubric_items(rnd.rubric_id) if rnd.rubric_id else ([], [])
    entries = list(rnd.entries.select_related("contestant__staff", "contestant__department"))
    stored = rnd.status in (Round.Status.VERIFIED, Round.Status.NOTICE, Round.Status.FINAL) if final is None else final
    rows = []
    if stored:
        for e in sorted(entries, key=lambda e: (e.rank or 10**9, e.pk)):
            breakdown = e.breakdown or {}
            rows.append({"entry": e, "rank": e.rank, "total": e.total, "deductions": e.deductions, "percent": e.percent,
                         "judges": e.judges, "per_criterion": [(c, _dec(breakdown.get(c.code))) for c in criteria],
                         "decided_by": breakdown.get("_decided_by", ""), "advanced": e.advanced})
    else:
        by_pk = {e.pk: e for e in entries}
        for r in services.compute_results(rnd, entries=entries):
            rows.append({"entry": by_pk[r.entry], "rank": r.rank, "total": r.total, "deductions": r.deductions,
                         "percent": r.percent, "judges": r.judges, "per_criterion": [(c, r.per_criterion.get(c.code)) for c in criteria],
                         "decided_by": r.decided_by, "advanced": False})
    chain = services.tie_break_chain(rnd.competition, criteria)
    is_last = not rnd.competition.rounds.filter(number__gt=rnd.number).exists()
    for row in rows:
        row["decided_by_text"] = services.describe_link(row["decided_by"], criteria) if row["decided_by"] else ""
        award = services.award_for(row["rank"], rnd.competition.awards) if is_last and row["rank"] else None
        row["award"] = pick(*award) if award else ""
    return {"criteria": criteria, "deductions": deductions, "rows": rows, "provisional": not stored,
            "chain": (links := [services.describe_link(link, criteria) for link in [*chain, scoring.NUMBER]]),
            "chain_text": " → ".join(links)}


def _dec(value):
    return Decimal(value) if value not in (None, "") else None


def matrix_headers(criteria, deductions) -> list[str]:
    return [pgettext("competition", "No."), pgettext("competition", "Contestant"), pgettext("competition", "Department"), pgettext("competition", "Judge"),
            pgettext("competition", "Judge's role"), *[f"{c.display_name} (×{_plain(c.weight)})" for c in criteria],
            *[f"{d.display_name} (−{_plain(d.points)})" for d in deductions], pgettext("competition", "Sheet total"),
            pgettext("competition", "Status"), pgettext("competition", "Version")]


def matrix_rows(rnd: Round, *, appointment: Appointment | None = None):
    """One row per sheet (contestant × judge), one column per criterion and deduction: the full matrix, or one
    judge's sheets. Streamed."""
    criteria, deductions = services.rubric_items(rnd.rubric_id) if rnd.rubric_id else ([], [])
    sheets = Sheet.objects.filter(round=rnd).select_related("entry__contestant__staff", "entry__contestant__department",
                                                            "appointment__staff").order_by("entry__order", "appointment__order", "pk")
    if appointment is not None:
        sheets = sheets.filter(appointment=appointment)
    sheets = list(sheets)
    ids = [s.pk for s in sheets]
    values = defaultdict(dict)
    for sheet_id, criterion_id, value in Score.objects.filter(sheet_id__in=ids).values_list("sheet_id", "criterion_id", "value"):
        values[sheet_id][criterion_id] = value
    counts = defaultdict(dict)
    for sheet_id, deduction_id, count in SheetDeduction.objects.filter(sheet_id__in=ids).values_list("sheet_id", "deduction_id", "count"):
        counts[sheet_id][deduction_id] = count
    statuses = dict(Sheet.Status.choices)
    roles = dict(Appointment.Role.choices)
    for s in sheets:
        contestant = s.entry.contestant
        yield [contestant.number, contestant.staff.name, contestant.department.display_name, s.appointment.staff.name,
               str(roles.get(s.appointment.role, "")) + (" · " + pgettext("competition", "as reserve") if s.as_reserve else ""),
               *[values[s.pk].get(c.pk) for c in criteria], *[counts[s.pk].get(d.pk) for d in deductions],
               s.total, str(statuses.get(s.status, s.status)), s.version]
