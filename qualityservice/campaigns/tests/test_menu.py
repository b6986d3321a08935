"""The activity menu: items with their kind (required for all or for listed departments, optional) and the apps
that carry them; frozen once a department adopted from it — changes are refused, a new item is recorded as
added later (and a required one is adopted at once)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from qualityservice.campaigns import services
from qualityservice.campaigns.models import DepartmentActivity, MenuItem
from qualityservice.campaigns.workflows import CAMPAIGN

from .helpers import item, make_campaign

pytestmark = pytest.mark.django_db

KEY = "0123456789abcdef0123456789abcdef"


def _form(**changes):
    data = {"code": "三(四)", "title": "岗位大比武", "title_en": "Skills competition", "kind": "optional", "description": "开展岗位大比武活动。",
            "description_en": "", "carriers": ["competitions", "training"], "sort_order": "40", "submission_key": KEY}
    data.update(changes)
    return data


def test_the_supervisor_adds_an_item_once_with_its_carriers(client, org):
    campaign = make_campaign(org, launch=False)
    client.force_login(org.supervisor)
    url = reverse("campaigns:menu_new", args=[campaign.pk])
    client.post(url, _form())
    response = client.post(url, _form())
    added = MenuItem.objects.get(campaign=campaign, code="三(四)")
    assert response["Location"] == campaign.get_absolute_url()
    assert (added.carriers, added.added_after_freeze) == (["competitions", "training"], False)
    body = client.get(campaign.get_absolute_url()).content.decode()
    assert "三(四) 岗位大比武" in body and "技能比武、培训" in body


def test_it_refuses_a_duplicate_code_an_unknown_app_and_departments_on_an_optional_item(client, org):
    campaign = make_campaign(org, launch=False)
    client.force_login(org.supervisor)
    url = reverse("campaigns:menu_new", args=[campaign.pk])
    body = client.post(url, _form(code="三(二)")).content.decode()
    assert "菜单中已有编号为三(二)的项目" in body
    body = client.post(url, _form(carriers=["bogus"], submission_key="b" * 32)).content.decode()
    assert "选择一个有效的选项" in body
    body = client.post(url, _form(required_for=[org.wuye.pk], submission_key="c" * 32)).content.decode()
    assert "只有规定动作才列出部门" in body
    with pytest.raises(ValidationError, match="未知的应用"):
        services.add_menu_item(campaign, key=None, by=org.supervisor, code="X", title="X", carriers=["bogus"])
    assert campaign.menu.count() == 3


def test_the_menu_is_edited_until_a_department_adopts_and_then_frozen(client, org):
    campaign = make_campaign(org, launch=False)
    client.force_login(org.supervisor)
    open_days = item(campaign, "三(三)")
    client.post(open_days.get_edit_url(), _form(code="三(三)", title="走进后勤、增进了解", kind="optional", carriers=["events"]))
    open_days.refresh_from_db()
    assert open_days.title == "走进后勤、增进了解"
    CAMPAIGN.apply(campaign, "launch", by=org.supervisor)  # adopts the required items: the menu freezes
    body = client.post(open_days.get_edit_url(), _form(code="三(三)", title="改名"), follow=True).content.decode()
    assert "部门已从菜单中采纳项目，菜单已冻结" in body
    with pytest.raises(ValidationError, match="菜单已冻结"):
        services.update_menu_item(open_days, title="改名")
    open_days.refresh_from_db()
    assert open_days.title == "走进后勤、增进了解"
    assert 'data-testid="menu-frozen"' in client.get(campaign.get_absolute_url()).content.decode()


def test_an_item_added_to_a_frozen_menu_is_marked_recorded_and_a_required_one_adopted(client, org):
    campaign = make_campaign(org)
    client.force_login(org.supervisor)
    client.post(reverse("campaigns:menu_new", args=[campaign.pk]),
                _form(code="三(五)", title="服务明星评选", kind="required", required_for=[org.yinshi.pk], carriers=["recognition"]))
    added = MenuItem.objects.get(campaign=campaign, code="三(五)")
    assert added.added_after_freeze
    assert list(DepartmentActivity.objects.filter(menu_item=added).values_list("department__code", "is_required")) == [("yinshi", True)]
    body = client.get(campaign.get_absolute_url()).content.decode()
    assert "菜单冻结后添加的项目：三(五) 服务明星评选" in body and "菜单冻结后添加" in body


def test_only_the_supervisor_manages_the_menu(client, org):
    campaign = make_campaign(org, launch=False)
    client.force_login(org.head_wuye)
    assert client.post(reverse("campaigns:menu_new", args=[campaign.pk]), _form()).status_code == 404
    assert client.get(item(campaign, "三(三)").get_edit_url()).status_code == 404
    assert campaign.menu.count() == 3
