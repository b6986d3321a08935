"""Browser journey on a phone (390×844): a department head records a training session, finds two attendees with
the search box and ticks them; the session page shows them, and a staff member who attended reads it in
"my training"."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import login, pick_date
from e2e.foundation import ConsoleWatch, no_horizontal_overflow

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_head_records_a_session_with_attendees_on_a_phone(live_server, phone, org):
    from django.utils import timezone

    from qualityservice.org.tests.factories import StaffFactory
    from qualityservice.training.models import TrainingSession

    for i in range(12):  # a list long enough to need the search box
        StaffFactory(department=org.wuye, name=f"保洁员{i:02d}", post="保洁员")
    StaffFactory(department=org.wuye, name="楼宇管理员小王", post="楼宇管理员")
    console = ConsoleWatch(phone)
    login(phone, live_server, org.head_wuye.username, org.password)
    phone.goto(f"{live_server.url}/staff/training/")
    phone.get_by_test_id("new-session").click()
    phone.fill("#id_topic", "消防安全知识与灭火器使用")
    pick_date(phone, "#id_date", timezone.localdate().isoformat())
    phone.fill("#id_hours", "1.5")
    phone.fill("#id_trainer", "校保卫处 张教官")
    phone.select_option("#id_level", "frontline")
    phone.fill("[data-attendee-filter]", "楼宇")
    expect(phone.locator("[data-attendee]:visible")).to_have_count(1)
    phone.locator("[data-attendee]:visible input").check()
    phone.fill("[data-attendee-filter]", "物业员工")
    phone.locator("[data-attendee]:visible input").check()
    expect(phone.get_by_test_id("attendee-count")).to_have_text("2")
    phone.fill("[data-attendee-filter]", "")
    assert no_horizontal_overflow(phone, 390)
    phone.screenshot(path="/tmp/training-form-phone.png", full_page=False)
    phone.get_by_test_id("save-session").click()
    expect(phone.get_by_test_id("session-topic")).to_contain_text("消防安全知识与灭火器使用")
    expect(phone.get_by_test_id("session-attendees")).to_contain_text("楼宇管理员小王")
    expect(phone.get_by_test_id("session-attendees")).to_contain_text("物业员工")
    assert no_horizontal_overflow(phone, 390)
    phone.screenshot(path="/tmp/training-session-phone.png", full_page=True)
    session = TrainingSession.objects.get()
    assert (str(session.hours), session.attendances.count(), session.created_by) == ("1.5", 2, org.head_wuye)

    login(phone, live_server, org.staff_wuye.username, org.password)
    phone.goto(f"{live_server.url}/staff/training/mine/")
    expect(phone.get_by_test_id("record-sessions")).to_contain_text("消防安全知识与灭火器使用")
    expect(phone.get_by_test_id("record-total")).to_have_text("1.5")
    phone.screenshot(path="/tmp/training-mine-phone.png", full_page=True)
    assert console.csp_violations() == [] and console.errors() == []
