"""What the app publishes and generates: the indicator (one query for every department), the demo data
(procedures with two versions, some not revised this year; the duties of every post org's demo uses;
idempotent), the app's wiring (no periodic job, no public page)."""

import datetime as dt
import io
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qualityservice.core import indicators, registry
from qualityservice.core.indicators import Period
from qualityservice.org import demo as org_demo
from qualityservice.org.models import Department, Staff
from qualityservice.org.tests.factories import DepartmentFactory
from qualityservice.standards import demo, services
from qualityservice.standards.models import PostStandard, Procedure, ProcedureVersion

from .helpers import make_procedure, new_version

pytestmark = pytest.mark.django_db


def test_the_indicator_counts_the_versions_recorded_per_department_in_one_query(org, django_assert_num_queries):
    procedure = make_procedure(org)
    new_version(org, procedure)
    old = make_procedure(org, department=org.yinshi, number="YS-1", by=org.head_yinshi)
    ProcedureVersion.objects.filter(procedure=old).update(recorded_at=timezone.now() - dt.timedelta(days=800))
    ids = [org.wuye.pk, org.yinshi.pk, org.office.pk]
    with django_assert_num_queries(1):
        table = indicators.values(["standards.versions_recorded"], ids, Period.this_year())
    assert [table.value("standards.versions_recorded", d) for d in ids] == [2, 0, 0]
    when = timezone.localdate(timezone.now() - dt.timedelta(days=800))
    table = indicators.values(["standards.versions_recorded"], ids, Period(when, when))
    assert [table.value("standards.versions_recorded", d) for d in ids] == [0, 1, 0]


def test_the_indicator_costs_one_query_for_2_and_6_departments(org):
    def count(ids):
        with CaptureQueriesContext(connection) as queries:
            indicators.values(["standards.versions_recorded"], ids, Period.this_year())
        return len(queries)

    few = count([org.wuye.pk, org.yinshi.pk])
    more = []
    for i in range(4):
        centre = DepartmentFactory(code=f"c{i}", parent=org.group)
        new_version(org, make_procedure(org, department=centre, number=f"N{i}", by=org.supervisor))
        more.append(centre.pk)
    assert count([org.wuye.pk, org.yinshi.pk, *more]) == few == 1


def test_the_demo_records_procedures_in_two_versions_and_the_duties_of_every_demo_post_and_a_second_run_adds_nothing():
    org_demo.seed(io.StringIO(), random.Random(2026))
    out = io.StringIO()
    demo.seed(out, random.Random(2026))
    versions = sorted(ProcedureVersion.objects.values_list("procedure__number", "version"))
    revised = {n for n, v in versions if v == "V2.0"}
    assert len(revised) >= 6 and {"YS-CZ-002", "GY-CZ-001", "SM-CZ-001"} <= {n for n, _v in versions} - revised
    for procedure in Procedure.objects.select_related("current_version"):
        assert procedure.current_version.sequence == procedure.versions.count()
    # Every post of the demo staff has its duties.
    posts = set(Staff.objects.values_list("department_id", "post"))
    assert posts == set(PostStandard.objects.values_list("department_id", "post"))
    cleaner = PostStandard.objects.get(department__code="wuye", post="保洁员")
    assert cleaner.post_en == "Cleaner" and len(cleaner.duty_list) == 3 and cleaner.public_standard
    # The supervisor's "not updated" list has the centres that revised nothing this year.
    since = timezone.localdate().replace(month=1, day=1)
    stale = {row["department"].code for row in services.not_updated_since(Department.objects.centres(), since)}
    assert {"gongyu", "shangmao"} <= stale and "wuye" not in stale
    demo.seed(out, random.Random(7))
    assert sorted(ProcedureVersion.objects.values_list("procedure__number", "version")) == versions
    assert PostStandard.objects.count() == len(posts)


def test_the_app_has_staff_pages_only_and_no_periodic_job():
    assert not any(name.startswith("standards") for name in registry.periodic_jobs())


def test_the_scale_data_adds_the_procedures_asked_for_each_with_two_versions_the_second_current(org):
    from qualityservice.standards import scale

    assert "standards" in scale.COUNTS
    scale.generate(io.StringIO(), random.Random(1), {"standards": 40})
    assert Procedure.objects.count() == 40 and ProcedureVersion.objects.count() == 80
    assert not Procedure.objects.exclude(current_version__sequence=2).exists()
    scale.generate(io.StringIO(), random.Random(2), {"standards": 5})  # run again: more, no clash of numbers
    assert Procedure.objects.count() == 45
