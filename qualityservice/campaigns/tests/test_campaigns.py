"""The campaign itself: created once per form, its period checked (in order, in its year, never overlapping
another campaign's), one active campaign per year, copied from last year's or from the menu template with the
dates moved, launched (required items adopted) and closed through the workflow."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from qualityservice.campaigns import services
from qualityservice.campaigns.models import Campaign, DepartmentActivity, MenuItem
from qualityservice.campaigns.workflows import CAMPAIGN
from qualityservice.core.models import WorkflowEvent
from qualityservice.core.workflow import TransitionError

from .helpers import make_campaign

pytestmark = pytest.mark.django_db

KEY = "0123456789abcdef0123456789abcdef"


def _form(**changes):
    data = {"name": "优质服务年", "name_en": "", "year": "2030", "theme": "服务永远第一", "theme_en": "", "starts_on": "2030-03-01",
            "ends_on": "2030-12-31", "guiding_text": "", "guiding_text_en": "", "slogans": "服务永远第一\n师生为本", "slogans_en": "",
            "signature_limit": "2", "milestones": "2030-09-15 经验交流会 | Exchange conference\n2030-12-20 表彰大会",
            "submission_key": KEY}
    data.update(changes)
    return data


def test_it_creates_one_campaign_with_its_milestones_from_a_form_sent_twice(client, org):
    client.force_login(org.supervisor)
    first = client.post(reverse("campaigns:new"), _form())
    second = client.post(reverse("campaigns:new"), _form())
    campaign = Campaign.objects.get()
    assert first["Location"] == second["Location"] == campaign.get_absolute_url()
    assert (campaign.status, campaign.year, campaign.created_by) == ("draft", 2030, org.supervisor)
    assert [(m.due_on, m.title, m.title_en) for m in campaign.milestones.all()] == [
        (dt.date(2030, 9, 15), "经验交流会", "Exchange conference"), (dt.date(2030, 12, 20), "表彰大会", "")]
    body = client.get(campaign.get_absolute_url()).content.decode()
    assert "活动已创建" in body and "经验交流会" in body and "“服务永远第一”" in body


@pytest.mark.parametrize("changes, message", [
    ({"ends_on": "2030-02-01"}, "活动不能早于开始日期结束"),
    ({"starts_on": "2031-01-05", "ends_on": "2031-06-01"}, "2030年的活动应在2030年开始"),
    ({"milestones": "九月 经验交流会"}, "第1行：请以日期（YYYY-MM-DD）开头"),
    ({"milestones": "2030-09-15"}, "第1行：请在日期后写上节点名称"),
    ({"milestones": "2031-01-15 太晚的节点"}, "节点应在活动期间内"),
    ({"year": "1999"}, "2000至2100之间的年份"),
    ({"submission_key": "<script>"}, "表单已过期"),
])
def test_it_refuses_a_bad_campaign_with_a_clear_message_and_creates_nothing(client, org, changes, message):
    client.force_login(org.supervisor)
    response = client.post(reverse("campaigns:new"), _form(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Campaign.objects.exists()


def test_it_refuses_a_period_overlapping_another_campaign(client, org):
    client.force_login(org.supervisor)
    client.post(reverse("campaigns:new"), _form())
    body = client.post(reverse("campaigns:new"), _form(name="秋季活动", starts_on="2030-11-01", ends_on="2030-12-01", milestones="",
                                                        submission_key="f" * 32)).content.decode()
    assert "与活动“优质服务年”（2030-03-01 – 2030-12-31）的期间重叠" in body
    assert Campaign.objects.count() == 1
    client.post(reverse("campaigns:new"), _form(name="下一年", year="2031", starts_on="2031-01-01", ends_on="2031-06-30", milestones="",
                                                submission_key="e" * 32))
    assert Campaign.objects.count() == 2


def test_it_refuses_to_move_an_edited_period_onto_another_campaign(org):
    first = make_campaign(org, year=2030, launch=False)
    second = make_campaign(org, year=2031, launch=False)
    with pytest.raises(ValidationError, match="期间重叠"):
        services.update_campaign(second, starts_on=dt.date(2030, 12, 1), year=2030)
    services.update_campaign(second, starts_on=dt.date(2031, 1, 1))
    with pytest.raises(ValidationError, match="期间重叠"):
        services.update_campaign(first, ends_on=dt.date(2031, 3, 1))
    first.refresh_from_db()
    assert first.ends_on == dt.date(2030, 12, 31)


def test_it_keeps_one_active_campaign_per_year_with_a_message_and_a_constraint(org):
    spring = make_campaign(org, year=2030, launch=False, starts_on=dt.date(2030, 3, 1), ends_on=dt.date(2030, 6, 30), milestones=[])
    autumn = make_campaign(org, year=2030, launch=False, name="秋季", starts_on=dt.date(2030, 9, 1), ends_on=dt.date(2030, 12, 31),
                           milestones=[])
    CAMPAIGN.apply(spring, "launch", by=org.supervisor)
    with pytest.raises(TransitionError, match="已是2030年正在进行的活动"):
        CAMPAIGN.apply(autumn, "launch", by=org.supervisor)
    assert Campaign.objects.get(pk=autumn.pk).status == "draft"
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses it too
        Campaign.objects.filter(pk=autumn.pk).update(status="active")
    CAMPAIGN.apply(spring, "close", by=org.supervisor)
    CAMPAIGN.apply(autumn, "launch", by=org.supervisor)
    with pytest.raises(TransitionError, match="已是2030年正在进行的活动"):
        CAMPAIGN.apply(spring, "reopen", by=org.supervisor)


def test_launching_adopts_the_required_items_for_their_departments_and_freezes_the_menu(org):
    campaign = make_campaign(org, launch=False)
    assert not DepartmentActivity.objects.exists() and not campaign.is_frozen
    CAMPAIGN.apply(campaign, "launch", by=org.supervisor)
    adopted = sorted(DepartmentActivity.objects.values_list("department__code", "menu_item__code", "is_required", "status"))
    assert adopted == [("office", "三(二)", True, "planned"), ("wuye", "三(二)", True, "planned"), ("wuye", "三(八)", True, "planned"),
                       ("yinshi", "三(二)", True, "planned")]
    campaign.refresh_from_db()
    assert campaign.is_frozen and campaign.status == "active"
    event = WorkflowEvent.for_object(campaign).last()
    assert CAMPAIGN.describe(event.action, event.params) == "已启动，已采纳规定动作：4"


def test_it_refuses_to_launch_without_a_menu_or_a_template(org):
    empty, _created = services.create_campaign(key=None, by=org.supervisor, name="空", year=2030, theme="主题",
                                               starts_on=dt.date(2030, 3, 1), ends_on=dt.date(2030, 12, 31))
    with pytest.raises(TransitionError, match="请先添加活动菜单"):
        CAMPAIGN.apply(empty, "launch", by=org.supervisor)
    source = make_campaign(org, year=2029, launch=False)
    template, _created = services.copy_campaign(source, key=None, by=org.supervisor, year=2029, name="模板", template=True)
    with pytest.raises(TransitionError, match="菜单模板不能启动"):
        CAMPAIGN.apply(template, "launch", by=org.supervisor)


def test_only_the_supervisor_launches_and_closes(org):
    campaign = make_campaign(org, launch=False)
    for user in (org.head_wuye, org.staff_wuye, org.operator, org.judge):
        with pytest.raises(TransitionError, match="您无权执行"):
            CAMPAIGN.apply(campaign, "launch", by=user)
    assert Campaign.objects.get(pk=campaign.pk).status == "draft"


def test_copying_last_years_campaign_moves_every_date_and_copies_the_menu(client, org):
    last = make_campaign(org, year=2029, launch=False, milestones=[(dt.date(2029, 9, 15), "经验交流会", ""),
                                                                  (dt.date(2029, 12, 20), "表彰大会", "")])
    client.force_login(org.supervisor)
    response = client.post(reverse("campaigns:copy"), {"source": last.pk, "year": "2030", "name": "", "name_en": "",
                                                       "submission_key": KEY})
    copy = Campaign.objects.get(year=2030)
    assert response["Location"] == copy.get_absolute_url()
    assert (copy.starts_on, copy.ends_on, copy.status, copy.copied_from) == (dt.date(2030, 3, 1), dt.date(2030, 12, 31), "draft", last)
    assert [(m.due_on, m.title) for m in copy.milestones.all()] == [(dt.date(2030, 9, 15), "经验交流会"), (dt.date(2030, 12, 20), "表彰大会")]
    assert list(copy.menu.values_list("code", "kind", "carriers")) == list(last.menu.values_list("code", "kind", "carriers"))
    assert list(MenuItem.objects.get(campaign=copy, code="三(八)").required_for.all()) == [org.wuye]
    assert "复制自“优质服务年”" in client.get(copy.get_absolute_url()).content.decode()
    # The same form again makes no second copy; a copy onto a taken period is refused with a message.
    client.post(reverse("campaigns:copy"), {"source": last.pk, "year": "2030", "submission_key": KEY})
    body = client.post(reverse("campaigns:copy"), {"source": last.pk, "year": "2030", "submission_key": "a" * 32}).content.decode()
    assert "期间重叠" in body and Campaign.objects.filter(year=2030).count() == 1


def test_the_copy_starts_from_last_years_campaign_or_else_the_template(org):
    source = make_campaign(org, year=2028, launch=False)
    template, _created = services.copy_campaign(source, key=None, by=org.supervisor, year=2028, name="菜单模板", template=True)
    assert services.default_copy_source(2030) == template
    last = make_campaign(org, year=2029, launch=False)
    assert services.default_copy_source(2030) == last


def test_a_copy_from_a_leap_day_lands_on_the_28th(org):
    assert services.shift_year(dt.date(2028, 2, 29), 1) == dt.date(2029, 2, 28)
    assert services.shift_year(dt.date(2028, 9, 15), -18) == dt.date(2010, 9, 15)


def test_a_closed_campaign_is_no_longer_edited(client, org):
    campaign = make_campaign(org)
    CAMPAIGN.apply(campaign, "close", by=org.supervisor)
    client.force_login(org.supervisor)
    body = client.get(campaign.get_edit_url(), follow=True).content.decode()
    assert "已结束的活动不再修改" in body
    with pytest.raises(ValidationError):
        services.update_campaign(campaign, theme="改")
    assert Campaign.objects.get(pk=campaign.pk).theme == "服务永远第一"
