"""The public figures board's lists beside the figures: the year's service stars, its adopted golden ideas with the
verified savings (largest first, with their sum), and the events still to come — read through the apps' typed
``highlights`` functions, one query each whatever the number of records; an app that is not installed gives no list,
an empty list says so."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qualityservice.core import registry
from qualityservice.events.tests.helpers import make_event
from qualityservice.ideas.models import Idea
from qualityservice.ideas.tests.test_highlights import adopted_idea
from qualityservice.recognition.tests.test_highlights import final_round

pytestmark = pytest.mark.django_db


def _section(body, testid):
    section = body[body.index(f'data-testid="{testid}"'):]
    return section[:section.index("</section>")]


def test_it_lists_the_years_stars_the_adopted_ideas_with_their_verified_savings_and_the_coming_events(client, org):
    final_round(org)
    plain = adopted_idea(org, title="宿舍楼道感应灯改造")
    saving = adopted_idea(org, title="食堂后厨照明改用LED灯")
    Idea.objects.filter(pk=saving.pk).update(status=Idea.Status.MEASURED, verified_at=timezone.now(), verified_yuan=Decimal("20819.60"))
    event = make_event(org, title="物业服务开放日", starts_in=dt.timedelta(days=7), by=org.supervisor)
    body = client.get(reverse("news:board")).content.decode()
    stars = _section(body, "board-stars")
    assert "物业员工" in stars and "候选人1" in stars and "候选人3" not in stars and "2026年度服务明星" in stars
    ideas = _section(body, "board-ideas")
    assert ideas.index("食堂后厨照明改用LED灯") < ideas.index("宿舍楼道感应灯改造")  # verified savings first
    assert "¥20,820" in ideas or "¥20820" in ideas
    assert f'href="{plain.get_public_url()}"' in ideas and ideas.count('data-testid="board-idea"') == 2
    assert 'data-testid="board-savings"' in ideas
    events = _section(body, "board-events")
    assert "物业服务开放日" in events and f'href="{event.get_public_url()}"' in events


def test_empty_lists_say_so_and_a_missing_app_gives_no_list(client, org, monkeypatch):
    body = client.get(reverse("news:board")).content.decode()
    assert "今年尚未评出" in _section(body, "board-stars")
    assert "今年尚无采纳的金点子" in _section(body, "board-ideas")
    assert "暂无即将举行的活动" in _section(body, "board-events")
    real = registry.optional_function
    monkeypatch.setattr(registry, "optional_function",
                        lambda app, module, fn: None if app == "qualityservice.ideas" else real(app, module, fn))
    body = client.get(reverse("news:board")).content.decode()
    assert 'data-testid="board-ideas"' not in body and 'data-testid="board-stars"' in body


def test_an_earlier_year_shows_that_years_stars_and_ideas(client, org):
    final_round(org)
    adopted_idea(org)
    body = client.get(reverse("news:board"), {"year": timezone.localdate().year - 1}).content.decode()
    assert 'data-testid="board-star"' not in body and 'data-testid="board-idea"' not in body


def test_the_lists_cost_the_same_queries_for_few_or_many_records(client, org):
    url = reverse("news:board")
    adopted_idea(org, title="一")
    make_event(org, title="活动一", by=org.supervisor)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(6):
        adopted_idea(org, title=f"金点子{n}")
        make_event(org, title=f"活动{n}", by=org.supervisor, starts_in=dt.timedelta(days=3 + n))
    final_round(org)
    with CaptureQueriesContext(connection) as many:
        body = client.get(url).content.decode()
    assert body.count('data-testid="board-idea"') == 7 and body.count('data-testid="board-event"') == 7
    assert len(many) == len(few), (len(few), len(many))
