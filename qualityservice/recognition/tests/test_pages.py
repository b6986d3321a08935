"""Creating and editing nominations: one nomination per form however often it is sent, bad input answered with a
message and nothing changed, a draft only editable; the public page; English titles for English readers."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from qualityservice.recognition import services
from qualityservice.recognition.models import Nomination

pytestmark = pytest.mark.django_db

KEY = "0123456789abcdef0123456789abcdef"


def _form(org, **changes):
    data = {"department": org.wuye.pk, "title": "整理公示栏", "title_en": "", "submission_key": KEY}
    data.update(changes)
    return data


def test_it_creates_one_nomination_from_a_form_sent_twice(client, org):
    client.force_login(org.head_wuye)
    first = client.post(reverse("recognition:new"), _form(org))
    second = client.post(reverse("recognition:new"), _form(org))
    nomination = Nomination.objects.get()
    assert first["Location"] == second["Location"] == nomination.get_absolute_url()
    assert (nomination.title, nomination.department, nomination.created_by, nomination.status) == ("整理公示栏", org.wuye, org.head_wuye, "draft")
    body = client.get(nomination.get_absolute_url()).content.decode()
    assert "整理公示栏" in body and "推荐已创建" in body


def test_it_refuses_another_departments_nomination_and_an_empty_title_and_creates_nothing(client, org):
    client.force_login(org.head_wuye)
    body = client.post(reverse("recognition:new"), _form(org, department=org.yinshi.pk)).content.decode()
    assert "选择一个有效的选项" in body
    body = client.post(reverse("recognition:new"), _form(org, title="   ")).content.decode()
    assert "这个字段是必填项" in body
    body = client.post(reverse("recognition:new"), _form(org, submission_key="<script>")).content.decode()
    assert "表单已过期" in body
    assert not Nomination.objects.exists()


def test_it_edits_a_draft_and_refuses_to_edit_a_submitted_nomination(client, org):
    nomination, _created = services.create_nomination(key=None, by=org.head_wuye, department=org.wuye, title="旧标题")
    client.force_login(org.head_wuye)
    response = client.post(nomination.get_edit_url(), _form(org, title="新标题", title_en="New title"))
    assert response["Location"] == nomination.get_absolute_url()
    nomination.refresh_from_db()
    assert (nomination.title, nomination.title_en) == ("新标题", "New title")
    services.move(nomination, "submit", by=org.head_wuye)
    body = client.get(nomination.get_edit_url(), follow=True).content.decode()
    assert "只有草稿可以修改" in body
    client.post(nomination.get_edit_url(), _form(org, title="再改"))
    nomination.refresh_from_db()
    assert (nomination.title, nomination.status) == ("新标题", "submitted")


def test_a_change_refused_under_the_lock_keeps_the_status(org):
    nomination, _created = services.create_nomination(key=None, by=org.head_wuye, department=org.wuye, title="推荐")
    stale = Nomination.objects.get(pk=nomination.pk)  # read before another request submits it
    services.move(nomination, "submit", by=org.head_wuye)
    with pytest.raises(ValidationError, match="只有草稿可以修改"):
        services.update_nomination(stale, title="晚到的修改")
    nomination.refresh_from_db()
    assert (nomination.title, nomination.status) == ("推荐", "submitted")


def test_the_public_page_shows_the_new_status_after_a_move(client, org):
    nomination, _created = services.create_nomination(key=None, by=org.head_wuye, department=org.wuye, title="公开的推荐")
    assert "草稿" in client.get(nomination.get_public_url()).content.decode()
    assert "草稿" in client.get(nomination.get_public_url()).content.decode()  # from the page cache
    services.move(nomination, "submit", by=org.head_wuye)
    body = client.get(nomination.get_public_url()).content.decode()
    assert "公开的推荐" in body and "已提交" in body and "草稿" not in body


def test_it_shows_english_readers_the_english_title_and_others_the_chinese_one(client, org):
    nomination, _created = services.create_nomination(key=None, by=org.head_wuye, department=org.wuye, title="整理公示栏",
                                          title_en="Tidy the notice board")
    client.force_login(org.supervisor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(reverse("recognition:list")).content.decode()
    assert "Tidy the notice board" in body and "Draft" in body
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    body = client.get(nomination.get_absolute_url()).content.decode()
    assert "整理公示栏" in body and "Tidy the notice board" not in body
