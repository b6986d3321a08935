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
from .models import Appointment, Normalisation, Round, Score, Sheet, SheetDeduction, _plain


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


def judge_detail(rnd: Round) -> dict:
    """The per-judge analysis page: for each judge, the scores counted, the typical offset (% of the range), each
    criterion's mean offset from the rest of the panel (points), whether the bias rule flags them and — with the
    normalisation — the points subtracted per criterion (stored with the results once verified, else provisional).
    A constant number of queries."""
    appointments = list(rnd.competition.appointments.select_related("staff").order_by("order", "pk"))
    if rnd.status in (Round.Status.DRAFT, Round.Status.SCORING) or not rnd.rubric_id:
        return {"appointments": appointments, "rows": [], "criteria": [], "available": False}
    panels, sheets, criteria = services.panels_of(rnd)
    specs = services._specs(criteria, [])[0]
    overall = scoring.judge_offsets(panels, specs)
    flagged = scoring.biased_judges(panels, specs, bias_z=rnd.competition.bias_z)
    everyone = scoring.normalise(panels, specs, [])  # no shift: only to read the panels as judge → values
    per_criterion: dict[int, dict[str, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    scores = defaultdict(int)
    for panel in everyone.panels.values():
        for judge, values in panel.items():
            for c in specs:
                if c.code not in values:
                    continue
                scores[judge] += 1
                others = [v[c.code] for j, v in panel.items() if j != judge and c.code in v]
                if others:
                    per_criterion[judge][c.code].append(values[c.code] - sum(others, Decimal(0)) / len(others))
    normalising = rnd.competition.normalisation == Normalisation.OFFSET
    stored = rnd.status in (Round.Status.VERIFIED, Round.Status.NOTICE, Round.Status.FINAL)
    if not normalising:
        adjusted = {}
    elif stored:
        adjusted = {int(k): {code: Decimal(v) for code, v in offsets.items()} for k, offsets in (rnd.adjustments or {}).items()}
    else:
        adjusted = scoring.normalise(panels, specs, flagged).offsets
    rows = []
    for a in appointments:
        if a.pk not in scores:
            continue
        diffs = per_criterion.get(a.pk, {})
        rows.append({
            "appointment": a, "scores": scores[a.pk],
            "offset": overall[a.pk].quantize(Decimal("0.1")) if a.pk in overall else None,
            "per_criterion": [(c, (sum(diffs[c.code], Decimal(0)) / len(diffs[c.code])).quantize(Decimal("0.01"))
                               if diffs.get(c.code) else None,
                               adjusted[a.pk].get(c.code) if a.pk in adjusted else None) for c in criteria],
            "flagged": a.pk in flagged, "adjusted": a.pk in adjusted,
        })
    return {"appointments": appointments, "rows": rows, "criteria": criteria, "available": True,
            "normalising": normalising, "provisional": not stored}


def adjusted_judges(rnd: Round, appointments=None) -> list[dict]:
    """The judges whose scores the normalisation shifted when the results were stored, with the points
    subtracted per criterion (criterion names from ``criteria``)."""
    if not rnd.adjustments:
        return []
    ids = [int(k) for k in rnd.adjustments]
    by_pk = {a.pk: a for a in (appointments if appointments is not None
                               else Appointment.objects.filter(pk__in=ids).select_related("staff"))}
    return [{"appointment": by_pk[int(k)], "offsets": {code: Decimal(v) for code, v in offsets.items()}}
            for k, offsets in sorted(rnd.adjustments.items(), key=lambda kv: int(kv[0])) if int(k) in by_pk]


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
            rows.append({"entry": e, "rank": e.rank, "total": e.total, "raw_total": e.raw_total, "deductions": e.deductions, "percent": e.percent,
                         "judges": e.judges, "per_criterion": [(c, _dec(breakdown.get(c.code))) for c in criteria],
                         "decided_by": breakdown.get("_decided_by", ""), "advanced": e.advanced})
    else:
        by_pk = {e.pk: e for e in entries}
        results, provisional_offsets = services.compute_results(rnd, entries=entries, with_adjustments=True)
        for r in results:
            rows.append({"entry": by_pk[r.entry], "rank": r.rank, "total": r.total, "raw_total": r.raw_total, "deductions": r.deductions,
                         "percent": r.percent, "judges": r.judges, "per_criterion": [(c, r.per_criterion.get(c.code)) for c in criteria],
                         "decided_by": r.decided_by, "advanced": False})
    chain = services.tie_break_chain(rnd.competition, criteria)
    is_last = not rnd.competition.rounds.filter(number__gt=rnd.number).exists()
    for row in rows:
        row["decided_by_text"] = services.describe_link(row["decided_by"], criteria) if row["decided_by"] else ""
        award = services.award_for(row["rank"], rnd.competition.awards) if is_last and row["rank"] else None
        row["award"] = pick(*award) if award else ""
    normalising = rnd.competition.normalisation == Normalisation.OFFSET
    if normalising and not stored:
        adjusted = [{"appointment": a, "offsets": provisional_offsets[a.pk]}
                    for a in rnd.competition.appointments.select_related("staff").order_by("order", "pk") if a.pk in provisional_offsets]
    else:
        adjusted = adjusted_judges(rnd) if normalising else []
    names = {c.code: c.display_name for c in criteria}
    for row in adjusted:
        row["text"] = pgettext("competition", ", ").join(
            f"{names.get(code, code)} {'+' if points < 0 else '−'}{_plain(abs(points).quantize(Decimal('0.01')))}"
            for code, points in row["offsets"].items())
    return {"criteria": criteria, "deductions": deductions, "rows": rows, "provisional": not stored,
            "normalising": normalising, "adjusted": adjusted,
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
