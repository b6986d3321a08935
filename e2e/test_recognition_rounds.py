"""A round's nominations and eligibility check on a phone (390×844): the department head opens the round open
for nominations, nominates a staff member with a story and a photo, sees the supporting facts read from live
data and submits; the supervisor starts the eligibility review, sees the veto (a substantiated complaint) with
its reason and overrides it with a written reason, which the nomination's history keeps. Every page fits the
screen. Screenshots: /tmp/recognition-*.png."""

import pytest
from django.conf import settings as django_settings
from django.test import Client

from e2e.foundation import ConsoleWatch, no_horizontal_overflow, shot
from qualityservice.feedback.tests.factories import jpeg_bytes
from qualityservice.recognition.models import Nomination
from qualityservice.recognition.tests.rounds import complaint_about, nominating_round

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = 390


def _signed_in(page, live_server, user):
    page.context.clear_cookies()
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}])


def _open(page, live_server, path, name):
    response = page.goto(f"{live_server.url}{path}")
    assert response.status == 200, path
    assert no_horizontal_overflow(page, WIDTH), path
    shot(page, f"recognition-{name}")


def test_a_head_nominates_on_a_phone_and_the_supervisor_overrides_a_veto_with_a_reason(phone, live_server, org, tmp_path):
    console = ConsoleWatch(phone)
    complaint_about(org, org.staff_wuye.staff, title="窗口服务态度生硬")
    rnd = nominating_round(org, quotas={str(org.wuye.pk): 2})

    _signed_in(phone, live_server, org.head_wuye)
    _open(phone, live_server, "/staff/recognition/rounds/", "rounds-head")
    phone.get_by_role("link", name=str(rnd)).click()
    phone.locator("[data-testid=round-quotas]").wait_for()
    assert no_horizontal_overflow(phone, WIDTH)
    shot(phone, "recognition-round-head")
    phone.locator("[data-testid=nominate]").click()
    phone.locator("#id_title").wait_for()
    phone.select_option("#id_round", str(rnd.pk))
    phone.select_option("#id_staff", str(org.staff_wuye.staff.pk))
    phone.fill("#id_title", "服务之星：物业员工")
    phone.fill("#id_story", "<p>十年如一日，<strong>零差错</strong>。</p><script>alert(1)</script>")
    photo = tmp_path / "portrait.jpg"
    photo.write_bytes(jpeg_bytes())
    phone.set_input_files("#id_photo", str(photo))
    assert no_horizontal_overflow(phone, WIDTH)
    shot(phone, "recognition-nominate-head")
    phone.get_by_role("button", name="保存").click()
    phone.locator("[data-testid=move-submit]").wait_for()
    nomination = Nomination.objects.get()
    assert "<script" not in nomination.story and nomination.photo.name.startswith("recognition/")
    phone.locator("[data-testid=move-submit]").click()
    phone.locator("[data-testid=fact-complaints]").wait_for()
    assert phone.locator("[data-testid=fact-complaints]").inner_text().strip() == "1"
    assert no_horizontal_overflow(phone, WIDTH)
    shot(phone, "recognition-nomination-head")

    _signed_in(phone, live_server, org.supervisor)
    _open(phone, live_server, rnd.get_staff_url(), "round-supervisor")
    phone.locator("[data-testid=move-review]").click()
    phone.locator("[data-testid=round-status]", has_text="资格审查").wait_for()
    _open(phone, live_server, rnd.get_check_url(), "check-supervisor")
    assert "窗口服务态度生硬" in phone.locator("[data-testid=vetoes]").inner_text()
    phone.fill("[data-testid=override-reason]", "经复核投诉系误会，已撤回")
    phone.locator("[data-testid=check-override]").click()
    phone.locator("[data-testid=eligibility]", has_text="审查通过").wait_for()
    assert no_horizontal_overflow(phone, WIDTH)
    shot(phone, "recognition-check-done-supervisor")
    nomination.refresh_from_db()
    assert nomination.eligibility == "eligible"
    _open(phone, live_server, nomination.get_absolute_url(), "nomination-supervisor")
    assert "经复核投诉系误会，已撤回" in phone.locator("[data-testid=nomination-events]").inner_text()
    _open(phone, live_server, "/staff/recognition/rounds/new/", "round-form-supervisor")
    _open(phone, live_server, rnd.get_staff_edit_url(), "round-edit-supervisor")
    assert console.csp_violations() == []
