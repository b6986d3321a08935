"""Recording and changing a session: one session per form however often it is sent, with its attendees; hours,
dates and attendees checked with a clear message and nothing saved; the database refuses bad hours whatever
the path; a recorded session keeps its department; English topics for English readers; the head is told when
the supervisor records their department's training."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from qualityservice.core.models import Notification
from qualityservice.org.tests.factories import StaffFactory
from qualityservice.training import services
from qualityservice.training.models import Attendance, TrainingSession

from .helpers import days_ago, make_session

pytestmark = pytest.mark.django_db

KEY = "0123456789abcdef0123456789abcdef"


def _form(org, **changes):
    data = {"department": org.wuye.pk, "topic": "文明用语培训", "topic_en": "", "date": days_ago(2).isoformat(), "hours": "1.5",
            "trainer": "李老师", "level": "frontline", "note": "", "attendees": [org.staff_wuye.staff.pk, org.head_wuye.staff.pk],
            "submission_key": KEY}
    data.update(changes)
    return data


def test_it_records_one_session_with_its_attendees_from_a_form_sent_twice(client, org):
    client.force_login(org.head_wuye)
    first = client.post(reverse("training:new"), _form(org))
    second = client.post(reverse("training:new"), _form(org))
    session = TrainingSession.objects.get()
    assert first["Location"] == second["Location"] == session.get_absolute_url()
    assert (session.topic, session.hours, session.level, session.created_by) == ("文明用语培训", Decimal("1.5"), "frontline", org.head_wuye)
    assert sorted(session.attendances.values_list("staff__name", flat=True)) == ["物业主任", "物业员工"]
    body = client.get(session.get_absolute_url()).content.decode()
    assert "培训已登记" in body and "物业员工" in body and "2 名参训人员" in body and "<dd class=\"col-7\">3</dd>" in body  # 1.5 h × 2 attendee-hours


@pytest.mark.parametrize(("hours", "message"), [
    ("0", "学时须大于0且不超过24"), ("-1", "学时须大于0且不超过24"), ("24.5", "学时须大于0且不超过24"),
    ("25", "学时须大于0且不超过24"), ("1.25", "最多保留一位小数"), ("两小时", "请输入数字"),
])
def test_it_refuses_bad_hours_with_a_message_and_records_nothing(client, org, hours, message):
    client.force_login(org.head_wuye)
    response = client.post(reverse("training:new"), _form(org, hours=hours))
    assert response.status_code == 200 and message in response.content.decode()
    assert not TrainingSession.objects.exists()


def test_it_accepts_24_hours_and_half_an_hour(client, org):
    client.force_login(org.head_wuye)
    client.post(reverse("training:new"), _form(org, hours="24", submission_key="a" * 32))
    client.post(reverse("training:new"), _form(org, hours="0.5", topic="半小时班前会", submission_key="b" * 32))
    assert sorted(TrainingSession.objects.values_list("hours", flat=True)) == [Decimal("0.5"), Decimal("24")]


def test_it_refuses_a_date_in_the_future_or_before_2000(client, org):
    client.force_login(org.head_wuye)
    tomorrow = (days_ago(0) + dt.timedelta(days=1)).isoformat()
    body = client.post(reverse("training:new"), _form(org, date=tomorrow)).content.decode()
    assert f"日期 {tomorrow} 尚未到来" in body
    body = client.post(reverse("training:new"), _form(org, date="1026-03-05")).content.decode()
    assert "早于2000年" in body
    body = client.post(reverse("training:new"), _form(org, date="2026-02-30")).content.decode()
    assert "输入一个有效的日期" in body
    assert not TrainingSession.objects.exists()


def test_it_refuses_no_attendees_and_attendees_of_another_department(client, org):
    client.force_login(org.supervisor)
    body = client.post(reverse("training:new"), _form(org, attendees=[])).content.decode()
    assert "请至少选择一名参训人员" in body
    body = client.post(reverse("training:new"), _form(org, attendees=[org.staff_yinshi.staff.pk])).content.decode()
    assert "选择一个有效的选项" in body and "饮食员工" not in body
    assert not TrainingSession.objects.exists()


def test_the_service_refuses_attendees_of_another_department_whatever_the_caller(org):
    with pytest.raises(ValidationError) as exc:
        services.create_session(key=None, by=org.supervisor, department=org.wuye, topic="培训", date=days_ago(1),
                                hours=Decimal("2"), trainer="某人", level="technical", attendees=[org.staff_yinshi.staff])
    assert "饮食员工（" in str(exc.value) and "不是物业管理中心的员工" in str(exc.value)
    assert not TrainingSession.objects.exists() and not Attendance.objects.exists()


def test_the_database_refuses_hours_outside_the_range_whatever_the_path(org):
    for hours in (Decimal("0"), Decimal("24.1")):
        with pytest.raises(IntegrityError), transaction.atomic():
            TrainingSession.objects.create(department=org.wuye, topic="直接写入", date=days_ago(1), hours=hours, trainer="某人",
                                           level="technical")
    assert not TrainingSession.objects.exists()


def test_it_changes_a_session_and_its_attendees_but_not_its_department(client, org):
    session = make_session(org, attendees=[org.staff_wuye.staff, org.head_wuye.staff])
    newcomer = StaffFactory(department=org.wuye, name="新来的保洁员")
    client.force_login(org.head_wuye)
    response = client.post(session.get_edit_url(), _form(org, department=org.yinshi.pk, topic="消防安全培训（补课）", hours="3",
                                                         attendees=[org.staff_wuye.staff.pk, newcomer.pk]))
    assert response["Location"] == session.get_absolute_url()
    session.refresh_from_db()
    assert (session.topic, session.hours, session.department) == ("消防安全培训（补课）", Decimal("3"), org.wuye)
    assert sorted(session.attendances.values_list("staff__name", flat=True)) == ["新来的保洁员", "物业员工"]
    assert session.history.count() == 2  # recorded, changed


def test_a_session_keeps_an_attendee_who_has_left_when_it_is_changed(client, org):
    leaver = StaffFactory(department=org.wuye, name="已离职员工")
    session = make_session(org, attendees=[leaver, org.staff_wuye.staff])
    leaver.is_active = False
    leaver.save()
    client.force_login(org.head_wuye)
    body = client.get(session.get_edit_url()).content.decode()
    assert "已离职员工" in body
    client.post(session.get_edit_url(), _form(org, attendees=[leaver.pk, org.staff_wuye.staff.pk], hours="2"))
    assert sorted(session.attendances.values_list("staff__name", flat=True)) == ["已离职员工", "物业员工"]


def test_the_head_is_told_when_the_supervisor_records_their_training_and_not_when_they_do(org):
    make_session(org, by=org.supervisor)
    make_session(org, by=org.head_wuye, topic="班前会")
    payloads = [n.payload for n in Notification.objects.all()]
    assert len(payloads) == 1
    assert payloads[0]["heads_of"] == [org.wuye.pk] and "已登记培训：消防安全培训" in payloads[0]["subject"]


def test_it_shows_english_readers_the_english_topic_and_level(client, org):
    session = make_session(org, topic="文明用语培训", topic_en="Courteous language")
    client.force_login(org.supervisor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(reverse("training:list")).content.decode()
    assert "Courteous language" in body and "Front-line" in body
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    body = client.get(session.get_absolute_url()).content.decode()
    assert "文明用语培训" in body and "Courteous language" not in body and "一线" in body
