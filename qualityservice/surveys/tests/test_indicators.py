"""The survey figures published in the indicator registry: exact values on hand-made stored
aggregates, which survey rounds count in a period, the real answer path, constant query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qualityservice.core import indicators
from qualityservice.core.indicators import Period
from qualityservice.org.tests.factories import DepartmentFactory
from qualityservice.surveys import index
from qualityservice.surveys.models import Question, ResponseDay, ResultCell, SatisfactionIndex, Section, Survey
from qualityservice.surveys.tests.factories import add_responses, make_survey

KEYS = ["surveys.satisfaction_index", "surveys.nps"]


def at(day: datetime.date, hour=12):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


def survey_round(*, status=Survey.Status.CLOSED, closes_at=None, index=(), nps=(), **fields):
    """A survey with stored aggregates only: per-survey index rows ``index`` = [(department, mean, respondents)],
    NPS counters ``nps`` = [(department or None, {score: count})]."""
    survey = Survey.objects.create(title="后勤服务满意度调查", status=status, closes_at=closes_at, period="2025", **fields)
    section = Section.objects.create(survey=survey, order=1, title="总体")
    for department, mean, respondents in index:
        SatisfactionIndex.objects.create(department=department, survey=survey, period="2025", score=0, mean_rating=mean,
                                         respondents=respondents, answers=respondents, as_of=closes_at or timezone.now())
    for order, (department, counts) in enumerate(nps, start=1):
        question = Question.objects.create(survey=survey, section=section, order=order, kind=Question.Kind.NPS, text="推荐度",
                                           department=department)
        ResultCell.objects.bulk_create([ResultCell(survey=survey, question=question, value=v, count=n) for v, n in counts.items()])
    return survey


def values(org, period):
    return indicators.values(KEYS, [org.group.pk, org.wuye.pk, org.yinshi.pk], period)


@pytest.fixture
def rounds(org):
    march = survey_round(closes_at=at(datetime.date(2025, 3, 20)), index=[(org.wuye, 4.2, 10), (org.yinshi, 3.0, 5)],
                         nps=[(org.wuye, {10: 5, 9: 1, 8: 2, 6: 2}), (None, {9: 3, 3: 1})])
    rating = Question.objects.create(survey=march, section=march.sections.first(), order=9, kind=Question.Kind.RATING, text="总体",
                                     department=org.wuye)
    ResultCell.objects.create(survey=march, question=rating, value=1, count=50)  # not a recommendation question
    survey_round(closes_at=at(datetime.date(2025, 6, 10)), index=[(org.wuye, 3.0, 30)], nps=[(org.wuye, {0: 4})])
    # The cached period row of 2025 is not a survey round: never counted on top of the rounds.
    SatisfactionIndex.objects.create(department=org.wuye, survey=None, period="2025", score=1, mean_rating=1.04, respondents=999,
                                     answers=999, as_of=at(datetime.date(2025, 6, 10)))
    survey_round(status=Survey.Status.DRAFT, index=[(org.wuye, 1.0, 100)])  # a draft
    survey_round(is_template=True, closes_at=at(datetime.date(2025, 3, 1)), index=[(org.wuye, 1.0, 100)])  # a template
    return org


def test_it_combines_the_rounds_of_the_period_weighting_every_respondent_the_same(rounds):
    org = rounds
    march = values(org, Period.month(2025, 3))
    assert march.value("surveys.satisfaction_index", org.wuye.pk) == 80.0  # (4.2 − 1) / 4 × 100
    assert march.value("surveys.satisfaction_index", org.yinshi.pk) == 50.0
    assert march.value("surveys.satisfaction_index", org.group.pk) is None
    year = values(org, Period.year(2025))
    # m = (4.2 × 10 + 3.0 × 30) / 40 = 3.3 → (3.3 − 1) / 4 × 100
    assert year.value("surveys.satisfaction_index", org.wuye.pk) == 57.5
    assert values(org, Period.quarter(2025, 2)).value("surveys.satisfaction_index", org.wuye.pk) == 50.0
    assert values(org, Period.month(2025, 4)).value("surveys.satisfaction_index", org.wuye.pk) is None


def test_the_satisfaction_index_declares_its_respondents_as_its_basis(rounds):
    org = rounds
    march = indicators.values(KEYS, [org.group.pk, org.wuye.pk, org.yinshi.pk], Period.month(2025, 3), basis=True)
    assert [march.basis("surveys.satisfaction_index", d.pk) for d in (org.wuye, org.yinshi, org.group)] == [10, 5, None]
    year = indicators.values(KEYS, [org.wuye.pk], Period.year(2025), basis=True)
    assert year.basis("surveys.satisfaction_index", org.wuye.pk) == 40  # 10 + 30: the draft, template and period row left out
    assert indicators.get("surveys.nps").basis is None and year.basis("surveys.nps", org.wuye.pk) is None


def test_it_counts_promoters_and_detractors_and_gives_untagged_questions_to_the_group(rounds):
    org = rounds
    march = values(org, Period.month(2025, 3))
    assert march.value("surveys.nps", org.wuye.pk) == 40.0  # 6 promoters, 2 passives, 2 detractors of 10
    assert march.value("surveys.nps", org.group.pk) == 50.0  # the untagged question: 3 promoters, 1 detractor
    assert march.value("surveys.nps", org.yinshi.pk) is None
    assert values(org, Period.year(2025)).value("surveys.nps", org.wuye.pk) == 0.0  # 6 promoters, 6 detractors of 14
    without_group = indicators.values(["surveys.nps"], [org.wuye.pk], Period.month(2025, 3))
    assert without_group.data == {"surveys.nps": {org.wuye.pk: 40.0}}


def test_it_places_each_round_by_its_close_day_today_while_open_or_its_last_response(org):
    today = timezone.localdate()
    survey_round(status=Survey.Status.OPEN, closes_at=at(today + datetime.timedelta(days=30)), index=[(org.wuye, 5.0, 1)])
    survey_round(status=Survey.Status.OPEN, index=[(org.yinshi, 5.0, 1)])  # open without a close time
    closed_early = survey_round(closes_at=at(today + datetime.timedelta(days=30)), index=[(org.group, 3.0, 2)])
    ResponseDay.objects.create(survey=closed_early, day=datetime.date(2025, 9, 2), count=2)
    ResponseDay.objects.create(survey=closed_early, day=datetime.date(2025, 8, 30), count=1)
    this_month = values(org, Period.month(today.year, today.month))
    assert this_month.value("surveys.satisfaction_index", org.wuye.pk) == 100.0
    assert this_month.value("surveys.satisfaction_index", org.yinshi.pk) == 100.0
    assert this_month.value("surveys.satisfaction_index", org.group.pk) is None
    assert values(org, Period.month(2025, 9)).value("surveys.satisfaction_index", org.group.pk) == 50.0
    assert values(org, Period.month(2025, 8)).value("surveys.satisfaction_index", org.group.pk) is None


def test_it_gives_the_index_the_surveys_app_caches_for_real_answers(org):
    ns = make_survey(org)
    add_responses(ns, 3, rating=4, nps=9)
    add_responses(ns, 1, rating=2, nps=5)
    index.refresh_satisfaction_index([ns.survey])
    cached = {row.department_id: row.score for row in SatisfactionIndex.objects.filter(survey=ns.survey)}
    table = values(org, Period.this_year())
    assert table.value("surveys.satisfaction_index", org.yinshi.pk) == cached[org.yinshi.pk] == 62.5  # mean 3.5
    assert table.value("surveys.satisfaction_index", org.wuye.pk) == cached[org.wuye.pk] == 50.0
    assert table.value("surveys.nps", org.group.pk) == 50.0  # the untagged question: 3 promoters, 1 detractor


def _grow(departments, n):
    for i in range(n):
        survey_round(closes_at=at(datetime.date(2025, 3, 1 + i % 28)), index=[(d, 1 + (i % 5), 10 + i) for d in departments],
                     nps=[(d, {9: i + 1, 4: 1}) for d in departments] + [(None, {10: 2})])


@pytest.mark.parametrize("key", KEYS)
def test_it_costs_the_same_queries_for_2_or_6_departments_and_few_or_many_records(org, key):
    departments = [org.wuye, org.yinshi] + DepartmentFactory.create_batch(4, parent=org.group)
    counts = []
    for ids, n in (([d.pk for d in departments[:2]], 1), ([d.pk for d in departments], 1), ([d.pk for d in departments], 25)):
        _grow(departments, n)
        with CaptureQueriesContext(connection) as queries:
            result = indicators.get(key).compute([org.group.pk, *ids], Period.month(2025, 3))
        assert set(result) <= {org.group.pk, *ids} and result
        counts.append(len(queries))
    assert counts == [1, 1, 1]


def test_the_basis_of_the_satisfaction_index_costs_one_query_for_2_or_6_departments_and_few_or_many_records(org):
    departments = [org.wuye, org.yinshi] + DepartmentFactory.create_batch(4, parent=org.group)
    basis = indicators.get("surveys.satisfaction_index").basis
    counts = []
    for ids, n in (([d.pk for d in departments[:2]], 1), ([d.pk for d in departments], 1), ([d.pk for d in departments], 25)):
        _grow(departments, n)
        with CaptureQueriesContext(connection) as queries:
            result = basis(ids, Period.month(2025, 3))
        assert set(result) <= set(ids) and result
        counts.append(len(queries))
    assert counts == [1, 1, 1]
