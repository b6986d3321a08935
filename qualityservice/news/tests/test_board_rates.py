"""Rates and means on the public figures board, with their basis: the on-time rate, the callback satisfaction, the
reopened rate and the satisfaction index are shown for a centre whose basis (the items or respondents each is
computed from, declared by its indicator) reaches QS_NEWS_BOARD_MIN_BASIS, with that basis beside the value; for the
others the cell says it is withheld and why. The board costs the same queries for 10 or 1,000 items."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qualityservice.core import indicators
from qualityservice.feedback.models import Feedback, Kind, Status
from qualityservice.news import board
from qualityservice.surveys.models import SatisfactionIndex, Survey

pytestmark = pytest.mark.django_db

RATES = ["feedback.on_time_rate", "feedback.callback_satisfaction", "feedback.reopened_rate", "surveys.satisfaction_index"]


def resolved_items(department, n, *, on_time=True, satisfaction=4, reopened=0):
    now = timezone.now() - dt.timedelta(minutes=5)
    Feedback.objects.bulk_create([
        Feedback(department=department, kind=Kind.COMPLAINT, title="楼道灯坏了", body="三楼楼道灯坏了", created_at=now, status=Status.CLOSED,
                 resolved_at=now, resolved_on_time=on_time if i else True, satisfaction=satisfaction, reopen_count=1 if i < reopened else 0)
        for i in range(n)])


def survey_index(department, mean, respondents):
    survey = Survey.objects.create(title="后勤服务满意度调查", status=Survey.Status.CLOSED, closes_at=timezone.now() - dt.timedelta(hours=1),
                                   period=str(timezone.localdate().year))
    SatisfactionIndex.objects.create(department=department, survey=survey, period=survey.period, score=0, mean_rating=mean,
                                     respondents=respondents, answers=respondents, as_of=timezone.now())


def _section(body, label):
    section = body[body.index(label):]
    return section[:section.index("</section>")]


def _cell(section, department):
    cell = section[section.index(department):]
    return cell[:cell.index("</li>")]


def test_the_board_shows_rates_with_their_basis_and_withholds_those_from_fewer_than_5(client, org):
    resolved_items(org.wuye, 8, on_time=False, satisfaction=5, reopened=2)  # 1 of 8 on time (the first), 2 reopened
    resolved_items(org.yinshi, 3)
    survey_index(org.wuye, 4.2, 12)
    survey_index(org.yinshi, 3.0, 4)
    body = client.get(reverse("news:board")).content.decode()
    on_time = _section(body, "按时办结率")
    assert "12.5 %" in _cell(on_time, "物业管理中心") and "基数 8" in _cell(on_time, "物业管理中心")
    assert "基数不足5，不公布" in _cell(on_time, "饮食服务中心") and "100.0" not in _cell(on_time, "饮食服务中心")
    assert "基数 8" in _cell(_section(body, "回访满意度"), "物业管理中心")
    assert "25.0 %" in _cell(_section(body, "重办率"), "物业管理中心")
    index = _section(body, "满意度指数")
    assert "80.0" in _cell(index, "物业管理中心") and "基数 12" in _cell(index, "物业管理中心")
    assert "基数不足5，不公布" in _cell(index, "饮食服务中心") and "50.0" not in _cell(index, "饮食服务中心")
    assert "比率或均值与其基数一并公布" in on_time  # the explanation under a rate
    assert "基数" not in _section(body, "发布的新闻稿件")  # a count is its own basis: no note, no n


def test_the_rates_follow_the_minimum_setting(client, org, settings):
    settings.QS_NEWS_BOARD_MIN_BASIS = 3
    resolved_items(org.yinshi, 3)
    body = client.get(reverse("news:board")).content.decode()
    assert "100.0 %" in _cell(_section(body, "按时办结率"), "饮食服务中心") and "基数 3" in body


def test_a_rate_whose_indicator_declares_no_basis_is_left_off_the_board(monkeypatch):
    assert {f.key for f in board.installed()} >= set(RATES)
    import dataclasses

    on_time = indicators.get("feedback.on_time_rate")
    monkeypatch.setitem(indicators._registry, on_time.key, dataclasses.replace(on_time, basis=None))
    assert "feedback.on_time_rate" not in {f.key for f in board.installed()}


def test_the_board_makes_the_same_queries_for_10_or_1000_items(client, org):
    url = reverse("news:board")
    resolved_items(org.wuye, 5)
    resolved_items(org.yinshi, 5)
    survey_index(org.wuye, 4.0, 10)
    client.get(url)  # fills the process's memos
    with CaptureQueriesContext(connection) as few:
        body_few = client.get(url).content.decode()
    resolved_items(org.wuye, 495, reopened=100)
    resolved_items(org.yinshi, 495)
    for _i in range(10):
        survey_index(org.yinshi, 3.5, 20)
    with CaptureQueriesContext(connection) as many:
        body_many = client.get(url).content.decode()
    assert Feedback.objects.count() == 1000
    assert len(many) == len(few), (len(few), len(many))
    assert "基数 5" in body_few and "基数 500" in body_many and "基数 200" in body_many
