"""Scale data for benchmarks (``manage.py generate_scale_data --competitions N``): N finished competitions over two
years, each with a frozen rubric (three criteria, a deduction), 20 contestants from the centres, 7 judges, a final
round whose every sheet is confirmed with its scores, the standings and certificates for the first three. Rows
are bulk-created in their final state (no timeline: a benchmark reads lists, standings and the indicators);
``pagecache.changed`` because ``bulk_create`` sends no signal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from qualityservice.core import certificates, pagecache
from qualityservice.core import panel as scoring
from qualityservice.org.models import Department, Staff

from .models import (
    Appointment,
    Certificate,
    Competition,
    Contestant,
    Criterion,
    Deduction,
    Entry,
    Round,
    RubricVersion,
    Score,
    Sheet,
    Trade,
)

COUNTS = {"competitions": "finished skills competitions to add (20 contestants × 7 judges each)"}
CONTESTANTS = 20
JUDGES = 7
TITLES = {"cooking": "烹饪技能比武", "pastry": "面点技能比武", "electrician": "电工技能比武", "plumbing": "水暖维修技能比武",
          "housekeeping": "客房保洁技能比武", "driving": "驾驶技能比武", "reception": "接待礼仪技能比武"}
CRITERIA = [("caozuo", "操作规范", Decimal("1")), ("zhiliang", "完成质量", Decimal("1.5")), ("anquan", "安全文明", Decimal("1"))]
AWARDS = [{"name": "一等奖", "name_en": "First prize", "count": 1}, {"name": "二等奖", "name_en": "Second prize", "count": 1},
          {"name": "三等奖", "name_en": "Third prize", "count": 1}]


def generate(out, rng, counts) -> None:
    n = counts.get("competitions", 0)
    group = Department.objects.filter(kind=Department.Kind.GROUP).order_by("pk").first()
    staff = list(Staff.objects.filter(is_active=True).values_list("pk", "department_id", "team_id"))
    if n <= 0 or group is None or len(staff) < CONTESTANTS + JUDGES:
        return
    now = timezone.now()
    for i in range(n):
        with transaction.atomic():
            _one(rng, group, staff, now - dt.timedelta(days=730 * rng.random()), i)
    pagecache.changed(Competition, Round, Entry, Criterion, Deduction, Certificate)
    out.write(f"competitions: {n} competitions, {n * CONTESTANTS * JUDGES} sheets")


def _one(rng, group, staff, held, i) -> None:
    trade = rng.choice([t for t in Trade.values if t != "other"])
    competition = Competition.objects.create(
        department=group, level=Competition.Level.GROUP, trade=trade, title=f"{held.year}年{TITLES[trade]}（第{i + 1}场）",
        status=Competition.Status.FINISHED, awards=AWARDS, tie_breaks=["criterion:caozuo", "deductions"],
        created_at=held - dt.timedelta(days=30), finished_at=held + dt.timedelta(days=4))
    rubric = RubricVersion.objects.create(competition=competition, number=1, created_at=held - dt.timedelta(days=30), frozen_at=held)
    criteria = Criterion.objects.bulk_create([
        Criterion(rubric=rubric, code=code, order=order, name=name, weight=weight, min_score=Decimal(0), max_score=Decimal(10),
                  step=Decimal("0.5")) for order, (code, name, weight) in enumerate(CRITERIA, start=1)])
    deduction = Deduction.objects.create(rubric=rubric, code="chaoshi", order=1, name="超时", points=Decimal(1), max_count=5)
    chosen = rng.sample(staff, CONTESTANTS + JUDGES)
    contestants = Contestant.objects.bulk_create([
        Contestant(competition=competition, staff_id=pk, department_id=department, team_id=team, number=n,
                   status=Contestant.Status.APPROVED, signed_up_at=held - dt.timedelta(days=20), approved_at=held - dt.timedelta(days=15))
        for n, (pk, department, team) in enumerate(chosen[:CONTESTANTS], start=1)])
    appointments = Appointment.objects.bulk_create([
        Appointment(competition=competition, staff_id=pk, role=Appointment.Role.CHIEF if n == 0 else Appointment.Role.PANEL, order=n)
        for n, (pk, _department, _team) in enumerate(chosen[CONTESTANTS:])])
    rnd = Round.objects.create(competition=competition, number=1, name="决赛", name_en="Final", status=Round.Status.FINAL,
                               rubric=rubric, scoring_opens_at=held, scoring_closes_at=held + dt.timedelta(hours=4),
                               published_at=held + dt.timedelta(days=1), notice_until=held + dt.timedelta(days=4),
                               finalised_at=held + dt.timedelta(days=4, hours=1))
    specs = ([scoring.CriterionSpec(c.code, c.weight, c.min_score, c.max_score) for c in criteria],
             [scoring.DeductionSpec(deduction.code, deduction.points)])
    entries, sheets, values_by_sheet, results = [], [], [], []
    for order, contestant in enumerate(contestants, start=1):
        skill = Decimal(rng.randint(12, 19)) / 2
        panel = []
        for appointment in appointments:
            values = {c.code: min(Decimal(10), max(Decimal(0), skill + Decimal(rng.randint(-2, 2)) / 2)) for c in criteria}
            counts = {deduction.code: rng.choice([0, 0, 0, 1])}
            panel.append((appointment, values, counts))
        chief = next(values for a, values, counts in panel if a.role == Appointment.Role.CHIEF)
        results.append(scoring.aggregate_entry(order, contestant.number, [(v, c) for _a, v, c in panel], *specs, "trimmed",
                                               chief_total=scoring.sheet_total(chief, {}, *specs),
                                               max_total=sum((c.weight * c.max_score for c in criteria), Decimal(0))))
        entries.append(Entry(round=rnd, contestant=contestant, order=order))
        for appointment, values, counts in panel:
            sheets.append(Sheet(round=rnd, appointment=appointment, status=Sheet.Status.CONFIRMED, version=1,
                                total=scoring.sheet_total(values, counts, *specs), submitted_at=held + dt.timedelta(hours=3),
                                confirmed_at=held + dt.timedelta(hours=5)))
            values_by_sheet.append(values)
    ranked = {r.entry: r for r in scoring.rank(results, ["criterion:caozuo", "deductions"])}
    for order, entry in enumerate(entries, start=1):
        r = ranked[order]
        entry.total, entry.deductions, entry.rank, entry.judges = r.total.quantize(Decimal("0.0001")), r.deductions, r.rank, r.judges
        entry.percent = r.percent.quantize(Decimal("0.01"))
        entry.breakdown = {code: str(v.quantize(Decimal("0.0001"))) for code, v in r.per_criterion.items()}
    entries = Entry.objects.bulk_create(entries)
    for n, sheet in enumerate(sheets):
        sheet.entry = entries[n // JUDGES]
    sheets = Sheet.objects.bulk_create(sheets, batch_size=1000)
    Score.objects.bulk_create([Score(sheet=sheet, criterion=c, value=values[c.code], updated_at=sheet.submitted_at)
                               for sheet, values in zip(sheets, values_by_sheet, strict=True) for c in criteria], batch_size=2000)
    Certificate.objects.bulk_create([
        Certificate(competition=competition, contestant=entry.contestant, department_id=entry.contestant.department_id,
                    serial=certificates.new_serial("JS", year=held.year), award=AWARDS[entry.rank - 1]["name"], rank=entry.rank,
                    issued_at=held + dt.timedelta(days=5))
        for entry in entries if entry.rank <= len(AWARDS)])
