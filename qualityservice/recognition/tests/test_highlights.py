"""``highlights.stars_named``: the winners of the rounds made final in a period, as typed values for the work
bulletin (news reads them through core.registry.optional_function), in one query; rounds still in the public
notice and the nominees who did not win are left out."""

import dataclasses
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from qualityservice.core import registry
from qualityservice.recognition import highlights, services
from qualityservice.recognition.models import Nomination

from .factories_results import round_with_jury, score

pytestmark = pytest.mark.django_db

VOTES = [[0, 1]] * 4 + [[0]] * 2 + [[2]] * 2


def noticed_round(org, title="2026年度服务明星"):
    """A round in the public notice: 候选人2 (the staff member 物业员工) and 候选人1 win, 候选人3 does not."""
    rnd, nominations, members = round_with_jury(org, votes=VOTES, winners=2)
    rnd.title = title
    rnd.save(update_fields=["title"])
    Nomination.objects.filter(pk=nominations[1].pk).update(staff=org.staff_wuye.staff)
    services.move_round(rnd, "close_vote", by=org.supervisor)
    for member in members:
        score(member, nominations, {0: (5, 5), 1: (9, 9), 2: (7, 7)})
    services.move_round(rnd, "publish", by=org.supervisor)
    rnd.refresh_from_db()
    return rnd


def final_round(org, title="2026年度服务明星"):
    rnd = noticed_round(org, title)
    services.move_round(rnd, "finalise", by=org.supervisor)
    rnd.refresh_from_db()
    return rnd


def _today():
    return timezone.localdate()


def test_it_names_the_winners_of_a_round_made_final_in_the_period(org):
    rnd = final_round(org)
    stars = highlights.stars_named(_today() - dt.timedelta(days=3), _today())
    assert [(s.name, s.department, s.round_title, s.kind) for s in stars] == [
        ("物业员工", "物业管理中心", "2026年度服务明星", "服务明星"), ("候选人1", "物业管理中心", "2026年度服务明星", "服务明星")]
    assert stars[0].named_on == _today() and stars[0].public_url == reverse("recognition:winners", args=[rnd.code])
    assert dataclasses.is_dataclass(stars[0]) and isinstance(stars[0], highlights.Star)
    with pytest.raises(dataclasses.FrozenInstanceError):
        stars[0].name = "x"


def test_it_leaves_out_rounds_in_the_notice_the_losers_and_other_periods(org):
    noticed_round(org, "仍在公示的评选")
    assert highlights.stars_named(_today(), _today()) == []
    final_round(org)
    names = [s.name for s in highlights.stars_named(_today(), _today())]
    assert "候选人3" not in names and len(names) == 2
    assert highlights.stars_named(dt.date(2001, 1, 1), dt.date(2001, 12, 31)) == []


def test_it_costs_one_query_whatever_the_number_of_rounds(org, django_assert_num_queries):
    final_round(org, "第一轮")
    with django_assert_num_queries(1):
        one = highlights.stars_named(_today(), _today())
    final_round(org, "第二轮")
    with django_assert_num_queries(1):
        two = highlights.stars_named(_today(), _today())
    assert (len(one), len(two)) == (2, 4)


def test_other_apps_find_it_through_the_registry():
    assert registry.optional_function("qualityservice.recognition", "highlights", "stars_named") is highlights.stars_named
