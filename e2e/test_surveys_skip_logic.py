"""Browser journey: the standard NPS follow-up "0–6 → why?". A supervisor asks the reason only of those who score
0 to 6 — the builder refuses a condition no score can meet, with a message — and on a phone the follow-up
appears for every score from 0 to 6 and for none from 7 to 10; a detractor's reason is kept."""

import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import confirm, login
from e2e.test_surveys_journey import add_question

pytestmark = pytest.mark.django_db(transaction=True)

SCORE = "您向同学推荐食堂的可能性有多大？"
WHY = "您打出这个分数的主要原因是什么？"


def test_it_asks_why_after_a_score_of_0_to_6_and_not_after_7_to_10(page, phone, live_server, org):
    from qualityservice.surveys.models import Answer, Question

    login(page, live_server, org.supervisor.username, org.password)
    page.goto(f"{live_server.url}/staff/surveys/")
    page.click("[data-testid=new-survey]")
    page.fill("#id_title", "食堂推荐度调查")
    page.click("form.qs-form button[type=submit]")
    page.wait_for_url(re.compile(r"/staff/surveys/\d+/$"))
    add_question(page, "nps", SCORE)

    # A condition no score can meet is refused with the reason; nothing is added and what was typed stays.
    form = page.locator("[data-testid=question-form]")
    form.locator("select[name=kind]").select_option("text")
    form.locator("input[name=text]").fill(WHY)
    form.locator("input[name=required]").uncheck()
    form.locator("select[name=show_if_question]").select_option(label=SCORE)
    form.locator("input[name=show_if_value]").fill("0-12")
    form.locator("[data-testid=add-question]").click()
    expect(page.locator(".alert-danger")).to_contain_text("没有答案 11,12；它的答案为 0-10")
    expect(page.locator("input[name=text]")).to_have_value(WHY)
    assert not Question.objects.filter(text=WHY).exists()
    page.fill("input[name=show_if_value]", "0–6")
    page.click("form.qs-form button[type=submit]")
    page.wait_for_url(re.compile(r"/staff/surveys/\d+/$"))
    row = page.locator("[data-testid=question-row]", has_text=WHY)
    expect(row).to_contain_text("0-6")
    expect(row.locator("[data-testid=skip-problem]")).to_have_count(0)
    page.click("[data-testid=open-survey]")
    confirm(page)
    public_url = page.locator("[data-testid=public-link]").get_attribute("href")

    phone.goto(f"{live_server.url}{public_url}")
    score = phone.locator("[data-testid=question]", has_text=SCORE)
    why = phone.locator("[data-testid=question]", has_text=WHY)
    expect(why).to_be_hidden()
    for value in (9, 0, 7, 6, 10, 3, 8, 1, 2, 4, 5):
        score.locator(f"label[for$='-{value}']").click()
        if value <= 6:
            expect(why).to_be_visible()
        else:
            expect(why).to_be_hidden()
    phone.screenshot(path="/tmp/surveys-skip-logic-phone.png", full_page=True)
    phone.click("label[for=rt-student]")
    score.locator("label[for$='-4']").click()
    why.locator("textarea").fill("排队时间太长")
    why.locator("textarea").blur()
    # Every autosave answered before submitting (the live server's threads share one SQLite connection).
    expect(why.locator("[data-status]")).to_have_text("已保存")
    expect(phone.locator("[data-saving]")).to_have_count(0)
    phone.click("[data-testid=submit]")
    expect(phone.locator("[data-testid=thanks]")).to_be_visible()
    assert list(Answer.objects.filter(question__text=WHY).values_list("text", flat=True)) == ["排队时间太长"]
