"""A badge's QR code, decoded from the printed PDF, opens the person's page on a phone."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from e2e.foundation import ConsoleWatch, no_horizontal_overflow, shot
from qualityservice.org.models import Staff
from qualityservice.org.tests.pdfs import page_qr_codes

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_opens_the_badge_page_from_the_qr_code_on_the_printed_badge(client, phone, live_server, org):
    worker = Staff.objects.get(user=org.staff_wuye)
    worker.post = "楼宇管理员"
    worker.save()
    client.force_login(org.head_wuye)
    pdf = client.get(reverse("org:badge_sheet", args=[org.wuye.pk])).content
    urls = [u for codes in page_qr_codes(pdf) for u in codes]
    target = f"http://testserver/b/{worker.public_code}/"
    assert target in urls

    console = ConsoleWatch(phone)
    phone.goto(live_server.url + urlsplit(target).path)  # the printed host is SITE_URL; the path is what matters
    assert phone.get_by_test_id("staff-name").inner_text() == "物业员工"
    card = phone.get_by_test_id("badge-page").inner_text()
    assert "楼宇管理员" in card and worker.badge_number in card and "物业管理中心" in card and "保洁一班" in card
    assert "在岗" in card and "报修30分钟内响应" in card
    assert phone.locator("a[href='tel:66781315']").first.is_visible()
    assert no_horizontal_overflow(phone, 390)
    shot(phone, "badge-phone")
    assert console.csp_violations() == [] and console.errors() == []
