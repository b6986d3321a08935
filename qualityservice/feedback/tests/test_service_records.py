"""``staff_service_records``: what other apps (recognition's supporting facts and veto) read about a staff
member's feedback in a period — praise, badge ratings (mean of the six checks, count) and the complaints
substantiated (answered as valid) — in a constant number of queries."""

import datetime as dt

import pytest
from django.utils import timezone

from qualityservice.feedback.models import Feedback, Kind, Rating
from qualityservice.feedback.services import staff_service_records
from qualityservice.feedback.workflows import FEEDBACK

from .factories import make_feedback

pytestmark = pytest.mark.django_db


def test_it_counts_praise_ratings_and_answered_complaints_in_the_period_only(org, django_assert_num_queries):
    staff, other = org.staff_wuye.staff, org.staff_yinshi.staff
    make_feedback(org, kind=Kind.PRAISE, staff=staff, title="感谢")
    old = make_feedback(org, kind=Kind.PRAISE, staff=staff, title="去年的表扬")
    Feedback.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=400))
    answered = make_feedback(org, staff=staff, title="态度生硬")
    FEEDBACK.apply(answered, "resolve", system=True, note="经核实情况属实。")
    make_feedback(org, staff=staff, title="尚未处理")  # not answered: not counted
    Rating.objects.create(staff=staff, skill=5, attitude=5, environment=5, process=5, appearance=4, language=4)
    Rating.objects.create(staff=staff, skill=3, attitude=3, environment=3, process=3, appearance=3, language=3)
    today = timezone.localdate()
    with django_assert_num_queries(2):
        records = staff_service_records([staff.pk, other.pk], today - dt.timedelta(days=30), today)
    mine = records[staff.pk]
    assert (mine.praise, mine.rating_count, mine.rating_mean) == (1, 2, 3.83)
    assert [(c.code, c.title) for c in mine.substantiated] == [(answered.code, "态度生硬")]
    assert records[other.pk] == type(mine)()  # nothing about the other person
