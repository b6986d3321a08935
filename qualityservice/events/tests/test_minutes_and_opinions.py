"""After the event: minutes (纪要) from draft to final with every revision kept, and opinions that become feedback
records (channel "forum") of the department concerned through ``feedback.services.create_feedback`` — entered by the
organiser or sent by an attendee from their ticket; the event page shows each one's status and the department's
public reply, and the attendees are told once the department has answered."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from qualityservice.events import services
from qualityservice.events.models import Minutes, MinutesRevision, Opinion, Session
from qualityservice.feedback.models import Feedback
from qualityservice.feedback.services import PublicStatus, add_reply, public_status

from .helpers import key, make_event, member, register, visitor

pytestmark = pytest.mark.django_db


@pytest.fixture
def forum(org):
    """A forum of the property centre, three hours from now (``started`` makes it an hour old)."""
    return make_event(org, title="物业服务座谈会", capacity=10, starts_in=dt.timedelta(hours=3))


def started(event):
    Session.objects.filter(event=event).update(starts_at=timezone.now() - dt.timedelta(hours=1), ends_at=timezone.now() + dt.timedelta(hours=1))


def test_minutes_keep_every_revision_and_are_locked_once_final(client, org, forum):
    client.force_login(org.head_wuye)
    url = reverse("events:minutes", args=[forum.pk])
    client.post(url, {"body": "一、同学们反映热水问题。", "submission_key": key()})
    client.post(url, {"body": "一、同学们反映热水问题。\n二、中心通报卫生检查情况。", "submission_key": key()})
    minutes = Minutes.objects.get()
    assert (minutes.status, minutes.revisions.count()) == ("draft", 2)
    body = client.post(url, {"body": minutes.body, "submission_key": key()}).content.decode()
    assert "内容没有变化" in body and minutes.revisions.count() == 2
    client.post(reverse("events:minutes_finalise", args=[forum.pk]))
    minutes.refresh_from_db()
    assert minutes.status == "final" and minutes.finalised_at is not None
    body = client.post(url, {"body": "改一改", "submission_key": key()}).content.decode()
    assert "纪要已定稿，不能再修改" in body
    minutes.refresh_from_db()
    assert minutes.body.startswith("一、同学们反映热水问题。\n二、") and MinutesRevision.objects.count() == 2
    page = client.get(url).content.decode()
    assert "第 2 版" in page and "第 1 版" in page and 'name="body"' not in page
    assert "二、中心通报卫生检查情况。" in client.get(forum.get_public_url()).content.decode()  # final minutes are public


def test_draft_minutes_stay_off_the_event_page_and_empty_minutes_cannot_be_final(client, org, forum):
    services.save_minutes(forum, "草稿内容", by=org.head_wuye, key=key())
    assert "草稿内容" not in client.get(forum.get_public_url()).content.decode()
    minutes = Minutes.objects.get()
    Minutes.objects.filter(pk=minutes.pk).update(body="  ")
    with pytest.raises(services.TransitionError, match="请先撰写纪要"):
        services.finalise_minutes(minutes, by=org.head_wuye)


def test_an_organisers_opinion_becomes_a_feedback_record_of_the_department_concerned(client, org, forum):
    client.force_login(org.head_wuye)
    url = reverse("events:opinions", args=[forum.pk])
    data = {"body": "第一餐厅晚餐品种太少", "kind": "suggestion", "department": org.yinshi.pk, "submission_key": key()}
    client.post(url, data)
    client.post(url, data)  # the same form again: one opinion, one record
    opinion = Opinion.objects.get()
    record = Feedback.objects.get()
    assert (record.channel, record.kind, record.department, record.anonymous, record.created_by) == (
        "forum", "suggestion", org.yinshi, True, org.head_wuye)
    assert record.body.startswith("第一餐厅晚餐品种太少") and "物业服务座谈会" in record.body
    assert record.source_ref == f"events.opinion:{opinion.pk}" and record.deadline is not None  # under the commitment
    assert (opinion.feedback_id, opinion.feedback_code, opinion.source) == (record.pk, record.code, "organiser")
    page = client.get(url).content.decode()
    assert record.code in page and "已受理" in page


def test_an_attendee_sends_an_opinion_from_the_ticket_and_nothing_names_them(client, org, forum):
    session = forum.sessions.get()
    attendee = member("参会同学")
    registration = register(session, attendee)
    started(forum)
    ticket = client.get(registration.get_ticket_url()).content.decode()
    assert "提出意见或建议" in ticket
    response = client.post(reverse("events:ticket_opinion", args=[registration.ticket]),
                           {"body": "公寓楼道灯经常不亮", "kind": "complaint", "department": org.wuye.pk, "submission_key": key()})
    assert response["Location"] == forum.get_public_url() + "#opinions"
    record = Feedback.objects.get()
    assert (record.channel, record.kind, record.department, record.anonymous, record.submitter_user, record.submitter_name) == (
        "forum", "complaint", org.wuye, True, None, "")
    assert Opinion.objects.get().source == "attendee"


def test_only_people_with_a_seat_send_opinions_and_only_around_the_session(client, org):
    event = make_event(org, capacity=1)
    session = event.sessions.get()
    seated = visitor(session, 1)
    waiting = visitor(session, 2)
    for registration in (seated, waiting):  # the session is ten days away; the waiting one has no seat
        response = client.get(reverse("events:ticket_opinion", args=[registration.ticket]))
        assert response.status_code == 403 and "活动开始前一小时" in response.content.decode()
    assert not Opinion.objects.exists()


def test_bad_opinions_are_refused_and_create_nothing(client, org, forum):
    client.force_login(org.head_wuye)
    url = reverse("events:opinions", args=[forum.pk])
    body = client.post(url, {"body": " ", "kind": "suggestion", "department": org.wuye.pk, "submission_key": key()}).content.decode()
    assert "这个字段是必填项" in body or "请先填写意见内容" in body
    body = client.post(url, {"body": "意见", "kind": "nonsense", "department": org.wuye.pk, "submission_key": key()}).content.decode()
    assert "选择一个有效的选项" in body
    assert not Opinion.objects.exists() and not Feedback.objects.exists()


def test_the_event_page_shows_the_answer_and_the_attendees_are_told_once(client, org, forum, django_capture_on_commit_callbacks):
    session = forum.sessions.get()
    came = member("到场同学", email="came@example.edu.cn")
    absent = member("未到同学", email="absent@example.edu.cn")
    came_reg, _absent_reg = register(session, came), register(session, absent)
    started(forum)
    services.record_scans(session, [{"nonce": "nonce-came-000001", "code": came_reg.ticket}], by=org.head_wuye)
    opinion, _c = services.add_opinion(forum, body="楼道灯不亮", kind="complaint", department=org.wuye, source="organiser",
                                       by=org.head_wuye, key=key(), session=session)
    assert services.relay_answers() == 0  # not answered yet
    record = Feedback.objects.get(pk=opinion.feedback_id)
    add_reply(record, "已更换全部楼道灯具，感谢反映。", by=org.head_wuye, public=True, resolve=True)
    body = client.get(forum.get_public_url()).content.decode()
    assert "楼道灯不亮" in body and "已更换全部楼道灯具，感谢反映。" in body and "已办结" in body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.relay_answers() == 1
    assert services.relay_answers() == 0  # told once
    [notice] = [m for m in mail.outbox if "已有答复" in m.subject]
    assert notice.to == ["came@example.edu.cn"] and "已更换全部楼道灯具" in notice.body
    opinion.refresh_from_db()
    assert opinion.answered_at is not None


def test_the_feedback_app_answers_the_public_status_of_several_codes_in_two_queries(org, forum, django_assert_num_queries):
    refs = [services.add_opinion(forum, body=f"意见{n}", kind="suggestion", department=org.wuye, source="organiser", by=org.head_wuye,
                                 key=key())[0].feedback_code for n in range(3)]
    add_reply(Feedback.objects.get(code=refs[0]), "已答复", by=org.head_wuye, public=True, resolve=True)
    with django_assert_num_queries(2):
        statuses = public_status([*refs, "NOSUCHCODE"])
    assert set(statuses) == set(refs)
    first = statuses[refs[0]]
    assert isinstance(first, PublicStatus) and first.answered and [r.body for r in first.replies] == ["已答复"]
    assert not statuses[refs[1]].answered and statuses[refs[1]].replies == ()
