"""The operator's mailbox page: a rejected message and a reply to a closed item wait there; the
operator opens the item from the list, reopens it, and marks the reply reviewed."""

import pathlib
import re

import pytest

from e2e.conftest import login
from qualityservice.feedback.mailbox import import_message
from qualityservice.feedback.models import MailMessage, Status
from qualityservice.feedback.workflows import FEEDBACK

MAIL = pathlib.Path(__file__).resolve().parent.parent / "qualityservice" / "feedback" / "tests" / "mail"


@pytest.mark.django_db(transaction=True)
def test_it_lets_the_operator_deal_with_what_the_mailbox_could_not_decide(page, live_server, org):
    item = import_message((MAIL / "utf8_plain.eml").read_bytes()).feedback
    FEEDBACK.apply(item, "resolve", system=True, note="已处理。")
    FEEDBACK.apply(item, "close", system=True)
    assert import_message((MAIL / "reply_in_reply_to.eml").read_bytes()).outcome == "reply"
    assert import_message((MAIL / "unknown_charset_unreadable.eml").read_bytes()).outcome == "rejected"

    login(page, live_server, org.operator.username, org.password)
    page.get_by_role("link", name="信箱邮件").first.click()
    page.wait_for_url(re.compile(r"/staff/feedback/mailbox/"))
    rows = page.get_by_test_id("mail-row")
    assert rows.count() == 2
    assert "x-klingon" in page.get_by_test_id("mailbox-table").inner_text()
    page.screenshot(path="/tmp/feedback-mailbox.png", full_page=True)

    page.get_by_role("link", name=item.code).click()
    page.wait_for_url(re.compile(r"/staff/feedback/\d+/$"))
    assert "今天中午又是夹生饭" in page.get_by_test_id("timeline").inner_text()
    page.get_by_test_id("action-reopen").click()
    page.wait_for_url(re.compile(r"/staff/feedback/\d+/$"))
    item.refresh_from_db()
    assert item.status == Status.REOPENED

    page.goto(live_server.url + "/staff/feedback/mailbox/")
    page.get_by_test_id("mail-row").filter(has_text=item.code).get_by_role("button").click()
    page.wait_for_url(re.compile(r"/staff/feedback/mailbox/"))
    assert page.get_by_test_id("mail-row").count() == 1
    assert not MailMessage.objects.get(outcome=MailMessage.Outcome.REPLY).needs_review
