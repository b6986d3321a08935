"""The satisfaction index: hand-computed examples through the database, the periodic job,
refresh on close, and the group and department pages."""

import pytest
from django.urls import reverse
from django.utils import timezone

from qualityservice.surveys import index
from qualityservice.surveys.models import Answer, Response, SatisfactionIndex, Survey
from qualityservice.surveys.tasks import purge_stale_drafts, refresh_satisfaction_index
from qualityservice.surveys.workflows import SURVEY

from .factories import add_responses, make_survey


def respond(ns, cells):
    r = Response.objects.create(survey=ns.survey, status="submitted", submitted_at=timezone.now())
    Answer.objects.bulk_create([Answer(response=r, question=q, item=item, number=n) for q, item, n in cells])
    return r


@pytest.fixture
def ns(org):
    ns = make_survey(org)
    # Respondent 1: 饮食 rating 5 and matrix 5, 5 (mean 5); 物业 3.  Respondent 2: 饮食 rating 1 (mean 1).
    respond(ns, [(ns.rating, 0, 5), (ns.matrix, 1, 5), (ns.matrix, 2, 5), (ns.wuye_rating, 0, 3), (ns.nps, 0, 10)])
    respond(ns, [(ns.rating, 0, 1)])
    Response.objects.create(survey=ns.survey, status="draft")  # drafts never count
    return ns


def test_it_computes_the_index_per_department_weighted_by_respondents(org, ns):
    index.refresh_satisfaction_index(surveys=[ns.survey])
    yinshi = SatisfactionIndex.objects.get(department=org.yinshi, survey=ns.survey)
    # respondent means 5 and 1 → 3 → (3 − 1) / 4 × 100 = 50 (answer-weighted would be 16/4 = 4 → 75)
    assert (yinshi.score, yinshi.respondents, yinshi.answers, yinshi.period) == (50.0, 2, 4, "2026")
    wuye = SatisfactionIndex.objects.get(department=org.wuye, survey=ns.survey)
    assert (wuye.score, wuye.respondents) == (50.0, 1)
    assert SatisfactionIndex.objects.filter(department=org.yinshi, survey__isnull=True, period="2026").get().score == 50.0


def test_it_combines_the_surveys_of_a_period_by_respondents(org, ns):
    second = make_survey(org)
    respond(second, [(second.rating, 0, 4)])
    index.refresh_satisfaction_index()
    period = SatisfactionIndex.objects.get(department=org.yinshi, survey__isnull=True, period="2026")
    # (3 × 2 + 4 × 1) / 3 = 3.333 → 58.3
    assert (period.score, period.respondents) == (58.3, 3)


def test_it_refreshes_idempotently_from_the_periodic_job(org, ns):
    refresh_satisfaction_index.delay()
    refresh_satisfaction_index()
    assert SatisfactionIndex.objects.filter(department=org.yinshi).count() == 2
    assert SatisfactionIndex.objects.count() == 4


def test_it_refreshes_the_index_when_a_survey_closes(org, ns):
    SURVEY.apply(ns.survey, "close", by=org.supervisor)
    assert SatisfactionIndex.objects.filter(survey=ns.survey).count() == 2


def test_it_ignores_draft_surveys_and_removes_rows_of_departments_no_longer_rated(org, ns):
    index.refresh_satisfaction_index()
    ns.wuye_rating.department = None
    ns.wuye_rating.save()
    index.refresh_satisfaction_index()
    assert not SatisfactionIndex.objects.filter(department=org.wuye).exists()


def test_it_shows_the_group_page_with_trend_to_supervisors_and_own_department_to_heads(client, org, ns):
    index.refresh_satisfaction_index()
    client.force_login(org.supervisor)
    html = client.get(reverse("surveys:index")).content.decode()
    assert "饮食服务中心" in html and "物业管理中心" in html and "<strong>50.0</strong>" in html
    assert 'data-chart="index-trend"' in html
    client.force_login(org.head_wuye)
    html = client.get(reverse("surveys:index")).content.decode()
    assert "物业管理中心" in html and "饮食服务中心" not in html
    client.force_login(org.staff_wuye)
    assert client.get(reverse("surveys:index")).status_code == 404


def test_it_shows_a_department_page_only_inside_the_scope(client, org, ns):
    index.refresh_satisfaction_index()
    url = reverse("surveys:index_department", args=[org.yinshi.pk])
    assert client.get(url).status_code == 302
    client.force_login(org.head_wuye)
    assert client.get(url).status_code == 404
    client.force_login(org.head_yinshi)
    html = client.get(url).content.decode()
    assert ns.survey.title in html and "<strong>50.0</strong>" in html


def test_it_adds_the_index_to_the_org_department_page(client, org, ns):
    index.refresh_satisfaction_index()
    client.force_login(org.supervisor)
    html = client.get(reverse("org:department_detail", args=[org.yinshi.pk])).content.decode()
    assert 'data-testid="department-satisfaction"' in html and "<strong>50.0</strong>" in html


def test_it_keeps_index_page_queries_constant(client, org, django_assert_max_num_queries):
    ns = make_survey(org)
    client.force_login(org.supervisor)
    add_responses(ns, 1)
    index.refresh_satisfaction_index()
    with django_assert_max_num_queries(10):
        client.get(reverse("surveys:index"))
    with django_assert_max_num_queries(10):
        client.get(reverse("surveys:index_department", args=[org.yinshi.pk]))
    add_responses(ns, 50)
    for _ in range(3):
        other = make_survey(org)
        add_responses(other, 5)
    index.refresh_satisfaction_index()
    with django_assert_max_num_queries(10):
        client.get(reverse("surveys:index"))
    with django_assert_max_num_queries(10):
        client.get(reverse("surveys:index_department", args=[org.yinshi.pk]))


def test_it_purges_drafts_of_closed_surveys_and_old_drafts_in_the_periodic_job(org, ns):
    from datetime import timedelta

    other = make_survey(org)
    old = Response.objects.create(survey=other.survey, status="draft", started_at=timezone.now() - timedelta(days=40))
    fresh = Response.objects.create(survey=other.survey, status="draft")
    Survey.objects.filter(pk=ns.survey.pk).update(status="closed")
    purge_stale_drafts()
    assert not Response.objects.filter(survey=ns.survey, status="draft").exists()
    assert not Response.objects.filter(pk=old.pk).exists() and Response.objects.filter(pk=fresh.pk).exists()
    assert Response.objects.filter(survey=ns.survey, status="submitted").count() == 2
