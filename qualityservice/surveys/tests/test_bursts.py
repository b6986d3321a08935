"""Suspicious bursts: the survey owner sees many responses in one minute and several responses from one
browser, excludes a burst with a reason (recorded: who, when, why, in the survey's history too), which
takes it out of the result counters and the satisfaction index, and can include it again."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from qualityservice.surveys import answering, bursts, counters, exports, index, results
from qualityservice.surveys.models import Response, ResponseExclusion, ResultCell, SatisfactionIndex, Survey

from .factories import make_survey, valid_post

HONEST = 10
ALLOWED = 5
PAGE_QUERIES = 11  # session, user, profile, survey, bursts by minute / browser and their means, exclusions, counts, index


@pytest.fixture
def ns(org, settings):
    settings.QS_SURVEY_RATE_PER_BROWSER = f"{ALLOWED}/d"
    settings.QS_SURVEY_RATE_PER_IP = "1000/d"
    return make_survey(org)


def start_url(ns):
    return reverse("surveys:start", args=[ns.survey.public_code])


def submit(client, ns, **overrides):
    return client.post(reverse("surveys:submit", args=[ns.survey.public_code]),
                       valid_post(ns, submission_key=str(uuid.uuid4()), **overrides))


def index_of(ns, org):
    index.refresh_satisfaction_index(surveys=[ns.survey])
    row = SatisfactionIndex.objects.get(survey=ns.survey, department=org.yinshi)
    period = SatisfactionIndex.objects.get(survey=None, period=ns.survey.period, department=org.yinshi)
    return row.score, row.respondents, period.score


def honest_responses(ns, n=HONEST):
    for i in range(n):
        browser = Client()
        browser.get(start_url(ns))
        assert submit(browser, ns, **{ns.rating.field_name: str(4 + i % 2)}).status_code == 302


def stuff(ns, attempts=300):
    attacker = Client()
    attacker.get(start_url(ns))
    statuses = [submit(attacker, ns, **{ns.rating.field_name: "1", f"{ns.matrix.field_name}_1": "1",
                                        f"{ns.matrix.field_name}_2": "1", ns.wuye_rating.field_name: "1"}).status_code
                for _ in range(attempts)]
    return statuses


def browser_burst(ns):
    return next(b for b in bursts.bursts(ns.survey, per_minute=1000) if b.kind == ResponseExclusion.Kind.BROWSER)


def bursts_url(ns, **query):
    url = reverse("surveys:bursts", args=[ns.survey.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def exclude(client, ns, burst, reason="同一浏览器两秒内提交"):
    return client.post(reverse("surveys:burst_exclude", args=[ns.survey.pk]), {"kind": burst.kind, "key": burst.key, "reason": reason})


def test_it_stores_the_allowed_number_of_a_stuffing_browser_and_lists_the_burst(client, org, ns):
    honest_responses(ns)
    statuses = stuff(ns)
    assert statuses.count(302) == ALLOWED and statuses.count(429) == 300 - ALLOWED
    assert Response.objects.submitted().count() == HONEST + ALLOWED
    client.force_login(org.supervisor)
    html = client.get(bursts_url(ns, per_minute=4)).content.decode()
    assert html.count('data-testid="burst-row" data-kind="browser"') == 1
    assert f'data-testid="burst-responses">{ALLOWED}<' in html
    assert 'data-kind="minute"' in html  # 15 responses within a few seconds: more than 4 in a minute
    assert 'data-testid="exclusion-row"' not in html and 'data-testid="exclude"' in html
    # The browser's hash is what groups it; the cookie's value is nowhere.
    burst = browser_burst(ns)
    assert burst.responses == ALLOWED and burst.mean == 1.0 and len(burst.key) == 32


def test_it_restores_the_index_to_the_pre_burst_value_when_the_burst_is_excluded(client, org, ns):
    honest_responses(ns)
    before = index_of(ns, org)
    stuff(ns, 50)
    during = index_of(ns, org)
    assert during[0] < before[0] - 10 and during[1] == HONEST + ALLOWED
    client.force_login(org.supervisor)
    r = exclude(client, ns, browser_burst(ns))
    assert r.status_code == 302
    assert index_of(ns, org) == before
    # The results (stored counters) count the honest responses only, as a rebuild from the answers does.
    loaded = answering.SurveyForm.load(ns.survey)
    stored = results.results(ns.survey, loaded.ordered())
    full = results.compute_results_from_answers(ns.survey, loaded.ordered())
    assert stored["total"] == full["total"] == HONEST
    assert [b["chart"] for b in stored["blocks"]] == [b["chart"] for b in full["blocks"]]
    assert results.crosstabs(ns.survey, loaded.ordered()) == results.compute_crosstabs_from_answers(ns.survey, loaded.ordered())
    assert counters.stale_result_surveys() == []
    counters.rebuild_results(ns.survey)
    assert results.results(ns.survey, loaded.ordered())["blocks"][0]["chart"] == stored["blocks"][0]["chart"]
    assert len(list(exports.raw_export_rows(ns.survey, loaded))) == HONEST
    html = client.get(reverse("surveys:results", args=[ns.survey.pk])).content.decode()
    assert f'data-testid="total">{HONEST}<' in html


def test_it_takes_a_large_burst_out_of_the_counters_slice_by_slice(client, org, ns, monkeypatch):
    monkeypatch.setattr(bursts, "PURGE_BATCH", 2)
    honest_responses(ns, 3)
    before = index_of(ns, org)
    stuff(ns, 10)
    client.force_login(org.supervisor)
    exclude(client, ns, browser_burst(ns))
    assert Response.objects.filter(exclusion__isnull=False).count() == ALLOWED
    assert index_of(ns, org) == before
    loaded = answering.SurveyForm.load(ns.survey)
    full = results.compute_results_from_answers(ns.survey, loaded.ordered())
    assert results.results(ns.survey, loaded.ordered())["blocks"] == full["blocks"]


def test_it_rebuilds_counters_that_were_off_instead_of_taking_them_below_zero(client, org, ns):
    honest_responses(ns, 2)
    stuff(ns, 10)
    ResultCell.objects.filter(survey=ns.survey).update(count=0)  # counters written behind their back
    client.force_login(org.supervisor)
    exclude(client, ns, browser_burst(ns))
    loaded = answering.SurveyForm.load(ns.survey)
    full = results.compute_results_from_answers(ns.survey, loaded.ordered())
    assert results.results(ns.survey, loaded.ordered())["blocks"] == full["blocks"] and full["total"] == 2
    assert Response.objects.filter(exclusion__isnull=False).count() == ALLOWED


def test_it_records_who_excluded_the_burst_when_and_why(client, org, ns):
    honest_responses(ns, 2)
    stuff(ns, 10)
    client.force_login(org.supervisor)
    exclude(client, ns, browser_burst(ns), reason="同一浏览器两秒内提交五次")
    record = ResponseExclusion.objects.get()
    assert record.survey == ns.survey and record.kind == "browser" and record.responses == ALLOWED
    assert record.created_by == org.supervisor and record.created_at is not None and record.reason == "同一浏览器两秒内提交五次"
    assert set(Response.objects.filter(exclusion=record).values_list("browser_hash", flat=True)) == {record.key}
    history = ns.survey.history.latest()
    assert history.history_user == org.supervisor and "同一浏览器两秒内提交五次" in history.history_change_reason
    html = client.get(bursts_url(ns)).content.decode()
    assert 'data-testid="exclusion-row"' in html and "同一浏览器两秒内提交五次" in html and org.supervisor.username in html
    assert 'data-testid="excluded">5<' in html


def test_it_includes_an_excluded_burst_again_and_records_it(client, org, ns):
    honest_responses(ns, 3)
    stuff(ns, 10)
    during = index_of(ns, org)
    client.force_login(org.supervisor)
    exclude(client, ns, browser_burst(ns))
    record = ResponseExclusion.objects.get()
    r = client.post(reverse("surveys:burst_include", args=[ns.survey.pk, record.pk]))
    assert r.status_code == 302
    assert index_of(ns, org) == during
    record.refresh_from_db()
    assert record.restored_by == org.supervisor and record.restored_at is not None
    assert not Response.objects.filter(exclusion__isnull=False).exists()
    assert results.results(ns.survey, answering.SurveyForm.load(ns.survey).ordered())["total"] == 3 + ALLOWED
    assert counters.stale_result_surveys() == []
    again = client.post(reverse("surveys:burst_include", args=[ns.survey.pk, record.pk]), follow=True).content.decode()
    assert "已经重新计入" in again
    assert "重新计入" in ns.survey.history.latest().history_change_reason


def test_it_excludes_a_minute_and_does_not_exclude_a_response_twice(client, org, ns):
    honest_responses(ns, 4)
    stuff(ns, 10)
    client.force_login(org.supervisor)
    exclude(client, ns, browser_burst(ns))
    minutes = [b for b in bursts.bursts(ns.survey, per_minute=0) if b.kind == "minute"]
    for burst in minutes:
        exclude(client, ns, burst, reason="整分钟集中提交")
    assert Response.objects.filter(exclusion__isnull=False).count() == 4 + ALLOWED
    assert sum(ResponseExclusion.objects.values_list("responses", flat=True)) == 4 + ALLOWED
    assert results.results(ns.survey, answering.SurveyForm.load(ns.survey).ordered())["total"] == 0
    assert not SatisfactionIndex.objects.filter(survey=ns.survey).exists()
    r = exclude(client, ns, minutes[0], reason="再来一次")
    assert r.status_code == 302 and not ResponseExclusion.objects.filter(reason="再来一次").exists()
    assert "已经被排除" in client.get(bursts_url(ns)).content.decode()


@pytest.mark.parametrize("data, message", [
    ({"kind": "browser", "reason": "  "}, "请填写排除的原因"),
    ({"kind": "browser", "key": "not-a-hash", "reason": "原因"}, "不存在"),
    ({"kind": "minute", "key": "2026-13-01T00:00:00+00:00", "reason": "原因"}, "不存在"),
    ({"kind": "minute", "key": "2026-05-01T08:30:15+00:00", "reason": "原因"}, "不存在"),
    ({"kind": "everything", "reason": "原因"}, "选择一个有效的选项"),
])
def test_it_refuses_a_bad_exclusion_with_a_message_and_changes_nothing(client, org, ns, data, message):
    honest_responses(ns, 1)
    stuff(ns, 3)
    data.setdefault("key", browser_burst(ns).key)
    client.force_login(org.supervisor)
    r = client.post(reverse("surveys:burst_exclude", args=[ns.survey.pk]), data, follow=True)
    assert r.status_code == 200 and message in r.content.decode()
    assert not ResponseExclusion.objects.exists() and not Response.objects.filter(exclusion__isnull=False).exists()


def test_it_reads_the_bursts_page_in_a_fixed_number_of_queries(client, org, ns, django_assert_max_num_queries):
    client.force_login(org.supervisor)
    honest_responses(ns, 1)
    stuff(ns, 2)
    exclude(client, ns, browser_burst(ns))
    client.get(bursts_url(ns, per_minute=1))  # warm-up
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert 'data-kind="browser"' in client.get(bursts_url(ns, per_minute=1)).content.decode()
    for _ in range(6):
        stuff(ns, 3)
    for burst in [b for b in bursts.bursts(ns.survey, per_minute=1000) if not b.excluded][:3]:
        exclude(client, ns, burst)
    with django_assert_max_num_queries(PAGE_QUERIES):
        html = client.get(bursts_url(ns, per_minute=1)).content.decode()
    assert html.count('data-kind="browser"') == 7 and html.count('data-testid="exclusion-row"') == 4


# --- Permissions ---------------------------------------------------------------------------------


@pytest.fixture
def burst(ns):
    honest_responses(ns, 1)
    stuff(ns, 3)
    return browser_burst(ns)


def test_it_sends_anonymous_visitors_to_sign_in(client, ns, burst):
    record = ResponseExclusion.objects.create(survey=ns.survey, kind="browser", key=burst.key, reason="x")
    for r in (client.get(bursts_url(ns)), exclude(client, ns, burst),
              client.post(reverse("surveys:burst_include", args=[ns.survey.pk, record.pk]))):
        assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    assert not Response.objects.filter(exclusion__isnull=False).exists()


@pytest.mark.parametrize("who", ["staff_wuye", "operator", "judge"])
def test_it_hides_the_bursts_page_from_staff(client, org, ns, burst, who):
    client.force_login(getattr(org, who))
    assert client.get(bursts_url(ns)).status_code == 404
    assert exclude(client, ns, burst).status_code == 404
    assert not Response.objects.filter(exclusion__isnull=False).exists()


def test_it_shows_a_head_of_a_rated_department_the_bursts_but_not_the_exclusion(client, org, ns, burst):
    client.force_login(org.head_yinshi)
    html = client.get(bursts_url(ns)).content.decode()
    assert 'data-kind="browser"' in html and 'data-testid="exclude"' not in html
    assert exclude(client, ns, burst).status_code == 404
    assert not ResponseExclusion.objects.exists() and not Response.objects.filter(exclusion__isnull=False).exists()


def test_it_hides_the_bursts_page_from_the_head_of_a_department_the_survey_does_not_rate(client, org, ns, burst):
    ns.wuye_rating.delete()
    client.force_login(org.head_wuye)
    assert client.get(bursts_url(ns)).status_code == 404
    assert exclude(client, ns, burst).status_code == 404


def test_it_lets_the_supervisor_exclude(client, org, ns, burst):
    client.force_login(org.supervisor)
    html = client.get(bursts_url(ns)).content.decode()
    assert 'data-testid="exclude"' in html and "可疑" in html
    assert exclude(client, ns, burst).status_code == 302
    assert Response.objects.filter(exclusion__isnull=False).count() == 3


def test_it_shows_an_exclusion_of_another_survey_to_nobody(client, org, ns, burst):
    other = make_survey(org)
    record = ResponseExclusion.objects.create(survey=other.survey, kind="browser", key=burst.key, reason="x")
    client.force_login(org.supervisor)
    assert client.post(reverse("surveys:burst_include", args=[ns.survey.pk, record.pk])).status_code == 404
    assert Survey.objects.filter(pk=ns.survey.pk).exists()


def test_it_keeps_a_keyed_hash_of_the_browser_that_differs_between_surveys_and_no_identity(client, org, ns):
    other = make_survey(org)
    client.get(start_url(ns))
    submit(client, ns)
    submit(client, other)
    cookie = client.cookies["qs_visitor"].value
    first, second = Response.objects.submitted().order_by("pk")
    assert len(first.browser_hash) == 32 and first.browser_hash != second.browser_hash
    assert first.browser_hash not in cookie and cookie.split(":")[0] not in first.browser_hash
    assert first.user_id is None and first.token_id is None and first.draft_key is None


def test_it_deletes_a_survey_with_its_exclusions(client, org, ns, burst):
    client.force_login(org.supervisor)
    exclude(client, ns, burst)
    ns.survey.delete()
    assert not ResponseExclusion.objects.exists() and not Response.objects.exists()
