"""``highlights.ideas_adopted``: the ideas adopted in a period, as typed values for the work bulletin (news reads
them through core.registry.optional_function), in one query; ideas not adopted, stopped since, or adopted in
another period are left out, and no author is named."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from qualityservice.core import registry
from qualityservice.ideas import highlights
from qualityservice.ideas.models import Idea
from qualityservice.ideas.workflows import IDEA

from .factories import make_idea, make_round, score, to_review

pytestmark = pytest.mark.django_db


def adopted_idea(org, title="食堂后厨照明改用LED灯", **extra):
    idea = make_idea(make_round(), org.staff_wuye, title=title, **extra)
    reviewer = org.judge
    to_review(idea, org.supervisor, [reviewer])
    score(idea, reviewer)
    return IDEA.apply(idea, "adopt", by=org.supervisor, owner=org.head_wuye)


def _today():
    return timezone.localdate()


def test_it_gives_the_ideas_adopted_in_the_period_with_department_category_and_public_page(org):
    idea = adopted_idea(org)
    found = highlights.ideas_adopted(_today() - dt.timedelta(days=7), _today())
    assert found == [highlights.AdoptedIdea(title="食堂后厨照明改用LED灯", department="物业管理中心", category="节能降耗",
                                            adopted_on=_today(), verified_yuan=None, public_url=idea.get_public_url())]
    with pytest.raises(dataclasses.FrozenInstanceError):
        found[0].title = "x"
    assert "物业员工" not in repr(found)  # the author is not named


def test_the_verified_saving_is_given_once_the_benefit_is_verified(org):
    idea = adopted_idea(org)
    Idea.objects.filter(pk=idea.pk).update(status=Idea.Status.MEASURED, verified_at=timezone.now(), verified_yuan=Decimal("20819.60"))
    assert [i.verified_yuan for i in highlights.ideas_adopted(_today(), _today())] == [Decimal("20819.60")]


def test_it_leaves_out_ideas_not_adopted_stopped_or_adopted_in_another_period(org):
    make_idea(make_round(), org.staff_wuye, title="尚未评审的点子")
    stopped = adopted_idea(org, title="后来中止的点子")
    Idea.objects.filter(pk=stopped.pk).update(status=Idea.Status.STOPPED)
    old = adopted_idea(org, title="去年的点子")
    Idea.objects.filter(pk=old.pk).update(adopted_at=timezone.now() - dt.timedelta(days=400))
    adopted_idea(org, title="本期采纳的点子")
    assert [i.title for i in highlights.ideas_adopted(_today() - dt.timedelta(days=30), _today())] == ["本期采纳的点子"]


def test_it_costs_one_query_whatever_the_number_of_ideas(org, django_assert_num_queries):
    adopted_idea(org, title="一")
    with django_assert_num_queries(1):
        assert len(highlights.ideas_adopted(_today(), _today())) == 1
    for title in ("二", "三", "四"):
        adopted_idea(org, title=title)
    with django_assert_num_queries(1):
        assert len(highlights.ideas_adopted(_today(), _today())) == 4


def test_other_apps_find_it_through_the_registry():
    assert registry.optional_function("qualityservice.ideas", "highlights", "ideas_adopted") is highlights.ideas_adopted
