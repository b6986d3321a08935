"""Assembling a bulletin draft: the month's new service stars, adopted ideas and events held become editable blocks
of the draft's sections, read through the apps' typed functions (``<app>.highlights``) and never their models;
publishing freezes them (later changes to the live data do not change the issue); only the supervisor assembles
and edits, and only a draft."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from qualityservice.core import registry
from qualityservice.events.models import Event, Session
from qualityservice.events.tests.test_highlights import held_event
from qualityservice.ideas.models import Idea
from qualityservice.ideas.tests.test_highlights import adopted_idea
from qualityservice.news import bulletins
from qualityservice.news.models import Bulletin
from qualityservice.news.workflows import BULLETIN
from qualityservice.recognition.tests.test_highlights import final_round

pytestmark = pytest.mark.django_db


def _draft(org, **extra):
    today = timezone.localdate()
    fields = {"title": "后勤集团工作简报", "year": today.year, "month": today.month, "unit": "集团办公室",
              "sections": "# 工作动态\n物业中心开展服务月活动"} | extra
    return bulletins.create_bulletin(key=None, by=org.supervisor, **fields)[0]


def _live_month(org):
    """A star, an adopted idea and an event held, all this month."""
    final_round(org)
    idea = adopted_idea(org, title="宿舍楼道感应灯改造")
    event = held_event(org, title="物业开放日", attended=3, absent=0)
    Session.objects.filter(event=event).update(starts_at=timezone.now() - dt.timedelta(minutes=1),  # this month, whatever the hour
                                               ends_at=timezone.now() + dt.timedelta(hours=1))
    return idea, event


def test_it_assembles_the_months_stars_ideas_and_events_as_editable_blocks(org, client):
    idea, event = _live_month(org)
    bulletin = _draft(org)
    client.force_login(org.supervisor)
    response = client.post(reverse("news:bulletin_assemble", args=[bulletin.pk]), follow=True)
    body = response.content.decode()
    assert "新晋服务明星 2" in body and "采纳的金点子 1" in body and "举办的活动 1" in body  # the message
    bulletin.refresh_from_db()
    blocks = dict(bulletin.blocks)
    assert blocks["工作动态"] == [("物业中心开展服务月活动", "")]  # the editor's own section is kept
    assert [text for text, _link in blocks["新晋服务明星"]] == ["物业员工（物业管理中心）：服务明星 · 2026年度服务明星",
                                                              "候选人1（物业管理中心）：服务明星 · 2026年度服务明星"]
    assert blocks["采纳的金点子"] == [("宿舍楼道感应灯改造（物业管理中心，节能降耗）", idea.get_public_url())]
    (text, link), = blocks["举办的活动"]
    assert "物业开放日（接待日，物业管理中心；到场3人）" in text and link == event.get_public_url()
    assert body.count('data-testid="bulletin-block"') == 4 and f'href="{idea.get_public_url()}"' in body
    # Editable: the blocks are the draft's sections, changed on the edit page like any other text.
    form = client.get(reverse("news:bulletin_edit", args=[bulletin.pk])).content.decode()
    assert "# 采纳的金点子" in form and "宿舍楼道感应灯改造" in form
    edited = bulletin.sections.replace("宿舍楼道感应灯改造", "宿舍楼道感应灯改造，年内推广到全部宿舍")
    data = {"title": bulletin.title, "year": bulletin.year, "month": bulletin.month, "unit": bulletin.unit, "report_to": "",
            "copy_to": "", "sections": edited}
    assert client.post(reverse("news:bulletin_edit", args=[bulletin.pk]), data).status_code == 302
    assert "年内推广到全部宿舍" in client.get(bulletin.get_absolute_url()).content.decode()


def test_assembling_again_replaces_the_assembled_blocks_and_keeps_the_rest(org):
    _live_month(org)
    bulletin = _draft(org)
    bulletins.assemble(bulletin)
    bulletins.assemble(bulletin)
    headings = [heading for heading, _lines in Bulletin.objects.get(pk=bulletin.pk).sections_list]
    assert headings == ["工作动态", "新晋服务明星", "采纳的金点子", "举办的活动"]


def test_a_month_without_stars_ideas_or_events_gives_no_block(org, client):
    _live_month(org)
    bulletin = _draft(org, year=2001, month=1)
    client.force_login(org.supervisor)
    body = client.post(reverse("news:bulletin_assemble", args=[bulletin.pk]), follow=True).content.decode()
    assert "没有可汇编的内容" in body
    assert Bulletin.objects.get(pk=bulletin.pk).sections == "# 工作动态\n物业中心开展服务月活动"


def test_publishing_freezes_the_blocks_and_a_published_issue_is_not_assembled_or_edited(org, client):
    idea, event = _live_month(org)
    bulletin = _draft(org)
    bulletins.assemble(bulletin)
    BULLETIN.apply(bulletin, "publish", by=org.supervisor)
    Idea.objects.filter(pk=idea.pk).update(title="改名后的点子")
    Event.objects.filter(pk=event.pk).update(title="改名后的活动")
    held_event(org, title="发布后举办的活动")
    client.force_login(org.supervisor)
    refused = client.post(reverse("news:bulletin_assemble", args=[bulletin.pk]), follow=True).content.decode()
    assert "已发布的简报不能再修改" in refused
    edit = client.post(reverse("news:bulletin_edit", args=[bulletin.pk]), {"title": "x", "year": 2026, "month": 1, "unit": "u",
                                                                          "sections": "", "report_to": "", "copy_to": ""})
    assert edit.status_code == 302
    published = Bulletin.objects.get(pk=bulletin.pk)
    assert published.title == "后勤集团工作简报"
    public = client.get(published.get_public_url()).content.decode()
    assert "宿舍楼道感应灯改造" in public and "物业开放日" in public
    assert "改名后的" not in public and "发布后举办的活动" not in public


def test_without_the_other_apps_the_draft_is_assembled_without_their_blocks(org, monkeypatch):
    _live_month(org)
    found = registry.optional_function
    monkeypatch.setattr(bulletins, "optional_function",
                        lambda app, module, name: None if app == "qualityservice.ideas" else found(app, module, name))
    bulletin = _draft(org)
    bulletins.assemble(bulletin)
    headings = [heading for heading, _lines in Bulletin.objects.get(pk=bulletin.pk).sections_list]
    assert headings == ["工作动态", "新晋服务明星", "举办的活动"]


def test_only_the_supervisor_assembles_and_edits(org, client):
    bulletin = _draft(org)
    urls = [reverse("news:bulletin_assemble", args=[bulletin.pk]), reverse("news:bulletin_edit", args=[bulletin.pk])]
    for who in ("head_wuye", "head_yinshi", "staff_wuye", "operator", "judge", "admin"):
        client.force_login(getattr(org, who))
        codes = [client.post(urls[0]).status_code, client.get(urls[1]).status_code,
                 client.post(urls[1], {"title": "x", "year": 2026, "month": 13, "unit": "u"}).status_code]  # bad month: refused
        assert codes == ([302, 200, 200] if who == "admin" else [404] * 3), who
    client.logout()
    assert client.post(urls[0]).status_code == 302 and "/login" in client.post(urls[0])["Location"]
    assert Bulletin.objects.get(pk=bulletin.pk).title == "后勤集团工作简报"


def test_the_assembled_blocks_cost_one_query_per_app(org, django_assert_num_queries):
    _live_month(org)
    bulletin = _draft(org)
    with django_assert_num_queries(3):
        few = bulletins.assembled_blocks(bulletin)
    final_round(org, "第二轮")
    adopted_idea(org, title="又一个点子")
    with django_assert_num_queries(3):
        more = bulletins.assembled_blocks(bulletin)
    assert [len(lines) for _h, lines in few] == [2, 1, 1] and [len(lines) for _h, lines in more] == [4, 2, 1]
