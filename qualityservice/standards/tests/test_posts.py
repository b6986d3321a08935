"""Post duties: one record per post of a department, created once per form and changed by the same view; bad
input answered with a message; the duties on org's staff record and the staff member's own page, the public
service standard on the badge page, and the post's English name for English readers — through extension
fragments (org does not import this app)."""

import pytest
from django.conf import settings
from django.urls import reverse

from qualityservice.standards import services
from qualityservice.standards.models import PostStandard

from .helpers import make_procedure

pytestmark = pytest.mark.django_db

KEY = "0123456789abcdef0123456789abcdef"


def _form(org, **changes):
    data = {"department": org.wuye.pk, "post": "保洁员", "post_en": "Cleaner", "duties": "清扫责任区域\n作业时设置提示牌\n发现设施损坏及时报修",
            "duties_en": "Clean the assigned areas\nPut up warning signs\nReport damage", "public_standard": "责任区域每日清扫两次，保持整洁。",
            "public_standard_en": "Cleaned twice a day, kept tidy.", "submission_key": KEY}
    data.update(changes)
    return data


@pytest.fixture
def standard(org):
    standard, _created = services.save_post_standard(key=None, by=org.head_wuye, **{
        k: v for k, v in _form(org).items() if k != "submission_key" and k != "department"}, department=org.wuye)
    return standard


def test_it_records_a_posts_duties_once_from_a_form_sent_twice_and_changes_them_in_the_same_view(client, org):
    client.force_login(org.head_wuye)
    client.post(reverse("standards:post_new"), _form(org))
    response = client.post(reverse("standards:post_new"), _form(org))
    standard = PostStandard.objects.get()
    assert response["Location"] == reverse("standards:posts")
    assert (standard.post, standard.post_en, standard.updated_by) == ("保洁员", "Cleaner", org.head_wuye)
    assert standard.duty_list == ["清扫责任区域", "作业时设置提示牌", "发现设施损坏及时报修"]
    client.post(standard.get_edit_url(), _form(org, duties="清扫责任区域\n垃圾分类投放", duties_en=""))
    standard.refresh_from_db()
    assert standard.duty_list == ["清扫责任区域", "垃圾分类投放"] and standard.history.count() == 2
    body = client.get(reverse("standards:posts")).content.decode()
    assert "岗位“保洁员”的职责已保存" in body and "垃圾分类投放" in body


@pytest.mark.parametrize(("changes", "message"), [
    ({"duties": " \n "}, "这个字段是必填项"),
    ({"duties_en": "Only one line"}, "英文职责须与中文逐条对应（共 3 条）"),
    ({"post": ""}, "这个字段是必填项"),
    ({"department": 999999}, "选择一个有效的选项"),
])
def test_it_refuses_bad_duties_with_a_message_and_saves_nothing(client, org, changes, message):
    client.force_login(org.head_wuye)
    response = client.post(reverse("standards:post_new"), _form(org, **changes))
    assert response.status_code == 200 and message in response.content.decode()
    assert not PostStandard.objects.exists()


def test_it_refuses_a_second_record_of_the_same_post(client, org, standard):
    client.force_login(org.head_wuye)
    body = client.post(reverse("standards:post_new"), _form(org, submission_key="a" * 32)).content.decode()
    assert "物业管理中心已登记过岗位“保洁员”的职责" in body
    other, _created = services.save_post_standard(key=None, by=org.head_wuye, department=org.wuye, post="绿化工", post_en="",
                                                  duties="养护花草", duties_en="", public_standard="", public_standard_en="")
    body = client.post(other.get_edit_url(), _form(org, post="保洁员")).content.decode()
    assert "已登记过岗位“保洁员”的职责" in body
    other.refresh_from_db()
    assert other.post == "绿化工" and PostStandard.objects.count() == 2


def test_the_staff_record_shows_the_duties_of_the_members_post_in_the_readers_language(client, org, standard):
    client.force_login(org.head_wuye)
    url = org.staff_wuye.staff.get_absolute_url()
    body = client.get(url).content.decode()
    duties = body.split('data-testid="staff-duties"')[1]
    assert "清扫责任区域" in duties and "岗位职责" in duties
    assert '<span data-testid="staff-post">保洁员</span>' in body
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(url).content.decode()
    assert '<span data-testid="staff-post">Cleaner</span>' in body
    assert "Clean the assigned areas" in body and "清扫责任区域" not in body


def test_the_staff_record_says_when_the_post_has_no_duties_yet(client, org):
    client.force_login(org.head_yinshi)
    body = client.get(org.staff_yinshi.staff.get_absolute_url()).content.decode()
    assert "尚未登记岗位“保洁员”的职责" in body and '<span data-testid="staff-post">保洁员</span>' in body


def test_the_badge_page_shows_the_posts_public_standard_and_its_english_name(client, org, standard):
    url = org.staff_wuye.staff.get_public_url()
    body = client.get(url).content.decode()
    assert 'data-testid="staff-post">保洁员<' in body
    assert "保洁员服务标准" in body and "责任区域每日清扫两次，保持整洁。" in body
    assert "清扫责任区域" not in body  # the internal duties stay on the staff side
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(url).content.decode()
    assert 'data-testid="staff-post">Cleaner<' in body and "Cleaned twice a day, kept tidy." in body
    # A post of another department with the same name does not borrow this one's standard.
    body = client.get(org.staff_yinshi.staff.get_public_url()).content.decode()
    assert 'data-testid="staff-post">保洁员<' in body and 'data-testid="badge-post-standard"' not in body


def test_a_staff_member_reads_their_own_post_and_their_departments_procedures(client, org, standard):
    make_procedure(org)
    make_procedure(org, department=org.yinshi, number="YS-CZ-001", title="食品留样操作规程", by=org.head_yinshi)
    client.force_login(org.staff_wuye)
    body = client.get(reverse("standards:mine")).content.decode()
    assert "清扫责任区域" in body and "责任区域每日清扫两次" in body
    assert "公共区域保洁操作规程" in body and "食品留样操作规程" not in body
    client.force_login(org.staff_yinshi)
    body = client.get(reverse("standards:mine")).content.decode()
    assert "本部门尚未登记您所在岗位的职责" in body and "食品留样操作规程" in body and "公共区域保洁操作规程" not in body
