"""The campaign activity an event serves: the organiser picks it from the host department's activities carried by
events (read through ``campaigns.services.activities_carried_by``), the event pages show it, and each session held
is recorded as evidence of that activity only (``record_evidence(..., activity_id=…)``)."""

import datetime as dt

import pytest
from django.urls import reverse

from qualityservice.campaigns import services as campaigns
from qualityservice.campaigns.models import Evidence
from qualityservice.campaigns.tests.helpers import make_campaign
from qualityservice.events import services
from qualityservice.events.models import Event

from .helpers import make_event

pytestmark = pytest.mark.django_db
KEY = "0123456789abcdef0123456789abcdef"


def _campaign_with_two_event_activities(org):
    campaign = make_campaign(org)
    campaigns.add_menu_item(campaign, key=None, by=org.supervisor, code="三(七)", title="经验交流会", title_en="Exchange conference",
                            description="经验交流会。", kind="optional", carriers=["events"], sort_order=70)
    open_days = campaigns.adopt(campaign, campaign.menu.get(code="三(三)"), org.wuye, key=None, by=org.head_wuye)[0]
    exchange = campaigns.adopt(campaign, campaign.menu.get(code="三(七)"), org.wuye, key=None, by=org.head_wuye)[0]
    catering = campaigns.adopt(campaign, campaign.menu.get(code="三(三)"), org.yinshi, key=None, by=org.head_yinshi)[0]
    return open_days, exchange, catering


def _form(org, **changes):
    data = {"kind": "exchange", "department": org.wuye.pk, "title": "物业经验交流会", "title_en": "", "audience": "public",
            "description": "", "description_en": "", "submission_key": KEY}
    data.update(changes)
    return data


def test_it_offers_the_host_departments_activities_carried_by_events_and_saves_the_one_picked(client, org):
    open_days, exchange, catering = _campaign_with_two_event_activities(org)
    client.force_login(org.head_wuye)
    body = client.get(reverse("events:new")).content.decode()
    assert "服务的活动" in body and "三(三) 走进后勤 · 优质服务年" in body and "三(七) 经验交流会 · 优质服务年" in body
    assert f'value="{catering.pk}"' not in body  # another department's activity is not offered to this head
    assert "六查六看" not in body  # not carried by events
    response = client.post(reverse("events:new"), _form(org, campaign_activity_id=exchange.pk))
    event = Event.objects.get()
    assert response["Location"] == event.get_absolute_url() and event.campaign_activity_id == exchange.pk
    page = client.get(event.get_absolute_url()).content.decode()
    assert f'<a href="{exchange.get_absolute_url()}">三(七) 经验交流会 · 优质服务年</a>' in page


def test_an_activity_of_another_department_is_refused_with_a_message_and_nothing_is_saved(client, org):
    open_days, exchange, catering = _campaign_with_two_event_activities(org)
    client.force_login(org.supervisor)  # sees every department's activities
    body = client.post(reverse("events:new"), _form(org, campaign_activity_id=catering.pk)).content.decode()
    assert "请选择主办部门的活动" in body and not Event.objects.exists()
    body = client.post(reverse("events:new"), _form(org, campaign_activity_id=999999)).content.decode()
    assert not Event.objects.exists() and "campaign_activity_id" in body


def test_the_public_page_names_the_activity_the_event_is_part_of(client, org):
    open_days, _exchange, _catering = _campaign_with_two_event_activities(org)
    event = make_event(org)
    services.update_event(event, campaign_activity_id=open_days.pk)
    body = client.get(event.get_public_url()).content.decode()
    assert "属于“三(三) 走进后勤 · 优质服务年”活动" in body
    services.update_event(event, campaign_activity_id=None)
    assert 'data-testid="campaign-activity"' not in client.get(event.get_public_url()).content.decode()


def test_a_held_session_is_evidence_of_the_chosen_activity_only(org):
    open_days, exchange, _catering = _campaign_with_two_event_activities(org)
    event = make_event(org, kind="exchange", starts_in=-dt.timedelta(hours=3))
    services.update_event(event, campaign_activity_id=exchange.pk)
    session = event.sessions.get()
    services.move_session(session, "hold", by=org.head_wuye)
    assert list(Evidence.objects.values_list("activity_id", "object_id", "carrier", "is_public")) == [
        (exchange.pk, session.pk, "events", True)]


def test_without_a_choice_a_held_session_is_evidence_of_every_activity_carried_by_events_as_before(org):
    open_days, exchange, _catering = _campaign_with_two_event_activities(org)
    event = make_event(org, starts_in=-dt.timedelta(hours=3))
    services.move_session(event.sessions.get(), "hold", by=org.head_wuye)
    assert sorted(Evidence.objects.values_list("activity_id", flat=True)) == sorted([open_days.pk, exchange.pk])


def test_showing_the_activity_costs_one_query_on_the_event_pages(client, org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    open_days, _exchange, _catering = _campaign_with_two_event_activities(org)
    event = make_event(org)
    client.force_login(org.head_wuye)

    def queries(url):
        client.get(url)  # warm (sessions, memos)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        return len(captured)

    before = (queries(event.get_absolute_url()), queries(event.get_public_url()))
    services.update_event(event, campaign_activity_id=open_days.pk)
    assert (queries(event.get_absolute_url()), queries(event.get_public_url())) == (before[0] + 1, before[1] + 1)
