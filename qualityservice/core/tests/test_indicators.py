"""The indicator registry (core.indicators): registration, look-up, the values table, periods."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from qualityservice.core import indicators
from qualityservice.core.indicators import (
    HIGHER_BETTER,
    LOWER_BETTER,
    DuplicateIndicator,
    Indicator,
    Period,
    UnknownIndicator,
)

SHIPPED = [
    "feedback.received", "feedback.complaints_per_100_staff", "feedback.on_time_rate", "feedback.callback_satisfaction",
    "feedback.reopened_rate", "inspections.mean_score", "inspections.pass_rate", "inspections.rectification_on_time_rate",
    "inspections.overdue_rectifications", "surveys.satisfaction_index", "surveys.nps",
]


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for the test (the apps' indicators come back afterwards)."""
    monkeypatch.setattr(indicators, "_registry", {})
    return indicators


def make(key="demo.figure", calls=None, result=None, **fields):
    def compute(department_ids, period):
        if calls is not None:
            calls.append((tuple(department_ids), period))
        return dict(result or {})

    defaults = {"label": "Figure", "definition": "What it counts", "unit": "%", "direction": HIGHER_BETTER, "source": key.split(".")[0],
                "compute": compute}
    defaults.update(fields)
    return Indicator(key=key, **defaults)


def test_it_refuses_a_second_indicator_with_a_key_already_taken(registry):
    registry.register(make("demo.figure"))
    with pytest.raises(DuplicateIndicator, match="demo.figure"):
        registry.register(make("demo.figure", unit="items"))
    assert [i.unit for i in registry.all()] == ["%"]


def test_it_accepts_the_same_indicator_object_twice_as_one(registry):
    figure = make("demo.figure")
    registry.register(figure)
    registry.register(figure)
    assert registry.all() == [figure]


def test_it_raises_for_an_unknown_key_and_computes_nothing(registry):
    calls = []
    registry.register(make("demo.figure", calls=calls))
    with pytest.raises(UnknownIndicator):
        registry.get("demo.nothing")
    with pytest.raises(UnknownIndicator):
        registry.values(["demo.figure", "demo.nothing"], [1, 2], Period.year(2026))
    assert calls == []


def test_it_refuses_a_key_that_does_not_name_its_source_app(registry):
    with pytest.raises(ImproperlyConfigured):
        make("feedback.received", source="surveys")
    with pytest.raises(ImproperlyConfigured):
        make("Feedback Received", source="feedback")
    with pytest.raises(ImproperlyConfigured):
        make("demo.figure", direction="sideways")
    with pytest.raises(ImproperlyConfigured):
        registry.register("demo.figure")


def test_it_computes_all_departments_in_one_call_and_keeps_only_those_asked(registry):
    calls = []
    registry.register(make("demo.a", calls=calls, result={1: 10, 2: 20, 99: 5}), make("demo.b", result={2: 2.5}))
    table = registry.values(None, [1, 2, 3, 2], Period.month(2026, 3))
    assert calls == [((1, 2, 3), Period.month(2026, 3))]  # one call for every department, duplicates dropped
    assert table.department_ids == (1, 2, 3)
    assert table.data == {"demo.a": {1: 10, 2: 20, 3: None}, "demo.b": {1: None, 2: 2.5, 3: None}}  # 99 was not asked for
    assert [(i.key, v) for i, v in table.rows()] == [("demo.a", [10, 20, None]), ("demo.b", [None, 2.5, None])]
    assert table.value("demo.b", 2) == 2.5
    with pytest.raises(UnknownIndicator):
        table.value("demo.c", 2)


def test_it_computes_only_the_keys_asked_and_nothing_without_departments(registry):
    calls_a, calls_b = [], []
    registry.register(make("demo.a", calls=calls_a), make("demo.b", calls=calls_b))
    table = registry.values(["demo.b"], [4], Period.year(2026))
    assert [i.key for i in table.indicators] == ["demo.b"] and calls_a == [] and len(calls_b) == 1
    assert registry.values(None, [], Period.year(2026)).data == {"demo.a": {}, "demo.b": {}}
    assert len(calls_b) == 1


def test_it_computes_the_declared_basis_of_a_rate_only_when_asked_and_only_where_there_is_a_value(registry):
    basis_calls = []

    def basis(department_ids, period):
        basis_calls.append(tuple(department_ids))
        return {1: 40, 2: 3, 3: 7, 99: 1000}

    registry.register(make("demo.rate", result={1: 92.5, 2: 66.7}, basis=basis), make("demo.count", result={1: 12}))
    plain = registry.values(None, [1, 2, 3], Period.month(2026, 3))
    assert basis_calls == [] and plain.bases == {} and plain.basis("demo.rate", 1) is None  # not asked: nothing computed
    table = registry.values(None, [1, 2, 3], Period.month(2026, 3), basis=True)
    assert basis_calls == [(1, 2, 3)]  # one call for every department, like compute
    assert table.bases == {"demo.rate": {1: 40, 2: 3, 3: None}}  # 3 has no value, so no basis; 99 was not asked for
    assert (table.basis("demo.rate", 1), table.basis("demo.rate", 2), table.basis("demo.count", 1)) == (40, 3, None)
    assert table.value("demo.rate", 1) == 92.5  # the values are the same either way
    with pytest.raises(UnknownIndicator):
        table.basis("demo.other", 1)


def test_an_indicator_declares_no_basis_unless_it_says_so():
    assert make("demo.figure").basis is None


def test_it_shows_values_with_the_indicators_decimals():
    assert make(decimals=1).display(66.66666) == "66.7"
    assert make(decimals=2).display(3.5) == "3.50"
    assert make(decimals=0).display(12) == "12"
    assert make().display(None) == "—"


def test_it_links_a_figure_to_its_records_only_when_the_indicator_offers_a_list():
    from django.urls import NoReverseMatch

    def missing(department_id, period):
        raise NoReverseMatch("not wired")

    period = Period.year(2026)
    assert make().records_link(3, period) is None  # indicators without a drill-down keep working
    assert make(records_url=lambda d, p: f"/staff/x/?department={d}&from={p.start}").records_link(3, period) == (
        "/staff/x/?department=3&from=2026-01-01")
    assert make(records_url=missing).records_link(3, period) is None


def test_it_builds_periods_of_a_year_a_quarter_a_month_and_this_year():
    assert Period.year(2026) == Period(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    assert Period.quarter(2026, 1) == Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    assert Period.quarter(2026, 4) == Period(datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))
    assert Period.month(2024, 2) == Period(datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))
    assert Period.this_year(datetime.date(2027, 5, 6)) == Period.year(2027)
    for period in (Period.year(2026), Period.quarter(2026, 2), Period.month(2026, 11),
                   Period(datetime.date(2026, 1, 5), datetime.date(2026, 2, 3))):
        assert Period.parse(period.key) == period
    assert [Period.year(2026).key, Period.quarter(2026, 2).key, Period.month(2026, 3).key] == ["2026", "2026-Q2", "2026-03"]
    for bad in ("", "26", "2026-13", "2026-Q5", "2026-02-03..2026-01-01", "next year"):
        with pytest.raises(ValueError):
            Period.parse(bad)
    with pytest.raises(ValueError):
        Period.quarter(2026, 0)


def test_it_bounds_a_period_by_local_midnights():
    start, end = Period.month(2026, 3).bounds()
    assert (start.isoformat(), end.isoformat()) == ("2026-03-01T00:00:00+08:00", "2026-04-01T00:00:00+08:00")
    march = Period.month(2026, 3)
    assert datetime.date(2026, 3, 31) in march and datetime.date(2026, 4, 1) not in march
    # 16:30 UTC on 31 March is already 1 April in China.
    assert datetime.datetime(2026, 3, 31, 16, 30, tzinfo=datetime.UTC) not in march


def test_it_labels_periods_in_the_users_language():
    with translation.override("zh-hans"):
        assert [str(Period.year(2026)), str(Period.quarter(2026, 1)), str(Period.month(2026, 3))] == [
            "2026年", "2026年第1季度", "2026年3月"]
    with translation.override("en"):
        assert [str(Period.year(2026)), str(Period.quarter(2026, 1)), str(Period.month(2026, 3))] == [
            "Year 2026", "Q1 2026", "2026-03"]


def test_it_publishes_the_shipped_indicators_of_the_apps_that_own_the_data():
    keys = [i.key for i in indicators.all()]
    assert [k for k in keys if k in SHIPPED] == SHIPPED
    for indicator in indicators.all():
        assert indicator.key.startswith(indicator.source + ".")
        with translation.override("en"):
            english = (str(indicator.label), str(indicator.definition))
        with translation.override("zh-hans"):
            chinese = (str(indicator.label), str(indicator.definition))
        assert all(english) and all(chinese)
        assert english[0] != chinese[0] and english[1] != chinese[1], indicator.key  # translated
    assert indicators.get("feedback.reopened_rate").direction == LOWER_BETTER
    with translation.override("zh-hans"):
        assert str(indicators.get("feedback.received").label) == "受理量"
        assert indicators.get("surveys.nps").source_name == "问卷调查"


def test_it_reports_the_group_and_its_centres_in_each_users_scope(org):
    assert [d.code for d in indicators.departments_for(org.supervisor)] == ["grp", "wuye", "yinshi", "office"]
    assert [d.code for d in indicators.departments_for(org.head_wuye)] == ["wuye"]
    assert [d.code for d in indicators.departments_for(org.head_yinshi)] == ["yinshi"]
    org.yinshi.is_active = False
    org.yinshi.save()
    assert [d.code for d in indicators.departments_for(org.admin)] == ["grp", "wuye", "office"]
    from django.contrib.auth.models import AnonymousUser

    assert indicators.departments_for(AnonymousUser()) == []
