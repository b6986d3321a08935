"""``critical_failures``: the submitted inspections of a department in a period with a failed critical item
(recognition's veto), in one query for any number of departments."""

import datetime as dt

import pytest
from django.utils import timezone

from qualityservice.inspections import services

from .helpers import answer_all, items_of, make_inspection

pytestmark = pytest.mark.django_db


def test_it_lists_the_failed_critical_items_of_submitted_inspections_in_the_period(org, django_assert_num_queries):
    failing = make_inspection(org.wuye, inspector=org.supervisor, title="督查")
    critical = next(i for i in items_of(failing.template) if i.is_critical and not i.is_scored)
    ordinary = next(i for i in items_of(failing.template) if not i.is_critical and not i.is_scored)
    answer_all(failing, org.supervisor, fail={critical.pk, ordinary.pk})
    services.submit_inspection(failing, org.supervisor)
    passing = make_inspection(org.yinshi, inspector=org.supervisor)
    answer_all(passing, org.supervisor, fail={ordinary.pk})
    services.submit_inspection(passing, org.supervisor)
    draft = make_inspection(org.yinshi, inspector=org.supervisor, title="未提交")
    answer_all(draft, org.supervisor, fail={critical.pk})
    today = timezone.localdate()
    with django_assert_num_queries(1):
        found = services.critical_failures([org.wuye.pk, org.yinshi.pk], today - dt.timedelta(days=1), today)
    assert [(f.title, f.item, f.submitted_on) for f in found[org.wuye.pk]] == [("督查", critical.text, today)]
    assert found[org.yinshi.pk] == []
    assert services.critical_failures([org.wuye.pk], today + dt.timedelta(days=1), today + dt.timedelta(days=2)) == {org.wuye.pk: []}
