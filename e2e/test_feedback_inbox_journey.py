"""Journey 7: the department inbox — filters, bulk assign, Excel export, an item's timeline."""

import re

import pytest
from openpyxl import load_workbook

from e2e.conftest import login
from qualityservice.feedback.models import Feedback
from qualityservice.feedback.tests.factories import make_feedback
from qualityservice.feedback.workflows import FEEDBACK
from qualityservice.org.models import Staff


@pytest.mark.django_db(transaction=True)
def test_it_lets_the_head_filter_assign_in_bulk_export_and_read_a_timeline(page, live_server, org, tmp_path):
    for i in range(4):
        make_feedback(org, title=f"楼道卫生问题{i}", place=org.dorm)
    praise = make_feedback(org, kind="praise", title="表扬保洁阿姨", channel="hotline")
    FEEDBACK.apply(praise, "resolve", by=org.head_wuye, note="谢谢表扬")
    make_feedback(org, department=org.yinshi, title="饮食中心的事")

    login(page, live_server, org.head_wuye.username, org.password)
    page.goto(live_server.url + "/staff/feedback/")
    assert page.get_by_test_id("inbox-row").count() == 5
    assert "饮食中心的事" not in page.content()
    page.select_option("#id_kind", "complaint")
    page.select_option("#id_place", label=org.dorm.name)
    page.get_by_test_id("inbox-filters").get_by_role("button").click()
    page.wait_for_url(re.compile(r"kind=complaint"))
    assert page.get_by_test_id("inbox-row").count() == 4
    page.screenshot(path="/tmp/feedback-inbox.png", full_page=True)

    page.check("[data-select-all]")
    worker = Staff.objects.get(user=org.staff_wuye)
    page.get_by_test_id("bulk-form").locator("select[name=staff]").select_option(str(worker.pk))
    page.get_by_test_id("bulk-assign").click()
    page.wait_for_load_state()
    assert Feedback.objects.filter(assigned_to=worker).count() == 4

    with page.expect_download() as info:
        page.get_by_test_id("export").click()
    path = tmp_path / "export.xlsx"
    info.value.save_as(path)
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert len(rows) == 5 and all(r[2] in ("投诉", "Complaint") for r in rows[1:])
    assert {r[8] for r in rows[1:]} == {f"楼道卫生问题{i}" for i in range(4)}

    page.get_by_test_id("inbox-row").first.get_by_role("link").first.click()
    page.wait_for_url(re.compile(r"/staff/feedback/\d+/$"))
    events = page.get_by_test_id("event")
    assert events.count() == 2
    assert "物业主任" in events.nth(1).inner_text()
