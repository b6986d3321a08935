"""The lists, the idea page and the reviewer's page make the same number of queries with few rows as with many:
the public list and the coordinator's queue at 10 and at 1,000 ideas, the idea page with one author, reviewer,
comment and step or with many."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qualityservice.core import pagecache
from qualityservice.ideas import services
from qualityservice.ideas.models import Assignment, Comment, Idea, IdeaAuthor, IdeaFile, Milestone, Support
from qualityservice.ideas.tests.factories import jpeg, judge, make_idea, make_round, score, to_implemented, to_review
from qualityservice.org.models import Staff
from qualityservice.org.tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

STATUSES = ["submitted", "screened", "review", "adopted", "implementing", "implemented", "measured", "not_adopted"]


def _queries(client, url) -> tuple[int, str]:
    client.get(url)  # the first request fills the process's caches (site settings, content types)
    pagecache.clear()  # a public page is measured as built, not as served from the page cache
    client.get(url)
    pagecache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response.content.decode()


def _grow(round_, org, n: int) -> None:
    """``n`` more ideas of both centres in every status, each with its author, public ones with two steps."""
    staff = list(Staff.objects.filter(department__in=[org.wuye, org.yinshi]))
    now = timezone.now()
    ideas = Idea.objects.bulk_create([
        Idea(round=round_, department_id=staff[i % len(staff)].department_id, category=["energy", "service", "management"][i % 3],
             title=f"规模金点子{i}", problem="p", proposal="p", benefit_unit="kwh", expected_amount=Decimal(100), status=STATUSES[i % len(STATUSES)],
             submitted_at=now - dt.timedelta(minutes=i), adopted_at=now - dt.timedelta(minutes=i) if STATUSES[i % len(STATUSES)] in Idea.PUBLIC_STATUSES else None,
             verified_kwh=Decimal(500) if STATUSES[i % len(STATUSES)] == "measured" else None,
             verified_at=now if STATUSES[i % len(STATUSES)] == "measured" else None)
        for i in range(n)])
    IdeaAuthor.objects.bulk_create([IdeaAuthor(idea=idea, staff=staff[i % len(staff)], is_lead=True) for i, idea in enumerate(ideas)])
    Milestone.objects.bulk_create([Milestone(idea=idea, title=t) for idea in ideas if idea.adopted_at for t in ("方案", "实施")])
    pagecache.changed(Idea)  # bulk_create sends no signal


LIST_PAGES = [
    # the page of ideas with their departments, their steps, the capped count, totals by category, the centres' names,
    # totals by department, the overall totals
    ("ideas:public", None, 7),
    # session, user, staff profile; the page, the capped count, the pending reviews of the page's ideas; the rounds filter
    ("ideas:queue", "supervisor", 7),
    ("ideas:queue", "head_wuye", 7),
    ("ideas:board", "staff_yinshi", 5),  # session, user, staff profile; the page, the capped count
    # session, user, staff profile; my reviews, my ideas, the implementations I own, the measurements to verify, open rounds
    ("ideas:mine", "staff_wuye", 8),
]


@pytest.mark.parametrize("name, who, limit", LIST_PAGES, ids=[f"{p[0].split(':')[1]}-{p[1] or 'public'}" for p in LIST_PAGES])
def test_it_lists_10_or_1000_ideas_with_the_same_queries(client, org, name, who, limit):
    round_ = make_round(None)
    reviewer = judge(org)
    for i in range(2):  # a few ideas made the real way: adopted, with reviews
        idea = to_implemented(make_idea(round_, org.staff_wuye, title=f"真实的金点子{i}"), org.supervisor, reviewer, org.head_wuye)
    _grow(round_, org, 8)
    if who:
        client.force_login(getattr(org, who))
    url = reverse(name)
    few, body = _queries(client, url)
    assert "金点子" in body
    _grow(round_, org, 1000)
    many, body = _queries(client, url)
    assert few == many <= limit, (few, many)
    if name in ("ideas:public", "ideas:queue", "ideas:board"):
        assert 'rel="next"' in body
    assert idea.pk


def _busy_idea(org, round_, *, n: int):
    """An idea under review with n co-authors, reviewers (who scored), comments, supports and photos."""
    people = [StaffFactory(department=org.wuye, user=UserFactory(), name=f"同事{i}") for i in range(n)]
    from qualityservice.ideas.uploads import clean_upload

    idea = make_idea(round_, org.staff_wuye, title="忙碌的金点子", coauthors=people[: n], files=[clean_upload(jpeg()) for _ in range(n)])
    reviewers = [judge(org, f"评委{i}") for i in range(n)]
    to_review(idea, org.supervisor, reviewers)
    for r in reviewers:
        score(idea, r, comment=f"{r.staff.name}的意见")
        services.add_comment(idea, by=r, text="讨论", key=None)
    for p in [StaffFactory(department=org.yinshi) for _ in range(n)]:
        Support.objects.create(idea=idea, staff=p)
    services.recount_supports(idea.pk)
    return idea, reviewers


# The coordinator's page also reads the reviews (assignments, sheets, values, criteria), the merge targets (similar
# ideas: the round, its candidates, then the ideas shown), the judges for the assignment form, and the reviewers in
# force and the judges for the replacement form.
@pytest.mark.parametrize("who, limit", [("supervisor", 24), ("staff_wuye", 12)])
def test_the_idea_page_costs_the_same_with_one_or_many_authors_reviews_comments_and_files(client, org, who, limit):
    round_ = make_round(None)
    small, _ = _busy_idea(org, round_, n=1)
    big, _ = _busy_idea(org, round_, n=6)
    client.force_login(getattr(org, who))
    few, body = _queries(client, small.get_absolute_url())
    assert "忙碌的金点子" in body
    many, body = _queries(client, big.get_absolute_url())
    assert few == many <= limit, (few, many)
    assert Comment.objects.filter(idea=big).count() == 6 and IdeaFile.objects.filter(idea=big).count() == 6


def test_the_reviewers_page_costs_the_same_with_one_or_many_other_reviews(client, org):
    round_ = make_round(None)
    small, (alone,) = _busy_idea(org, round_, n=1)
    big, reviewers = _busy_idea(org, round_, n=6)
    client.force_login(alone)
    few, body = _queries(client, small.get_review_url())
    assert "忙碌的金点子" in body
    client.force_login(reviewers[0])
    many, body = _queries(client, big.get_review_url())
    assert few == many <= 12, (few, many)
    assert body.count('data-testid="other-review"') == 5
    assert Assignment.objects.filter(idea=big).count() == 6
