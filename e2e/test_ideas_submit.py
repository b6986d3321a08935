"""Browser journey on a phone (390×844): a member of staff types the title of an idea, sees a colleague's similar
idea appear while typing (htmx), supports it from there, and sends their own idea anyway."""

import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import login
from e2e.foundation import ConsoleWatch, no_horizontal_overflow


@pytest.mark.django_db(transaction=True)
def test_a_staff_member_sees_a_similar_idea_while_typing_supports_it_and_sends_theirs(live_server, phone, org):
    from qualityservice.ideas.models import Idea, Support
    from qualityservice.ideas.tests.factories import make_idea, make_round

    round_ = make_round(None, title="2026年度金点子征集")
    existing = make_idea(round_, org.staff_yinshi, title="报修流程改为线上扫码报修", category="service", unit="qualitative")
    watch = ConsoleWatch(phone)
    login(phone, live_server, org.staff_wuye.username, org.password)
    phone.goto(f"{live_server.url}/staff/ideas/")
    phone.click("[data-testid=new-idea]")
    phone.wait_for_url(f"{live_server.url}/staff/ideas/new/")
    phone.check("input[name=category][value=service]")
    phone.locator("#id_title").press_sequentially("宿舍报修扫码", delay=60)
    similar = phone.locator("[data-testid=similar-idea]")
    expect(similar).to_have_count(1)
    expect(similar).to_contain_text("报修流程改为线上扫码报修")
    phone.screenshot(path="/tmp/ideas-similar-phone.png", full_page=False)
    similar.locator("[data-testid=support-button]").click()
    expect(similar.locator("[data-testid=support-button]")).to_contain_text("已支持")
    assert Support.objects.filter(idea=existing, staff__user=org.staff_wuye).exists()

    phone.fill("#id_title", "宿舍报修扫码登记")  # and sends theirs anyway
    phone.fill("#id_problem", "宿舍报修要到值班室登记，晚上不方便。")
    phone.fill("#id_proposal", "宿舍门口贴二维码，扫码报修并上传照片。")
    phone.select_option("#id_benefit_unit", "qualitative")
    expect(phone.locator("#id_expected_amount")).to_be_hidden()
    phone.fill("#id_expected_note", "报修更快")
    assert no_horizontal_overflow(phone, 390)
    phone.screenshot(path="/tmp/ideas-form-phone.png", full_page=True)
    phone.click("[data-testid=send-idea]")
    phone.wait_for_url(re.compile(rf"{live_server.url}/staff/ideas/\d+/$"))
    expect(phone.locator("[data-testid=idea-title]")).to_have_text("宿舍报修扫码登记")
    expect(phone.locator("[data-testid=idea-status]")).to_have_text("已提交")
    assert no_horizontal_overflow(phone, 390)
    phone.screenshot(path="/tmp/ideas-sent-phone.png", full_page=True)
    mine = Idea.objects.get(title="宿舍报修扫码登记")
    assert (mine.category, mine.benefit_unit, mine.round) == ("service", "qualitative", round_)
    assert watch.csp_violations() == [] and watch.errors() == []
