"""Reminders through core.notifications: ``QS_CAMPAIGNS_REMIND_DAYS`` days before an activity's milestone (to the
department's head and the owner) and before a campaign milestone (to every centre's head and the supervisors),
once per milestone however often the job runs; none for a reached milestone or a closed activity."""

import datetime as dt

import pytest

from qualityservice.campaigns import services
from qualityservice.campaigns.models import CampaignMilestone
from qualityservice.campaigns.workflows import ACTIVITY
from qualityservice.core.models import Notification

from .helpers import activity, make_campaign

pytestmark = pytest.mark.django_db


def _plan_milestones(org, campaign):
    year = campaign.year
    target = activity(campaign, org.wuye, "三(二)")
    org.staff_wuye.staff.refresh_from_db()
    services.save_plan(target, owner=org.staff_wuye.staff, today=dt.date(year, 1, 2),
                       milestones=[(dt.date(year, 5, 20), "第一次座谈会"), (dt.date(year, 6, 30), "总结")])
    Notification.objects.all().delete()
    return target


def test_it_reminds_the_head_and_the_owner_once_before_a_milestone(org, settings):
    settings.QS_CAMPAIGNS_REMIND_DAYS = 7
    campaign = make_campaign(org, milestones=[])
    _plan_milestones(org, campaign)
    year = campaign.year
    assert services.send_reminders(dt.date(year, 5, 12)) == 0  # 8 days before: not yet
    assert services.send_reminders(dt.date(year, 5, 13)) == 1
    assert services.send_reminders(dt.date(year, 5, 14)) == 0  # once
    payload = Notification.objects.get().payload
    assert payload["heads_of"] == [org.wuye.pk] and payload["user_ids"] == [org.staff_wuye.pk]
    assert payload["subject"] == f"节点提醒（{year}-05-20）：第一次座谈会"


def test_no_reminder_for_a_reached_milestone_or_a_done_activity(org, settings):
    settings.QS_CAMPAIGNS_REMIND_DAYS = 7
    campaign = make_campaign(org, milestones=[])
    target = _plan_milestones(org, campaign)
    year = campaign.year
    target.milestones.filter(title="第一次座谈会").update(done_on=dt.date(year, 5, 1))
    assert services.send_reminders(dt.date(year, 5, 15)) == 0
    ACTIVITY.apply(target, "complete", by=org.head_wuye, summary="完成")
    assert services.send_reminders(dt.date(year, 6, 25)) == 0
    assert not Notification.objects.exists()


def test_a_campaign_milestone_reminds_every_centre_and_the_supervisors_once(org, settings):
    settings.QS_CAMPAIGNS_REMIND_DAYS = 3
    campaign = make_campaign(org)  # 经验交流会 on 15 September
    Notification.objects.all().delete()
    assert services.send_reminders(dt.date(campaign.year, 9, 12)) == 1
    assert services.send_reminders(dt.date(campaign.year, 9, 13)) == 0
    payload = Notification.objects.get().payload
    assert sorted(payload["heads_of"]) == sorted([org.wuye.pk, org.yinshi.pk, org.office.pk]) and payload["supervisors"]
    assert "经验交流会" in payload["subject"]
    assert CampaignMilestone.objects.get().reminded_on == dt.date(campaign.year, 9, 12)
