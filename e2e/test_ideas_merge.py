"""Browser journey: the coordinator merges a duplicate into the similar idea the page offers (its author is
credited there, the target counts both ideas' supporters), then undoes the merge, which restores both ideas
exactly."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import login
from e2e.foundation import ConsoleWatch, no_horizontal_overflow


@pytest.mark.django_db(transaction=True)
def test_the_coordinator_merges_a_duplicate_and_undoes_the_merge(live_server, phone, org):
    from qualityservice.ideas import services
    from qualityservice.ideas.models import Idea, Support
    from qualityservice.ideas.tests.factories import make_idea, make_round
    from qualityservice.ideas.tests.test_merge import snapshot
    from qualityservice.org.models import Staff

    round_ = make_round(org.wuye, title="物业中心金点子")
    target = make_idea(round_, org.head_wuye, title="报修流程改为线上扫码报修", category="service", unit="qualitative")
    duplicate = make_idea(round_, org.staff_wuye, title="报修流程改为扫码报修", category="service", unit="qualitative")
    Support.objects.create(idea=duplicate, staff=Staff.objects.get(user=org.staff_yinshi))
    services.recount_supports(duplicate.pk)
    before = snapshot(round_)
    watch = ConsoleWatch(phone)

    login(phone, live_server, org.head_wuye.username, org.password)
    phone.goto(f"{live_server.url}{duplicate.get_absolute_url()}")
    form = phone.locator("[data-testid=merge-form]")
    form.locator("[data-testid=merge-target]").select_option(str(target.pk))
    form.locator("input[name=reason]").fill("与已有金点子相同")
    assert no_horizontal_overflow(phone, 390)
    form.locator("[data-testid=merge-submit]").click()
    expect(phone.locator("[data-testid=idea-status]")).to_have_text("已合并")
    expect(phone.locator("[data-testid=merged-into]")).to_contain_text("报修流程改为线上扫码报修")
    phone.screenshot(path="/tmp/ideas-merged-phone.png", full_page=True)

    phone.click("[data-testid=merged-into] a")
    expect(phone.locator("[data-testid=idea-authors]")).to_contain_text("物业员工")
    expect(phone.locator("[data-testid=credited]")).to_be_visible()
    expect(phone.locator("[data-testid=idea-supporters]")).to_have_text("1")
    expect(phone.locator("[data-testid=merged-in]")).to_contain_text("报修流程改为扫码报修")

    phone.click("[data-testid=merged-in] a")
    phone.click("[data-testid=move-unmerge]")
    expect(phone.locator("[data-testid=idea-status]")).to_have_text("已提交")
    assert snapshot(round_) == before
    assert Idea.objects.get(pk=target.pk).support_count == 0
    assert watch.csp_violations() == [] and watch.errors() == []
