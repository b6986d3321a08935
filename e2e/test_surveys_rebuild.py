"""Browser: while a survey's results are rebuilt in the background (after a question changed department), its
results page says so; once the rebuild is done the notice is gone."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import login
from qualityservice.surveys import counters
from qualityservice.surveys.models import Survey
from qualityservice.surveys.tests.factories import add_responses, make_survey

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_tells_the_supervisor_that_the_results_are_being_rebuilt(page, live_server, org):
    ns = make_survey(org)
    add_responses(ns, 4, rating=4)
    Survey.objects.filter(pk=ns.survey.pk).update(results_rebuilding=timezone.now())  # the task is still queued

    login(page, live_server, org.supervisor.username, org.password)
    page.goto(f"{live_server.url}/staff/surveys/{ns.survey.pk}/results/")
    expect(page.locator("[data-testid=results-rebuilding]")).to_contain_text("结果正在重新统计")
    expect(page.locator("[data-testid=total]")).to_have_text("4")
    page.screenshot(path="/tmp/surveys-results-rebuilding.png", full_page=False)

    counters.run_scheduled_rebuild(ns.survey.pk)  # what the task does
    page.reload()
    expect(page.locator("[data-testid=total]")).to_have_text("4")
    expect(page.locator("[data-testid=results-rebuilding]")).to_have_count(0)
