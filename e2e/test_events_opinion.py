"""Browser journey: at a forum a student sends an opinion from her ticket on her phone (390×844); it becomes a
feedback record of the department concerned; the department head answers it in the feedback inbox; the event page
shows the answer, and the student, who came, is told by e-mail."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import login
from e2e.foundation import no_horizontal_overflow
from qualityservice.events import services
from qualityservice.events.models import Kind, Opinion, Session
from qualityservice.events.tests.helpers import make_event, register
from qualityservice.feedback.models import Feedback
from qualityservice.members.tests.factories import make_member

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_opinion_from_a_forum_becomes_a_feedback_record_and_its_answer_comes_back(page, phone, live_server, org):
    forum = make_event(org, title="物业服务座谈会", kind=Kind.FORUM, capacity=20, starts_in=dt.timedelta(hours=2))
    session = forum.sessions.get()
    student = make_member("20260001", "张晓明", email="zxm@example.edu.cn")
    registration = register(session, student)
    Session.objects.filter(pk=session.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=30),
                                                 ends_at=timezone.now() + dt.timedelta(minutes=90))
    services.record_scans(session, [{"nonce": "nonce-door-000001", "code": registration.ticket}], by=org.head_wuye)

    phone.goto(f"{live_server.url}{registration.get_ticket_url()}")
    phone.get_by_test_id("give-opinion").click()
    phone.fill("#id_body", "图书馆门前的路灯坏了一个月，晚上回宿舍很黑。")
    phone.select_option("#id_kind", "complaint")
    phone.select_option("#id_department", label="物业管理中心")
    phone.screenshot(path="/tmp/events-phone-opinion.png", full_page=True)
    phone.get_by_test_id("send-opinion").click()
    opinion = phone.get_by_test_id("public-opinion").filter(has_text="路灯坏了一个月")
    expect(opinion).to_be_visible()
    expect(opinion.get_by_test_id("opinion-status")).to_have_text("已受理")
    assert no_horizontal_overflow(phone, 390)
    record = Feedback.objects.get()
    assert (record.channel, record.kind, record.department, record.anonymous) == ("forum", "complaint", org.wuye, True)
    assert Opinion.objects.get().feedback_code == record.code

    login(page, live_server, org.head_wuye.username, org.password)
    page.goto(f"{live_server.url}{record.get_absolute_url()}")
    form = page.get_by_test_id("reply-form")
    form.locator("textarea[name=body]").fill("已于当晚更换路灯，并巡查了周边照明。感谢您的反映。")
    form.locator("input[name=resolve]").check()
    form.get_by_role("button").click()
    expect(page.get_by_test_id("reply-public")).to_contain_text("已于当晚更换路灯")

    phone.reload()
    opinion = phone.get_by_test_id("public-opinion").filter(has_text="路灯坏了一个月")
    expect(opinion.get_by_test_id("public-reply")).to_contain_text("已于当晚更换路灯")
    expect(opinion.get_by_test_id("opinion-status")).not_to_have_text("已受理")
    phone.screenshot(path="/tmp/events-phone-answer.png", full_page=True)
    mail.outbox.clear()
    assert services.relay_answers() == 1
    [notice] = [m for m in mail.outbox if "已有答复" in m.subject]
    assert notice.to == ["zxm@example.edu.cn"] and "已于当晚更换路灯" in notice.body
