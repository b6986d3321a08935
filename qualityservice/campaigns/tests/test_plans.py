"""A department's plan: required activities pre-adopted and kept (only the supervisor drops them), menu items
adopted once, own activities (四.2), the plan of each — owner, dates within the campaign, target, milestones —
and at most N signature (精品) activities."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from qualityservice.campaigns import services
from qualityservice.campaigns.models import DepartmentActivity
from qualityservice.core.models import WorkflowEvent

from .helpers import activity, item, make_campaign

pytestmark = pytest.mark.django_db

KEY = "0123456789abcdef0123456789abcdef"


def _plan(org, campaign, **changes):
    year = campaign.year
    data = {"title": "", "title_en": "", "description": "每月一次", "owner": org.head_wuye.staff.pk, "starts_on": f"{year}-03-01",
            "ends_on": f"{year}-11-30", "target_text": "4 次座谈会", "target_number": "4", "milestones": f"{year}-05-20 第一次座谈会\n{year}-09-20 第三次座谈会"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_plan_page_shows_the_required_activities_adopted_and_offers_the_rest(client, org):
    campaign = make_campaign(org)
    client.force_login(org.head_wuye)
    body = client.get(reverse("campaigns:plan", args=[campaign.pk])).content.decode()
    assert "物业管理中心的计划" in body
    assert body.count('data-testid="open-activity"') == 2 and body.count('data-testid="adopt"') == 1
    client.force_login(org.head_yinshi)
    body = client.get(reverse("campaigns:plan", args=[campaign.pk])).content.decode()
    assert body.count('data-testid="open-activity"') == 1 and body.count('data-testid="adopt"') == 2  # 三(八) is not required here


def test_a_head_adopts_an_item_once_however_often_the_form_is_sent(client, org):
    campaign = make_campaign(org)
    client.force_login(org.head_wuye)
    data = {"menu_item": item(campaign, "三(三)").pk, "department": org.wuye.pk, "submission_key": KEY}
    first = client.post(reverse("campaigns:adopt", args=[campaign.pk]), data)
    second = client.post(reverse("campaigns:adopt", args=[campaign.pk]), {**data, "submission_key": "f" * 32})
    adopted = activity(campaign, org.wuye, "三(三)")
    assert first["Location"] == second["Location"] == adopted.get_edit_url()
    assert (adopted.is_required, adopted.status, adopted.adopted_by) == (False, "planned", org.head_wuye)
    assert DepartmentActivity.objects.filter(menu_item__code="三(三)").count() == 1


def test_a_head_cannot_adopt_for_another_department(client, org):
    campaign = make_campaign(org)
    client.force_login(org.head_wuye)
    data = {"menu_item": item(campaign, "三(三)").pk, "department": org.yinshi.pk, "submission_key": KEY}
    body = client.post(reverse("campaigns:adopt", args=[campaign.pk]), data, follow=True).content.decode()
    assert "请为本部门选择菜单中的项目" in body
    assert not DepartmentActivity.objects.filter(menu_item__code="三(三)").exists()


def test_the_head_plans_an_activity_with_owner_dates_target_and_milestones(client, org):
    campaign = make_campaign(org)
    planned = activity(campaign, org.wuye, "三(二)")
    client.force_login(org.head_wuye)
    response = client.post(planned.get_edit_url(), _plan(org, campaign))
    assert response["Location"] == planned.get_absolute_url()
    planned.refresh_from_db()
    assert (planned.owner, planned.target_text, planned.target_number) == (org.head_wuye.staff, "4 次座谈会", 4)
    assert [(m.due_on.month, m.title) for m in planned.milestones.all()] == [(5, "第一次座谈会"), (9, "第三次座谈会")]
    body = client.get(planned.get_absolute_url()).content.decode()
    assert "4 次座谈会 (4)" in body and "第一次座谈会" in body and "物业主任" in body


@pytest.mark.parametrize("changes, message", [
    ({"starts_on": "{prev}-12-01"}, "日期应在活动期间内"),
    ({"ends_on": "{year}-02-01"}, "活动项目不能早于开始日期结束"),
    ({"milestones": "{year}-12-20 太晚"}, "节点应在活动项目的日期内"),
    ({"milestones": "五月 座谈会"}, "第1行：请以日期"),
    ({"target_number": "0"}, "目标数量至少为1"),
    ({"target_number": "-3"}, "确保该值大于或等于0"),
])
def test_it_refuses_a_bad_plan_with_a_message_and_changes_nothing(client, org, changes, message):
    campaign = make_campaign(org)
    planned = activity(campaign, org.wuye, "三(二)")
    client.force_login(org.head_wuye)
    data = _plan(org, campaign, **{k: v.format(year=campaign.year, prev=campaign.year - 1) for k, v in changes.items()})
    response = client.post(planned.get_edit_url(), data)
    assert response.status_code == 400 and message in response.content.decode()
    planned.refresh_from_db()
    assert (planned.starts_on, planned.target_text, planned.milestones.count()) == (None, "", 0)


def test_the_owner_belongs_to_the_department(org):
    campaign = make_campaign(org)
    with pytest.raises(ValidationError, match="负责人应属于本部门"):
        services.save_plan(activity(campaign, org.wuye, "三(二)"), owner=org.head_yinshi.staff)


def test_it_keeps_the_state_of_unchanged_milestones_when_the_plan_changes(org):
    campaign = make_campaign(org)
    planned = activity(campaign, org.wuye, "三(二)")
    year = campaign.year
    services.save_plan(planned, milestones=[(dt.date(year, 5, 20), "座谈会"), (dt.date(year, 6, 20), "总结")])
    planned.milestones.filter(title="座谈会").update(done_on=dt.date(year, 5, 20))
    services.save_plan(planned, milestones=[(dt.date(year, 5, 20), "座谈会"), (dt.date(year, 7, 1), "总结")])
    assert [(m.title, m.done_on) for m in planned.milestones.all()] == [("座谈会", dt.date(year, 5, 20)), ("总结", None)]


def test_at_most_n_signature_activities_per_department(client, org):
    campaign = make_campaign(org)  # signature_limit = 1
    first, second = activity(campaign, org.wuye, "三(二)"), activity(campaign, org.wuye, "三(八)")
    services.save_plan(first, is_signature=True)
    client.force_login(org.head_wuye)
    body = client.post(second.get_edit_url(), _plan(org, campaign, is_signature="on")).content.decode()
    assert "本次活动每个部门最多1个精品项目" in body
    second.refresh_from_db()
    assert not second.is_signature
    services.save_plan(activity(campaign, org.yinshi, "三(二)"), is_signature=True)  # another department has its own
    body = client.get(reverse("campaigns:plan", args=[campaign.pk])).content.decode()
    assert "精品项目：1 个，最多 1 个" in body


def test_a_department_adds_its_own_activity(client, org):
    campaign = make_campaign(org)
    client.force_login(org.head_wuye)
    url = reverse("campaigns:activity_new", args=[campaign.pk])
    data = {**_plan(org, campaign, title="师生开放日", title_en="Open day"), "submission_key": KEY}
    client.post(url, data)
    client.post(url, data)
    own = DepartmentActivity.objects.get(menu_item__isnull=True)
    assert (own.department, own.title, own.is_required, own.milestones.count()) == (org.wuye, "师生开放日", False, 2)
    body = client.post(url, {**data, "title": "", "submission_key": "d" * 32}).content.decode()
    assert "这个字段是必填项" in body and DepartmentActivity.objects.filter(menu_item__isnull=True).count() == 1


def test_a_head_drops_an_optional_activity_but_not_a_required_one(client, org):
    campaign = make_campaign(org)
    services.adopt(campaign, item(campaign, "三(三)"), org.wuye, key=None, by=org.head_wuye)
    optional, required = activity(campaign, org.wuye, "三(三)"), activity(campaign, org.wuye, "三(二)")
    client.force_login(org.head_wuye)
    assert 'data-testid="drop-activity"' not in client.get(required.get_absolute_url()).content.decode()
    body = client.post(reverse("campaigns:activity_drop", args=[required.pk]), follow=True).content.decode()
    assert "规定动作不能放弃：请联系质量督查" in body
    assert DepartmentActivity.objects.filter(pk=required.pk).exists()
    client.post(reverse("campaigns:activity_drop", args=[optional.pk]))
    assert not DepartmentActivity.objects.filter(pk=optional.pk).exists()
    event = WorkflowEvent.for_object(campaign).last()
    assert event.action == "activity_dropped" and "物业管理中心放弃了活动项目“走进后勤”" in client.get(campaign.get_absolute_url()).content.decode()


def test_the_supervisor_may_drop_a_required_activity_nothing_happened_on(client, org):
    campaign = make_campaign(org)
    required = activity(campaign, org.wuye, "三(二)")
    client.force_login(org.supervisor)
    client.post(reverse("campaigns:activity_drop", args=[required.pk]))
    assert not DepartmentActivity.objects.filter(pk=required.pk).exists()


def test_an_activity_with_a_report_is_not_dropped(org):
    campaign = make_campaign(org)
    services.adopt(campaign, item(campaign, "三(三)"), org.wuye, key=None, by=org.head_wuye)
    optional = activity(campaign, org.wuye, "三(三)")
    services.create_report(optional, key=None, by=org.head_wuye, reported_on=campaign.starts_on, note="开放日")
    with pytest.raises(ValidationError, match="只有计划中且没有报告和佐证的活动项目才能放弃"):
        services.drop_activity(optional, by=org.head_wuye)
