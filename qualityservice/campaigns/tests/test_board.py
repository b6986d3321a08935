"""The supervisor's board "谁落后了": per department the required activities adopted and done, overdue
milestones, evidence, the last report and signature activities, most behind first; the departments × activities
matrix with status colours; its Excel export; the same number of queries for 10 and for 200 department ×
activity rows."""

import datetime as dt
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from qualityservice.campaigns import board, services
from qualityservice.campaigns.models import ActivityMilestone, DepartmentActivity, Evidence, MenuItem, ProgressReport
from qualityservice.campaigns.workflows import ACTIVITY
from qualityservice.org.models import Department
from qualityservice.org.tests.factories import DepartmentFactory

from .helpers import activity, make_campaign

pytestmark = pytest.mark.django_db


def _scene(org):
    campaign = make_campaign(org)
    year = campaign.year
    wuye_check = activity(campaign, org.wuye, "三(二)")
    services.save_plan(wuye_check, milestones=[(dt.date(year, 1, 10), "座谈会")], is_signature=True, today=dt.date(year, 1, 2))
    services.create_report(wuye_check, key=None, by=org.head_wuye, reported_on=dt.date(year, 1, 5), note="开展自查")
    services.record_evidence(department_id=org.wuye.pk, carrier="inspections", source=org.dorm, title="自查记录")
    ACTIVITY.apply(activity(campaign, org.yinshi, "三(二)"), "complete", by=org.head_yinshi, summary="完成")
    return campaign


def test_the_board_shows_who_is_behind_first(client, org):
    campaign = _scene(org)
    items, rows = board.board(campaign, today=dt.date(campaign.year, 2, 1))
    assert [i.code for i in items] == ["三(二)", "三(三)", "三(八)"]  # the menu's order
    by_code = {r.department.code: r for r in rows}
    wuye, yinshi = by_code["wuye"], by_code["yinshi"]
    assert (wuye.required_total, wuye.required_adopted, wuye.required_done, wuye.overdue_milestones, wuye.evidence, wuye.signature) == (
        2, 2, 0, 1, 1, 1)
    assert wuye.last_report == dt.date(campaign.year, 1, 5)
    assert (yinshi.required_total, yinshi.required_done, yinshi.last_report) == (1, 1, None)
    assert [r.department.code for r in rows][-1] == "yinshi"  # the one that did its required activity comes last
    assert [c.state for c in wuye.cells] == ["behind", "", "planned"] and [c.required for c in yinshi.cells] == [True, False, False]
    client.force_login(org.supervisor)
    body = client.get(reverse("campaigns:board"), {"campaign": campaign.pk}).content.decode()
    assert body.count('data-testid="board-row"') == 3 and body.count('data-testid="matrix-cell"') == 9
    assert "qs-st qs-st-done" in body and "进度落后 ★" in body and "物业管理中心" in body


def test_the_board_is_the_supervisors(client, org):
    campaign = _scene(org)
    for user in (org.head_wuye, org.staff_wuye, org.operator, org.judge):
        client.force_login(user)
        assert client.get(reverse("campaigns:board"), {"campaign": campaign.pk}).status_code == 404
        assert client.get(reverse("campaigns:board_export"), {"campaign": campaign.pk}).status_code == 404


def test_the_export_has_the_summary_and_the_matrix(client, org):
    campaign = _scene(org)
    client.force_login(org.supervisor)
    response = client.get(reverse("campaigns:board_export"), {"campaign": campaign.pk})
    assert response["Content-Disposition"].endswith(f"campaign-{campaign.year}-board.xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    summary, matrix = (list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets)
    assert workbook.sheetnames == ["谁落后了", "活动项目"]
    assert summary[0][:4] == ("部门", "规定动作", "规定动作已采纳", "规定动作已完成")
    wuye = next(r for r in summary if r[0] == "物业管理中心")
    assert wuye[1:4] == (2, 2, 0) and wuye[9] == 1 and wuye[11] == 1
    assert matrix[0] == ("部门", "三(二) 六查六看自查自改", "三(三) 走进后勤", "三(八) 问卷调查")
    assert next(r for r in matrix if r[0] == "物业管理中心")[1:] == ("进度落后 ★", None, "已计划")


def test_an_unknown_campaign_in_the_filter_shows_the_current_one(client, org):
    campaign = _scene(org)
    client.force_login(org.supervisor)
    body = client.get(reverse("campaigns:board"), {"campaign": "999999"}).content.decode()
    assert f"{campaign.year} 优质服务年" in body


def _grid(org, departments: int, items: int):
    """A launched campaign whose ``departments`` centres adopted all ``items`` optional menu items, each activity
    with an overdue milestone, a report and a piece of evidence."""
    campaign = make_campaign(org)
    DepartmentActivity.objects.filter(campaign=campaign).delete()
    MenuItem.objects.filter(campaign=campaign).delete()
    Department.objects.filter(pk=org.office.pk).update(is_active=False)  # the board shows exactly these centres
    centres = [DepartmentFactory(parent=org.group) for _ in range(departments - 2)] + [org.wuye, org.yinshi]
    menu = MenuItem.objects.bulk_create([MenuItem(campaign=campaign, code=f"X{i}", title=f"项目{i}", sort_order=i) for i in range(items)])
    acts = DepartmentActivity.objects.bulk_create([DepartmentActivity(campaign=campaign, department=d, menu_item=m, is_signature=i == 0)
                                                   for d in centres for i, m in enumerate(menu)])
    ActivityMilestone.objects.bulk_create([ActivityMilestone(activity=a, title="节点", due_on=campaign.starts_on) for a in acts])
    reports = ProgressReport.objects.bulk_create([ProgressReport(activity=a, reported_on=campaign.starts_on, note="进展") for a in acts])
    content_type = ContentType.objects.get_for_model(ProgressReport)
    Evidence.objects.bulk_create([Evidence(activity=r.activity, carrier="x", content_type=content_type, object_id=r.pk, title="佐证",
                                           occurred_on=r.reported_on) for r in reports])
    return campaign


def _board_queries(client, campaign) -> tuple[int, str]:
    url = reverse("campaigns:board")
    client.get(url, {"campaign": campaign.pk})  # the first request fills the process's caches (the site settings)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"campaign": campaign.pk})
    assert response.status_code == 200
    return len(queries), response.content.decode()


BOARD_QUERIES = 15  # session, user, staff; the campaign filter (check, options); the menu and its departments, the
#                     centres, the activities, overdue milestones, evidence, files, last reports


def test_the_board_costs_the_same_queries_for_10_and_200_department_activity_rows(client, org):
    client.force_login(org.supervisor)
    small = _grid(org, 2, 5)  # 10 department × activity rows
    few, body = _board_queries(client, small)
    assert body.count('data-testid="matrix-cell"') == 10 and DepartmentActivity.objects.count() == 10
    DepartmentActivity.objects.all().delete()
    small.delete()
    large = _grid(org, 20, 10)  # 200 rows
    many, body = _board_queries(client, large)
    assert body.count('data-testid="matrix-cell"') == 200 and body.count('data-testid="board-row"') == 20
    assert few == many <= BOARD_QUERIES


def test_the_board_counts_are_right_at_scale(org):
    campaign = _grid(org, 20, 10)
    _items, rows = board.board(campaign, today=campaign.starts_on + dt.timedelta(days=1))
    assert len(rows) == 20 and {(r.adopted, r.overdue_milestones, r.evidence, r.signature, r.last_report) for r in rows} == {
        (10, 10, 10, 1, campaign.starts_on)}
