"""Recognition's veto (一票否决) reads ``services.not_eligible_departments(year)``: every department the year's
published evaluation marks not eligible (a gate failed, or the supervisor marked it), with the reason in the
reader's language; nothing before the result is on public notice."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from qualityservice.core.registry import optional_function
from qualityservice.evaluation import services
from qualityservice.evaluation.models import Result
from qualityservice.evaluation.workflows import SCHEME

pytestmark = pytest.mark.django_db
D = Decimal


def _scheme(org, live, year=2026, version_of=None):
    live["evaluation.test_rate"] = {org.wuye.pk: D(95), org.yinshi.pk: D(90), org.office.pk: D(60)}
    live["evaluation.test_gate"] = {org.wuye.pk: D(50), org.yinshi.pk: D(100), org.office.pk: None}
    scheme, _ = services.create_scheme(key=None, by=org.supervisor, year=year, title=f"{year}年度考核")
    services.set_component(scheme, indicator="evaluation.test_rate", weight=100, floor=0, target=100)
    services.set_gate(scheme, indicator="evaluation.test_gate", minimum=100)
    services.add_veto(scheme, key=None, by=org.supervisor, department=org.yinshi, reason="发生较大食品安全事故")
    return scheme


def test_it_names_the_gated_and_the_marked_departments_of_the_published_result_with_their_reasons(org, live):
    scheme = SCHEME.apply(_scheme(org, live), "freeze", by=org.supervisor)
    assert services.not_eligible_departments(2026) == {}  # frozen, not yet on public notice
    SCHEME.apply(scheme, "notice", by=org.supervisor)
    with translation.override("zh-hans"):
        found = services.not_eligible_departments(2026)
    assert set(found) == {org.wuye.pk, org.yinshi.pk}
    assert "Test required done" in found[org.wuye.pk] and "50" in found[org.wuye.pk] and "100.00" in found[org.wuye.pk]
    assert "未达否决项" in found[org.wuye.pk]
    assert found[org.yinshi.pk] == "督查部门认定不参与评优：发生较大食品安全事故"
    with translation.override("en"):
        english = services.not_eligible_departments(2026)
    assert english[org.yinshi.pk] == "Marked not eligible by the supervisor: 发生较大食品安全事故"
    assert english[org.wuye.pk].startswith("Gate not met: Test required done is 50")
    yinshi = Result.objects.get(scheme=scheme, department=org.yinshi)
    assert (yinshi.gated, yinshi.grade) == (True, "pass")  # 90 points, but not eligible: at most 合格
    assert services.not_eligible_departments(2025) == {}


def test_it_reads_the_newest_published_version_in_two_queries(org, live, django_assert_num_queries):
    first = SCHEME.apply(_scheme(org, live), "freeze", by=org.supervisor)
    SCHEME.apply(first, "notice", by=org.supervisor)
    second = services.new_version(first, by=org.supervisor, reason="更正")
    second.vetoes.all().delete()
    for action in ("freeze", "notice"):
        second = SCHEME.apply(second, action, by=org.supervisor)
    with django_assert_num_queries(2):
        found = services.not_eligible_departments(2026)
    assert set(found) == {org.wuye.pk}


def test_it_grades_a_marked_department_at_most_pass_and_recomputes_it_from_the_snapshot(org, live):
    scheme = SCHEME.apply(_scheme(org, live), "freeze", by=org.supervisor)
    yinshi = Result.objects.get(scheme=scheme, department=org.yinshi)
    assert (yinshi.total, yinshi.gated, yinshi.grade, yinshi.inputs["veto"]) == (D("90.00"), True, "pass", "发生较大食品安全事故")
    results = list(Result.objects.filter(scheme=scheme))
    again = {o.department_id: (o.total, o.grade, o.gated) for o in services.recompute(results)}
    assert again == {r.department_id: (r.total, r.grade, r.gated) for r in results}


def test_it_refuses_a_mark_without_a_reason_or_on_a_frozen_scheme(org, live):
    scheme = _scheme(org, live)
    with pytest.raises(ValidationError):
        services.add_veto(scheme, key=None, by=org.supervisor, department=org.office, reason="  ")
    scheme = SCHEME.apply(scheme, "freeze", by=org.supervisor)
    with pytest.raises(ValidationError):
        services.add_veto(scheme, key=None, by=org.supervisor, department=org.office, reason="迟报")
    assert list(scheme.vetoes.values_list("department", flat=True)) == [org.yinshi.pk]


def test_recognition_finds_it_through_the_registry():
    assert optional_function("qualityservice.evaluation", "services", "not_eligible_departments") is services.not_eligible_departments
