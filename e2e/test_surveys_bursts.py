"""Browser: one phone sends the same survey again and again — past its allowance the form comes back with
the answers still filled in; the supervisor finds the burst, excludes it with a reason (the index goes
back) and includes it again."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import confirm, login
from qualityservice.surveys import index
from qualityservice.surveys.models import Response, SatisfactionIndex
from qualityservice.surveys.tests.factories import add_responses, make_survey

pytestmark = pytest.mark.django_db(transaction=True)


def answer(phone, ns, rating: str, comment: str = "") -> None:
    phone.click("label[for=rt-student]")
    phone.click(f"label[for={ns.rating.field_name}-{rating}]")
    phone.click(f"label[for={ns.single.field_name}-2]")  # "no": the matrix stays hidden
    phone.click(f"label[for={ns.nps.field_name}-0]")
    if comment:
        phone.locator(f"textarea[name={ns.text.field_name}]").fill(comment)
    phone.click("[data-testid=submit]")


def yinshi_index(ns, org) -> float:
    index.refresh_satisfaction_index(surveys=[ns.survey])
    return SatisfactionIndex.objects.get(survey=ns.survey, department=org.yinshi).score


def test_it_limits_a_stuffing_phone_and_lets_the_supervisor_exclude_its_burst(page, phone, live_server, org, settings):
    settings.QS_SURVEY_RATE_PER_BROWSER = "3/d"
    ns = make_survey(org)
    add_responses(ns, 5, rating=5)  # honest respondents, answered elsewhere
    before = yinshi_index(ns, org)
    url = f"{live_server.url}{ns.survey.get_public_url()}"

    # --- One phone submits three times (its allowance), then once more.
    for _ in range(3):
        phone.goto(url)
        answer(phone, ns, "1")
        expect(phone.locator("[data-testid=thanks]")).to_be_visible()
    phone.goto(url)
    answer(phone, ns, "2", comment="第四次提交")
    expect(phone.locator("[data-testid=limited]")).to_contain_text("短时间内提交了很多份答卷")
    expect(phone.locator(f"#{ns.rating.field_name}-2")).to_be_checked()
    expect(phone.locator("#rt-student")).to_be_checked()
    expect(phone.locator(f"textarea[name={ns.text.field_name}]")).to_have_value("第四次提交")
    phone.screenshot(path="/tmp/surveys-limited-phone.png", full_page=True)
    assert Response.objects.submitted().count() == 8
    stuffed = yinshi_index(ns, org)
    assert stuffed < before

    # --- The supervisor finds the burst from the results and excludes it.
    login(page, live_server, org.supervisor.username, org.password)
    page.goto(f"{live_server.url}/staff/surveys/{ns.survey.pk}/results/")
    page.click("[data-testid=bursts-link]")
    row = page.locator("[data-testid=burst-row][data-kind=browser]")
    expect(row).to_have_count(1)
    expect(row.locator("[data-testid=burst-responses]")).to_have_text("3")
    row.locator("input[name=reason]").fill("同一手机连续提交")
    row.locator("[data-testid=exclude]").click()
    expect(page.locator(".alert-success")).to_contain_text("3 份答卷")
    expect(page.locator("[data-testid=counted]")).to_have_text("5")
    expect(page.locator("[data-testid=exclusion-row]")).to_contain_text("同一手机连续提交")
    expect(page.locator("[data-testid=index-row]", has_text="饮食服务中心")).to_contain_text(str(before))
    page.screenshot(path="/tmp/surveys-bursts.png", full_page=True)
    assert yinshi_index(ns, org) == before

    # --- And includes it again.
    page.locator("[data-testid=include-again]").click()
    confirm(page)
    expect(page.locator("[data-testid=exclusion-row]")).to_contain_text("重新计入")
    expect(page.locator("[data-testid=counted]")).to_have_text("8")
    assert yinshi_index(ns, org) == stuffed
