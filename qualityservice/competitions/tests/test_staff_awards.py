"""``staff_awards``: a staff member's placings (valid certificates) in a period, for recognition's supporting
facts; one query for any number of staff members."""

import datetime as dt

import pytest
from django.utils import timezone

from qualityservice.competitions.models import Certificate
from qualityservice.competitions.services import staff_awards

from .factories import build

pytestmark = pytest.mark.django_db


def test_it_lists_the_valid_certificates_issued_in_the_period(org, django_assert_num_queries):
    setup = build(org, contestants=2, open_round=False)
    first, second = setup.contestants
    for contestant, rank, status in ((first, 1, Certificate.Status.VALID), (second, 2, Certificate.Status.REVOKED)):
        Certificate.objects.create(competition=setup.competition, contestant=contestant, department_id=contestant.staff.department_id,
                                   serial=f"TEST-{rank}", award="一等奖" if rank == 1 else "二等奖", award_en="First prize",
                                   rank=rank, status=status)
    today = timezone.localdate()
    with django_assert_num_queries(1):
        awards = staff_awards([first.staff_id, second.staff_id], today - dt.timedelta(days=7), today)
    assert [(a.competition, a.award, a.rank, a.issued_on) for a in awards[first.staff_id]] == [("2026年烹饪技能比武", "一等奖", 1, today)]
    assert awards[second.staff_id] == []  # revoked
    assert staff_awards([first.staff_id], today - dt.timedelta(days=30), today - dt.timedelta(days=8)) == {first.staff_id: []}
