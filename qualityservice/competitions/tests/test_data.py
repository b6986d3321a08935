"""What the app publishes and generates: the indicators (exact values on hand-made data, one query for any number of
departments), the demo data (a cooking contest with 6 contestants and 5 judges, one conflict, one anomaly,
published results and certificates; idempotent), the scale data, the periodic reminder job."""

import datetime as dt
import io
import random
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.celery import app as celery_app
from qualityservice.competitions import demo, scale, services, tasks
from qualityservice.competitions.models import (
    Appointment,
    Certificate,
    Competition,
    Conflict,
    Contestant,
    Entry,
    Flag,
    Round,
    Sheet,
    SheetVersion,
)
from qualityservice.competitions.workflows import CERTIFICATE, CONTESTANT, ROUND
from qualityservice.core import indicators, registry
from qualityservice.core.indicators import Period
from qualityservice.org import demo as org_demo
from qualityservice.org.tests.factories import DepartmentFactory

from .factories import build, confirm_all, score, sheets_of, values

pytestmark = pytest.mark.django_db

KEYS = ["competitions.contestants", "competitions.awards", "competitions.mean_score"]


@pytest.fixture
def finished(org):
    """Contestants 1–2 of the catering centre and 3 of the property centre, scored 9, 8 and 7 on every criterion."""
    setup = build(org, contestants=2, panel=1, reserves=0, open_round=False)
    contestant, _created = services.sign_up(setup.competition, org.staff_wuye.staff, by=org.supervisor, key=None)
    CONTESTANT.apply(contestant, "approve", by=org.supervisor)
    rnd = setup.round
    rnd = ROUND.apply(rnd, "open", by=org.supervisor)
    for sheet in sheets_of(rnd):
        score(sheet, values(*(10 - sheet.entry.contestant.number,) * 3))
    ROUND.apply(rnd, "close", by=org.supervisor)
    setup.round = rnd
    confirm_all(setup)
    ROUND.apply(rnd, "verify", by=setup.chief)
    ROUND.apply(Round.objects.get(pk=rnd.pk), "publish", by=org.supervisor)
    Round.objects.filter(pk=rnd.pk).update(notice_until=timezone.now() - dt.timedelta(minutes=1))
    ROUND.apply(Round.objects.get(pk=rnd.pk), "finalise", by=org.supervisor)
    services.issue_certificates(setup.competition, by=org.supervisor)
    return setup


def _values(org, period):
    return indicators.values(KEYS, [org.yinshi.pk, org.wuye.pk, org.office.pk], period)


def test_the_indicators_count_contestants_and_awards_and_average_the_scores_per_department(org, finished):
    table = _values(org, Period.this_year())
    assert [table.value("competitions.contestants", d) for d in (org.yinshi.pk, org.wuye.pk, org.office.pk)] == [2, 1, 0]
    # Awards: first and second prize, both to the catering centre.
    assert [table.value("competitions.awards", d) for d in (org.yinshi.pk, org.wuye.pk, org.office.pk)] == [2, 0, 0]
    # Mean score as a share of the maximum (Σ weight × 10 = 30): catering (27 + 24) / 2 / 30 = 85 %, property 21 / 30 = 70 %.
    assert table.value("competitions.mean_score", org.yinshi.pk) == Decimal("85.0")
    assert table.value("competitions.mean_score", org.wuye.pk) == Decimal("70.0")
    assert table.value("competitions.mean_score", org.office.pk) is None
    assert _values(org, Period.year(2001)).value("competitions.contestants", org.yinshi.pk) == 0
    first = Certificate.objects.get(rank=1)
    CERTIFICATE.apply(first, "revoke", by=org.supervisor, reason="违规")
    assert _values(org, Period.this_year()).value("competitions.awards", org.yinshi.pk) == 1


@pytest.mark.parametrize("key", KEYS)
def test_each_indicator_costs_one_query_for_2_or_6_departments_and_few_or_many_records(org, finished, key):
    small = [org.yinshi.pk, org.wuye.pk]
    large = small + [DepartmentFactory().pk for _ in range(4)]
    for ids in (small, large):
        with CaptureQueriesContext(connection) as queries:
            indicators.get(key).compute(ids, Period.this_year())
        assert len(queries) == 1


def test_the_demo_builds_the_cooking_contest_the_issue_asks_for_and_a_second_run_adds_nothing(db):
    org_demo.seed(io.StringIO(), random.Random(2026))
    out = io.StringIO()
    accounts = demo.seed(out, random.Random(2026))
    assert "chief_judge" in accounts
    cooking = Competition.objects.get(title="2026年烹饪技能大比武")
    assert cooking.status == Competition.Status.FINISHED
    assert cooking.contestants.filter(status=Contestant.Status.APPROVED).count() == 6
    judges = cooking.appointments.exclude(role=Appointment.Role.RESERVE)
    assert judges.count() == 5 and cooking.appointments.filter(role=Appointment.Role.RESERVE).count() == 1
    assert Conflict.objects.filter(appointment__competition=cooking).count() == 1
    final = cooking.rounds.get()
    assert final.status == Round.Status.FINAL and final.scoring_closes_at < timezone.now() - dt.timedelta(days=14)
    assert Flag.objects.filter(round=final, kind=Flag.Kind.OUTLIER, status=Flag.Status.RETURNED).count() == 1
    assert SheetVersion.objects.filter(sheet__round=final, number=2, reason__contains="更正").count() == 1
    assert Sheet.objects.filter(round=final, as_reserve=True).count() == 1
    assert list(Entry.objects.filter(round=final).order_by("rank").values_list("rank", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert cooking.certificates.count() == 4
    assert list(final.objections.order_by("pk").values_list("source", "status")) == [("staff", "answered"), ("public", "answered")]
    assert final.objections.get(source="public").name == "李老师"
    cleaning = Competition.objects.get(title="2026年客房保洁技能比武")
    assert cleaning.normalisation == "offset"
    assert cleaning.rounds.get(number=1).status == Round.Status.SCORING
    assert Sheet.objects.filter(round__competition=cleaning, appointment__staff__user__username="judge", status=Sheet.Status.DRAFT).count() == 6
    assert Competition.objects.get(title="维修服务中心电工技能比武").status == Competition.Status.SIGNUP
    counts = (Competition.objects.count(), Sheet.objects.count(), Certificate.objects.count(), Flag.objects.count())
    demo.seed(out, random.Random(7))
    assert (Competition.objects.count(), Sheet.objects.count(), Certificate.objects.count(), Flag.objects.count()) == counts


def test_the_scale_data_adds_finished_competitions_with_their_sheets_and_standings(org):
    from qualityservice.org.tests.factories import StaffFactory

    for i in range(30):
        StaffFactory(department=org.yinshi if i % 2 else org.wuye)
    assert "competitions" in scale.COUNTS
    scale.generate(io.StringIO(), random.Random(1), {"competitions": 2})
    assert Competition.objects.filter(status=Competition.Status.FINISHED).count() == 2
    assert Sheet.objects.filter(status=Sheet.Status.CONFIRMED).count() == 2 * 20 * 7
    for rnd in Round.objects.all():
        assert sorted(rnd.entries.values_list("rank", flat=True)) == list(range(1, 21))
    assert Certificate.objects.count() == 6 and len(set(Certificate.objects.values_list("serial", flat=True))) == 6
    assert _values(org, Period(timezone.localdate() - dt.timedelta(days=800), timezone.localdate())).value(
        "competitions.mean_score", org.yinshi.pk) is not None


def test_the_reminder_job_is_in_the_beat_schedule_and_reminds_each_rounds_judges_once(org, settings, django_capture_on_commit_callbacks):
    entry = registry.beat_schedule()["competitions-remind-judges"]
    assert entry == {"task": "competitions.remind_judges", "schedule": 900.0} and entry["task"] in celery_app.tasks
    settings.QS_COMPETITIONS_REMIND_HOURS = 2
    setup = build(org, contestants=1, panel=1, reserves=0)
    for user in setup.judges:
        user.email = f"{user.username}@example.edu.cn"
        user.save()
    score(sheets_of(setup.round, setup.appointments[0])[0], values(8, 8, 8))
    assert tasks.remind_judges() == 0  # closes in 3 hours: not yet
    Round.objects.filter(pk=setup.round.pk).update(scoring_closes_at=timezone.now() + dt.timedelta(minutes=90))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.remind_judges() == 1
    assert tasks.remind_judges() == 0  # once
    reminded = [m.to for m in mail.outbox if "评分表待提交" in m.subject]
    assert reminded == [[f"{setup.judges[1].username}@example.edu.cn"]]  # only the judge who still has a sheet to submit
