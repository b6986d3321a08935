"""Browser journey: a supervisor builds a survey with every question type (desktop), a student
answers it on a phone — reloading mid-way keeps her answers — and the results show charts."""

import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import confirm, login

pytestmark = pytest.mark.django_db(transaction=True)


def add_question(page, kind, text, options="", required=True, show_if=None, department=None):
    form = page.locator("[data-testid=question-form]")
    form.locator("select[name=kind]").select_option(kind)
    form.locator("input[name=text]").fill(text)
    form.locator("textarea[name=options_text]").fill(options)
    box = form.locator("input[name=required]")
    if box.is_checked() != required:
        box.click()
    if department:
        form.locator("select[name=department]").select_option(label=department)
    if show_if:
        form.locator("select[name=show_if_question]").select_option(label=show_if[0])
        form.locator("input[name=show_if_value]").fill(show_if[1])
    form.locator("[data-testid=add-question]").click()
    expect(page.locator("[data-testid=question-row]", has_text=text)).to_be_visible()


def test_it_builds_answers_on_a_phone_and_shows_results(page, phone, live_server, org):
    # --- The supervisor builds the survey on a desktop.
    login(page, live_server, org.supervisor.username, org.password)
    page.goto(f"{live_server.url}/staff/surveys/")
    page.click("[data-testid=new-survey]")
    page.fill("#id_title", "2026年食堂满意度调查")
    page.fill("#id_description", "请根据您最近一个月的就餐体验作答。")
    page.click("form.qs-form button[type=submit]")
    page.wait_for_url(re.compile(r"/staff/surveys/\d+/$"))
    add_question(page, "rating", "您对食堂的总体满意度", department="饮食服务中心")
    add_question(page, "single", "您是否每天在食堂用餐？", "是 | Yes\n否 | No")
    add_question(page, "matrix", "请对以下方面打分", "饭菜口味\n价格\n卫生", required=False, show_if=("您是否每天在食堂用餐？", "1"))
    add_question(page, "multiple", "最需要改进的方面", "排队时间\n菜品种类\n服务态度", required=False)
    add_question(page, "nps", "您向同学推荐食堂的可能性")
    add_question(page, "text", "其他意见和建议", required=False)
    page.screenshot(path="/tmp/surveys-builder.png", full_page=True)
    page.click("[data-testid=preview]")
    expect(page.locator("[data-testid=preview-banner]")).to_be_visible()
    page.go_back()
    page.click("[data-testid=open-survey]")
    confirm(page, sentence="公开链接将开始接受答卷")
    expect(page.locator("[data-testid=status]")).to_have_text("进行中")
    public_url = page.locator("[data-testid=public-link]").get_attribute("href")

    # --- A student answers on her phone.
    phone.goto(f"{live_server.url}{public_url}")
    expect(phone.locator("[data-testid=anonymity]")).to_contain_text("匿名")
    matrix = phone.locator("[data-testid=question]", has_text="请对以下方面打分")
    expect(matrix).to_be_hidden()
    phone.click("label[for=rt-student]")
    rating = phone.locator("[data-testid=question]", has_text="总体满意度")
    rating.locator("label", has_text="4").click()
    expect(rating.locator("[data-status]")).to_have_text("已保存")
    phone.locator("[data-testid=question]", has_text="每天在食堂").locator("label", has_text="是").click()
    expect(matrix).to_be_visible()
    matrix.locator("label[for$='_1-5']").click()
    expect(matrix.locator("[data-status]")).to_have_text("已保存")
    text = phone.locator("[data-testid=question]", has_text="其他意见")
    text.locator("textarea").fill("希望延长晚餐供应时间")
    text.locator("textarea").blur()
    expect(text.locator("[data-status]")).to_have_text("已保存")
    phone.screenshot(path="/tmp/surveys-answer-phone.png", full_page=True)

    phone.reload()
    rating = phone.locator("[data-testid=question]", has_text="总体满意度")
    expect(rating.locator("input[value='4']")).to_be_checked()
    expect(phone.locator("#rt-student")).to_be_checked()
    expect(matrix).to_be_visible()
    expect(matrix.locator("input[id$='_1-5']")).to_be_checked()
    expect(text.locator("textarea")).to_have_value("希望延长晚餐供应时间")

    # Submitting without the required NPS answer shows a message and keeps everything.
    phone.click("[data-testid=submit]")
    expect(phone.locator("[data-testid=errors]")).to_contain_text("推荐食堂的可能性")
    phone.locator("[data-testid=question]", has_text="推荐食堂").locator("label", has_text="10").click()
    matrix.locator("label[for$='_2-4']").click()
    phone.locator("[data-testid=question]", has_text="最需要改进").locator("label", has_text="排队时间").click()
    phone.click("[data-testid=submit]")
    expect(phone.locator("[data-testid=thanks]")).to_be_visible()
    phone.screenshot(path="/tmp/surveys-thanks-phone.png")

    # --- The supervisor reads the results.
    page.click("[data-testid=results]")
    expect(page.locator("[data-testid=total]")).to_have_text("1")
    expect(page.locator("[data-testid=nps]")).to_have_text("100.0")
    expect(page.locator("[data-chart] canvas").first).to_be_visible()
    assert page.locator("[data-chart] canvas").count() >= 6
    expect(page.locator("[data-testid=text-answer]")).to_contain_text("希望延长晚餐供应时间")
    page.screenshot(path="/tmp/surveys-results.png", full_page=True)
