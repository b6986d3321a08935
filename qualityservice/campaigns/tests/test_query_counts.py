"""The list, the campaign page, a department's plan, an activity's page, the participation report and the public
page make the same number of queries with few rows as with many (no query per row). The board: test_board.py."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qualityservice.campaigns import services
from qualityservice.campaigns.uploads import clean_photo
from qualityservice.campaigns.workflows import ACTIVITY

from .helpers import activity, jpeg, make_campaign, today

pytestmark = pytest.mark.django_db


def _queries(client, url) -> tuple[int, str]:
    client.get(url)  # the first request fills the process's caches (the site settings)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def _more_menu(org, campaign, n):
    for i in range(n):
        services.add_menu_item(campaign, key=None, by=org.supervisor, code=f"加{i}", title=f"追加项目{i}", kind="optional",
                               carriers=["events"], required_for=[])
        services.adopt(campaign, campaign.menu.get(code=f"加{i}"), org.wuye, key=None, by=org.head_wuye)


def _reports(org, target, n):
    for i in range(n):
        services.create_report(target, key=None, by=org.head_wuye, reported_on=today(), note=f"报告{i}",
                               participants=[org.staff_wuye.staff, org.head_wuye.staff], files=[clean_photo(jpeg())])
        services.record_evidence(department_id=org.wuye.pk, carrier="inspections", source=target.milestones.create(
            title=f"节点{i}", due_on=today(), done_on=today()), title=f"佐证{i}")


def test_the_campaign_list_and_page_cost_the_same_with_a_short_or_long_menu(client, org):
    campaign = make_campaign(org)
    client.force_login(org.supervisor)
    list_few, _body = _queries(client, reverse("campaigns:list"))
    page_few, _body = _queries(client, campaign.get_absolute_url())
    _more_menu(org, campaign, 8)
    make_campaign(org, year=2029, launch=False)
    list_many, body = _queries(client, reverse("campaigns:list"))
    assert body.count('data-testid="campaign-row"') == 2
    page_many, body = _queries(client, campaign.get_absolute_url())
    assert body.count('data-testid="menu-item"') == 11
    assert list_few == list_many <= 5 and page_few == page_many <= 9


def test_the_plan_costs_the_same_with_few_or_many_activities(client, org):
    campaign = make_campaign(org)
    client.force_login(org.head_wuye)
    url = reverse("campaigns:plan", args=[campaign.pk])
    few, _body = _queries(client, url)
    _more_menu(org, campaign, 8)
    services.add_own_activity(campaign, org.wuye, key=None, by=org.head_wuye, title="自定项目")
    many, body = _queries(client, url)
    assert body.count('data-testid="open-activity"') == 10
    assert few == many <= 8


def test_an_activity_page_costs_the_same_with_one_or_many_reports_and_evidence(client, org):
    campaign = make_campaign(org)
    target = activity(campaign, org.wuye, "三(二)")
    services.save_plan(target, milestones=[(campaign.starts_on + dt.timedelta(days=5), "座谈会")])
    client.force_login(org.head_wuye)
    _reports(org, target, 1)
    one, _body = _queries(client, target.get_absolute_url())
    _reports(org, target, 6)
    ACTIVITY.apply(target, "complete", by=org.head_wuye, summary="完成")
    many, body = _queries(client, target.get_absolute_url())
    assert body.count('data-testid="report"') == 7 and body.count('data-testid="evidence-row"') == 7
    assert one == many <= 11


def test_the_participation_report_costs_the_same_with_few_or_many_activities(client, org):
    campaign = make_campaign(org)
    client.force_login(org.supervisor)
    _reports(org, activity(campaign, org.wuye, "三(二)"), 1)
    few, _body = _queries(client, reverse("campaigns:participation"))
    _more_menu(org, campaign, 5)
    for target in campaign.activities.filter(department=org.wuye):
        _reports(org, target, 1)
    many, body = _queries(client, reverse("campaigns:participation"))
    assert body.count("<tr>") >= 7
    assert few == many <= 9


def test_the_public_page_costs_the_same_with_few_or_many_activities(client, org):
    campaign = make_campaign(org)
    ACTIVITY.apply(activity(campaign, org.wuye, "三(二)"), "start", by=org.head_wuye)
    with CaptureQueriesContext(connection) as queries:
        client.get(campaign.get_public_url())
    few = len(queries)
    _more_menu(org, campaign, 6)
    for target in campaign.activities.filter(department=org.wuye):
        _reports(org, target, 1)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(campaign.get_public_url()).content.decode()
    assert body.count('data-testid="public-activity"') == 8
    assert len(queries) == few <= 8
