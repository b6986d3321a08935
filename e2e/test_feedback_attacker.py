"""The person complained about plays the attacker: a visitor complains about staff member X from X's
badge, with name and phone; X signs in and looks for the tracking code and the rating link, tries the
public status page with a code obtained some other way, and after the supervisor has transferred the
item away and back still sees no name, phone or code. The visitor's own rating link still works."""

import re

import pytest
from openpyxl import load_workbook

from e2e.conftest import confirm, login
from qualityservice.feedback.models import Feedback, Status
from qualityservice.feedback.workflows import FEEDBACK
from qualityservice.org.models import Staff

NAME, PHONE = "赵晓雨", "13755556666"


def secrets_in(text: str, code: str) -> list[str]:
    return [s for s in (NAME, PHONE, code) if s in text]


@pytest.mark.django_db(transaction=True)
def test_it_keeps_the_person_complained_about_from_identifying_the_complainant_or_rating(
        browser, phone, live_server, org, tmp_path):
    x = Staff.objects.get(user=org.staff_wuye)

    # 1. An anonymous visitor (not signed in) complains about X from X's badge, leaving name and phone.
    visitor = phone
    visitor.goto(live_server.url + x.get_public_url())
    visitor.get_by_test_id("badge-feedback-actions").get_by_role("link").first.click()
    visitor.wait_for_url(re.compile(r"/b/.+/rate/$"))
    for dim in ("skill", "attitude", "environment", "process", "appearance", "language"):
        visitor.locator(f"[data-testid=dim-{dim}] label", has_text="2").click()
    visitor.select_option("#id_text_kind", "complaint")
    visitor.fill("#id_body", "保洁员在楼道里大声呵斥学生，态度恶劣。")
    visitor.uncheck("#id_anonymous")
    visitor.fill("#id_name", NAME)
    visitor.fill("#id_contact", PHONE)
    visitor.get_by_role("button", name=re.compile("提交|发送|Send")).click()
    visitor.wait_for_url(re.compile(r"/feedback/t/[A-Z0-9]+/\?new=1$"))
    code = visitor.get_by_test_id("tracking-code").inner_text().strip()
    private = visitor.get_by_test_id("private-rating-link")
    assert private.is_visible()
    rating_href = private.locator("a").first.get_attribute("href")
    assert re.search(rf"/feedback/t/{code}/rate/[^/]+/$", rating_href)
    visitor.screenshot(path="/tmp/feedback-attacker-thanks.png", full_page=True)
    fb = Feedback.objects.get(code=code)
    assert (fb.staff, fb.about_staff, fb.submitter_name) == (x, x, NAME)

    # 2. X signs in: the item is there, but neither the code nor the complainant.
    attacker = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", accept_downloads=True).new_page()
    login(attacker, live_server, org.staff_wuye.username, org.password)
    attacker.goto(live_server.url + "/staff/feedback/")
    assert attacker.get_by_test_id("inbox-row").count() == 1
    assert "大声呵斥" in attacker.content()
    assert secrets_in(attacker.content(), code) == []
    attacker.screenshot(path="/tmp/feedback-attacker-inbox.png", full_page=True)
    attacker.get_by_test_id("inbox-row").first.get_by_role("link").first.click()
    attacker.wait_for_url(re.compile(r"/staff/feedback/\d+/$"))
    assert "大声呵斥" in attacker.get_by_test_id("body").inner_text()
    assert secrets_in(attacker.content(), code) == []
    attacker.goto(live_server.url + "/staff/feedback/")
    with attacker.expect_download() as info:
        attacker.get_by_test_id("export").click()
    path = tmp_path / "export.xlsx"
    info.value.save_as(path)
    rows = "\n".join(str(r) for r in load_workbook(path).active.iter_rows(values_only=True))
    assert "大声呵斥" in rows and secrets_in(rows, code) == []
    # A code obtained some other way does not find the item on staff pages either.
    assert attacker.goto(f"{live_server.url}/staff/feedback/c/{code}/").status == 404
    attacker.goto(f"{live_server.url}/staff/feedback/?q={code}")
    assert attacker.get_by_test_id("inbox-row").count() == 0

    # 3. The department answers. X opens the public status page with the code: no rating link.
    FEEDBACK.apply(fb, "resolve", by=org.head_wuye, note="已对该员工进行批评教育，感谢您的监督。")
    attacker.goto(f"{live_server.url}/feedback/t/{code}/")
    assert "批评教育" in attacker.get_by_test_id("public-reply").inner_text()
    assert attacker.get_by_test_id("rating-link").count() == 0
    assert attacker.get_by_test_id("private-rating-link").count() == 0
    assert "/rate/" not in attacker.content()
    attacker.screenshot(path="/tmp/feedback-attacker-status.png", full_page=True)
    assert attacker.goto(f"{live_server.url}/feedback/t/{code}/rate/{'A' * 24}/").status == 404
    fb.refresh_from_db()
    assert (fb.status, fb.satisfaction) == (Status.RESOLVED, None)

    # 4. The supervisor reopens the item and transfers it away and back.
    supervisor = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai").new_page()
    login(supervisor, live_server, org.supervisor.username, org.password)
    supervisor.goto(live_server.url + fb.get_absolute_url())
    assert NAME in supervisor.get_by_test_id("submitter").inner_text()  # others still see who it is
    supervisor.get_by_test_id("action-reopen").click()
    supervisor.wait_for_load_state()
    for department in (org.yinshi, org.wuye):
        form = supervisor.get_by_test_id("transfer-form")
        form.locator("select").select_option(str(department.pk))
        form.get_by_role("button").click()
        with supervisor.expect_navigation():
            confirm(supervisor, sentence="重新计算办结时限")
        assert supervisor.get_by_test_id("department").inner_text().strip() == department.name
    fb.refresh_from_db()
    assert (fb.department, fb.staff, fb.about_staff) == (org.wuye, None, x)

    # 5. X still sees no name, phone or code.
    attacker.goto(live_server.url + "/staff/feedback/")
    assert attacker.get_by_test_id("inbox-row").count() == 1
    assert secrets_in(attacker.content(), code) == []
    attacker.goto(live_server.url + fb.get_absolute_url())
    assert "大声呵斥" in attacker.get_by_test_id("body").inner_text()
    assert secrets_in(attacker.content(), code) == []
    assert attacker.get_by_test_id("code").inner_text().strip() == f"#{fb.pk}"
    attacker.screenshot(path="/tmp/feedback-attacker-detail.png", full_page=True)

    # 6. Answered again: the visitor rates with the link kept from the thank-you page.
    FEEDBACK.apply(fb, "resolve", by=org.head_wuye, note="已再次核实处理。")
    visitor.goto(live_server.url + rating_href)
    visitor.locator("input[name=score][value='4']").check()
    visitor.get_by_role("button", name=re.compile("提交|发送|Send")).click()
    visitor.wait_for_url(re.compile(rf"/feedback/t/{code}/$"))
    fb.refresh_from_db()
    assert (fb.status, fb.satisfaction) == (Status.CLOSED, 4)
    attacker.context.close()
    supervisor.context.close()
