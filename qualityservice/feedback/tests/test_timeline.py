"""The item's timeline in the reader's language: every row keeps its action and parameters (never a finished
sentence) and is rendered by the workflow (``describe``/``notes``) in the language of whoever reads it;
rows stored earlier with a Chinese (or English) sentence are turned into action and parameters by migration
0008, unknown text is left as it is."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from qualityservice.feedback import services
from qualityservice.feedback.models import FeedbackEvent
from qualityservice.feedback.workflows import FEEDBACK, describe_events
from qualityservice.org.models import Staff

from .factories import make_feedback


def profile(user):
    return Staff.objects.get(user=user)


def timeline(client, fb, language) -> list[str]:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(fb.get_absolute_url()).content.decode()
    rows = re.findall(r'<li data-testid="event">(.*?)</li>', html, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows]


@pytest.fixture
def walked(org):
    """An item that went through most of the moves, each made in Chinese (the default language)."""
    with translation.override("zh-hans"):
        fb = make_feedback(org, title="楼道灯坏了")
        services.assign(fb, profile(org.staff_wuye), by=org.head_wuye, note="请今天处理")
        FEEDBACK.apply(fb, "transfer", by=org.supervisor, department=org.yinshi, note="属于餐厅")
        FEEDBACK.apply(fb, "resolve", by=org.head_yinshi, note="已修好。")
        services.record_callback(fb, by=org.operator, reached=False)
        services.record_callback(fb, by=org.operator, reached=True, satisfied=2, comment="又坏了")
        FEEDBACK.apply(fb, "resolve", by=org.head_yinshi, note="已更换灯具。")
        services.rate_handling(fb, fb.rating_token, 4, "")
    fb.refresh_from_db()
    return fb


def test_it_stores_the_action_and_its_parameters_and_only_what_people_wrote(org, walked):
    rows = {e.action: e for e in walked.events.all()}
    assert rows["create"].params == {"dept_id": org.wuye.pk, "dept": "物业管理中心", "channel": "web", "actor": "submitter"}
    assert (rows["create"].note, rows["assign"].note, rows["transfer"].note) == ("", "请今天处理", "属于餐厅")
    assert rows["assign"].params == {"staff_id": profile(org.staff_wuye).pk, "name": "物业员工"}
    assert rows["callback_dissatisfied"].params == {"score": 2} and rows["callback_dissatisfied"].note == "又坏了"
    assert rows["rated"].params == {"score": 4, "actor": "submitter"} and rows["rated"].note == ""
    # No row keeps a generated sentence in either language.
    for event in walked.events.all():
        assert not re.search(r"已受理（|指派给|满意度|转至|Received by|Assigned to|Satisfaction", event.note)


def test_it_renders_the_timeline_in_chinese(client, org, walked):
    client.force_login(org.supervisor)
    rows = timeline(client, walked, "zh-hans")
    assert "物业管理中心已受理（网页表单）。" in rows[0] and "提交人" in rows[0]
    assert "指派给物业员工" in rows[1] and "请今天处理" in rows[1] and "物业主任" in rows[1]
    assert "由物业管理中心转交至饮食服务中心" in rows[2]
    assert "第 1 次回访未联系上" in rows[4]
    assert "回访：不满意（2/5），已重新打开" in rows[5]
    assert "提交人评价：4/5" in rows[7] and "提交人" in rows[7]


def test_it_renders_the_same_timeline_in_english(client, org, walked):
    client.force_login(org.supervisor)
    rows = timeline(client, walked, "en")
    assert "Received by Property Centre via Web form." in rows[0] and "Submitter" in rows[0]
    assert "Assigned to 物业员工" in rows[1] and "请今天处理" in rows[1]
    assert "Transferred from Property Centre to Catering Centre" in rows[2]
    assert "Callback attempt 1: not reached" in rows[4]
    assert "Callback: dissatisfied (2/5), reopened" in rows[5]
    assert "Rated by the submitter: 4/5" in rows[7]
    text = " ".join(rows)
    assert not re.search(r"已受理|指派给|满意度|转交至|提交人|回访", text)  # nothing of the Chinese sentences left


def test_it_renders_escalations_and_mailbox_rows_in_the_readers_language(org):
    import datetime as dt

    from django.utils import timezone

    from qualityservice.feedback.models import Feedback

    fb = make_feedback(org)
    Feedback.objects.filter(pk=fb.pk).update(deadline=timezone.now() - dt.timedelta(hours=1))
    services.escalate_overdue()
    deadline = timezone.localtime(Feedback.objects.get(pk=fb.pk).deadline).strftime("%Y-%m-%d %H:%M")
    with translation.override("en"):
        [_create, escalate] = describe_events(fb.events.all())
        assert (escalate.text, escalate.who) == (f"Deadline {deadline} passed: escalated to the supervisor.", "System")
    with translation.override("zh-hans"):
        [_create, escalate] = describe_events(fb.events.all())
        assert (escalate.text, escalate.who) == (f"已超过办结时限 {deadline}，已提交督查员督办。", "系统")


def test_it_keeps_the_public_steps_free_of_parameters(client, org, walked):
    html = client.get(walked.get_public_url()).content.decode()
    assert "物业员工" not in html and "物业主任" not in html and "已指派" in html


BEFORE = [("feedback", "0007_history_at_creation")]
AFTER = [("feedback", "0008_timeline_params")]


@pytest.mark.django_db(transaction=True)
def test_it_turns_the_sentences_stored_before_into_parameters_and_back(org):
    fb = make_feedback(org)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("feedback", "FeedbackEvent")
    old.objects.all().delete()
    rows = {
        "zh-create": ("create", "提交人", "物业管理中心已受理（网页表单）。", {}),
        "en-create": ("create", "Submitter", "Received by Catering Centre via Hotline.", {}),
        "zh-assign": ("assign", "物业主任", "指派给物业员工\n请今天处理", {"staff_id": 7, "name": "物业员工"}),
        "zh-unreached": ("callback_unreached", "接线员", "第 2 次回访未联系上。", {}),
        "zh-unreachable": ("callback_unreached", "接线员", "回访 3 次未联系上，已关闭。", {}),
        "zh-unhappy": ("callback_dissatisfied", "接线员", "满意度 1/5。\n还是没修好", {}),
        "en-rated": ("rated", "Submitter", "Satisfaction 4/5.", {"score": 4}),
        "zh-transfer": ("transfer", "督查员", "由物业管理中心转至饮食服务中心。\n属于餐厅", {}),
        "zh-merge": ("merge", "督查员", "与 ABCDEFGHJK 重复。", {}),
        "zh-escalate": ("escalate", "系统", "已超过办结时限 2026-03-02 17:30。", {}),
        "mail": ("note", "投诉邮箱", "附件“报告.doc”未保存（不是图片）。", {}),
        "free": ("note", "物业主任", "电话通知了主任", {}),
        "odd": ("assign", "物业主任", "交给老王", {}),
    }
    ids = {key: old.objects.create(feedback_id=fb.pk, action=action, actor_name=name, note=note, params=params).pk
           for key, (action, name, note, params) in rows.items()}

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    got = {key: FeedbackEvent.objects.values_list("params", "note").get(pk=pk) for key, pk in ids.items()}
    assert got == {
        "zh-create": ({"dept": "物业管理中心", "dept_id": org.wuye.pk, "channel": "web", "actor": "submitter"}, ""),
        "en-create": ({"dept": "Catering Centre", "dept_id": org.yinshi.pk, "channel": "hotline", "actor": "submitter"}, ""),
        "zh-assign": ({"staff_id": 7, "name": "物业员工"}, "请今天处理"),
        "zh-unreached": ({"attempts": 2, "closed": False}, ""),
        "zh-unreachable": ({"attempts": 3, "closed": True}, ""),
        "zh-unhappy": ({"score": 1}, "还是没修好"),
        "en-rated": ({"score": 4, "actor": "submitter"}, ""),
        "zh-transfer": ({"from": "物业管理中心", "from_id": org.wuye.pk, "to": "饮食服务中心", "to_id": org.yinshi.pk}, "属于餐厅"),
        "zh-merge": ({"target": "ABCDEFGHJK"}, ""),
        "zh-escalate": ({"deadline": "2026-03-02 17:30", "actor": "system"}, ""),
        "mail": ({"actor": "mailbox"}, "附件“报告.doc”未保存（不是图片）。"),  # free text of the mailbox: kept
        "free": ({}, "电话通知了主任"),  # no sentence of the code: left as it is
        "odd": ({}, "交给老王"),
    }
    with translation.override("en"):
        texts = {e.pk: (e.text, e.who) for e in describe_events(FeedbackEvent.objects.filter(pk__in=ids.values()))}
    assert texts[ids["zh-create"]] == ("Received by Property Centre via Web form.", "Submitter")
    assert texts[ids["zh-transfer"]][0] == "Transferred from Property Centre to Catering Centre"
    assert texts[ids["zh-unhappy"]][0] == "Callback: dissatisfied (1/5), reopened"
    assert texts[ids["mail"]] == ("Internal note", "Complaint mailbox")
    assert texts[ids["odd"]][0] == "Assigned"  # a parameter missing: the step's short name, the note as it was

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)  # and back: English first lines
    old = executor.loader.project_state(BEFORE).apps.get_model("feedback", "FeedbackEvent")
    assert old.objects.get(pk=ids["zh-create"]).note == "Received by 物业管理中心 via Web form."
    assert old.objects.get(pk=ids["zh-assign"]).note == "Assigned to 物业员工\n请今天处理"
    assert old.objects.get(pk=ids["free"]).note == "电话通知了主任"
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
