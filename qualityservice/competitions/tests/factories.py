"""A competition ready for each test: a rubric (three weighted criteria with level descriptions, one deduction),
a round whose scoring window is open, approved contestants and appointed judges, through the app's services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from qualityservice.competitions import services
from qualityservice.competitions.models import Appointment, Round, Sheet
from qualityservice.competitions.workflows import COMPETITION, CONTESTANT, ROUND, SHEET
from qualityservice.core.roles import Role
from qualityservice.org.tests.factories import StaffFactory, make_user

CRITERIA = [
    # code, name, weight, min, max, step
    ("caozuo", "操作规范", "1", "0", "10", "0.5"),
    ("chengpin", "成品质量", "1.5", "0", "10", "0.5"),
    ("weisheng", "卫生安全", "0.5", "0", "10", "1"),
]


def add_rubric(competition, by) -> None:
    rubric = services.current_rubric(competition)
    for order, (code, name, weight, low, high, step) in enumerate(CRITERIA, start=1):
        services.save_criterion(rubric, key=None, code=code, order=order, name=name, name_en="", description="", description_en="",
                                weight=Decimal(weight), min_score=Decimal(low), max_score=Decimal(high), step=Decimal(step),
                                levels=[{"from": "9", "to": "10", "text": "优秀：规范熟练", "text_en": "Excellent"},
                                        {"from": "0", "to": "5.5", "text": "不合格", "text_en": "Fails"}])
    services.save_deduction(rubric, key=None, code="chaoshi", order=1, name="超时", name_en="Overtime", points=Decimal("2"), max_count=3)


def make_judge(department, name, *, role=Role.JUDGE):
    user = make_user(role, department, name)
    return user


def build(org, *, contestants: int = 3, panel: int = 3, reserves: int = 1, department=None, by=None, open_round: bool = True,
          aggregation: str = "trimmed", tie_breaks=("criterion:caozuo", "deductions", "chief"), contestant_department=None,
          two_rounds: bool = False) -> SimpleNamespace:
    """A competition (group-wide by default, organised by the supervisor) with a chief judge and ``panel`` panel
    members from the group office, ``reserves`` reserves, and ``contestants`` approved staff of the catering
    centre; its first round open for scoring (unless ``open_round=False``)."""
    department = department or org.group
    by = by or org.supervisor
    now = timezone.now()
    competition, _created = services.create_competition(
        key=None, by=by, department=department, trade="cooking", title="2026年烹饪技能比武", title_en="2026 Cooking contest",
        description="", description_en="", signup_until=None, aggregation=aggregation, outlier_distance=Decimal("0.25"),
        spread_threshold=Decimal("0.40"), bias_z=Decimal("1.50"), tie_breaks=list(tie_breaks),
        awards=[{"name": "一等奖", "name_en": "First prize", "count": 1}, {"name": "二等奖", "name_en": "Second prize", "count": 1}],
        objection_days=3, blind_reentry=False)
    add_rubric(competition, by)
    first, _created = services.create_round(competition, key=None, by=by, name="初赛", name_en="Heats",
                                            scoring_opens_at=now - dt.timedelta(hours=1),
                                            scoring_closes_at=now + dt.timedelta(hours=3),
                                            advance="rank" if two_rounds else "", advance_count=2 if two_rounds else None,
                                            advance_cutoff=None)
    final = None
    if two_rounds:
        final, _created = services.create_round(competition, key=None, by=by, name="决赛", name_en="Final",
                                                scoring_opens_at=now - dt.timedelta(hours=1),
                                                scoring_closes_at=now + dt.timedelta(hours=5), advance="",
                                                advance_count=None, advance_cutoff=None)
    competition = COMPETITION.apply(competition, "announce", by=by)
    home = contestant_department or (department if department.kind == "centre" else org.yinshi)
    people = [StaffFactory(department=home, name=f"选手{i + 1}", post="厨师") for i in range(contestants)]
    entrants = []
    for staff in people:
        contestant, _created = services.sign_up(competition, staff, by=by, key=None)
        entrants.append(CONTESTANT.apply(contestant, "approve", by=by))
    chief_user = make_judge(org.office, "裁判长")
    appointments = [services.appoint(competition, chief_user.staff, role=Appointment.Role.CHIEF, by=by, key=None)[0]]
    judge_users = [chief_user]
    for i in range(panel):
        user = make_judge(org.office, f"评委{i + 1}")
        judge_users.append(user)
        appointments.append(services.appoint(competition, user.staff, role=Appointment.Role.PANEL, order=20 + i, by=by, key=None)[0])
    reserve_apps = []
    for i in range(reserves):
        user = make_judge(org.office, f"替补{i + 1}")
        reserve_apps.append(services.appoint(competition, user.staff, role=Appointment.Role.RESERVE, order=50 + i, by=by, key=None)[0])
    rnd = first
    if open_round:
        rnd = ROUND.apply(first, "open", by=by)
    return SimpleNamespace(competition=competition, round=rnd, final=final, contestants=entrants, appointments=appointments,
                           reserves=reserve_apps, judges=judge_users, chief=chief_user, by=by)


def values(caozuo, chengpin, weisheng, chaoshi=0) -> dict:
    return {"c-caozuo": str(caozuo), "c-chengpin": str(chengpin), "c-weisheng": str(weisheng), "d-chaoshi": str(chaoshi)}


def score(sheet: Sheet, data: dict, *, submit: bool = True) -> Sheet:
    judge = sheet.appointment.staff.user
    services.save_values(sheet, data, by=judge)
    if submit:
        sheet = services.submit_sheet(sheet, by=judge)
    return sheet


def sheets_of(rnd: Round, appointment=None):
    qs = Sheet.objects.filter(round=rnd).select_related("appointment__staff__user", "entry__contestant").order_by("entry__order", "appointment__order")
    return list(qs.filter(appointment=appointment) if appointment is not None else qs)


def score_all(setup, table: dict[int, list[dict]] | None = None, *, default=(8, 8, 8, 0)) -> None:
    """Every sheet of the round scored and submitted: ``table[contestant number][judge index]`` or ``default``."""
    for sheet in sheets_of(setup.round):
        index = next(i for i, a in enumerate([*setup.appointments, *setup.reserves]) if a.pk == sheet.appointment_id)
        row = (table or {}).get(sheet.entry.contestant.number)
        data = row[index] if row and index < len(row) and row[index] is not None else values(*default)
        score(sheet, data)


def confirm_all(setup) -> None:
    for sheet in Sheet.objects.filter(round=setup.round, status=Sheet.Status.SUBMITTED):
        SHEET.apply(sheet, "confirm", by=setup.chief, version=sheet.version)
