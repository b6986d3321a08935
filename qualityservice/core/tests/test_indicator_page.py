"""The staff page of the indicator registry (/staff/indicators/) and its Excel export.

The page lists every registered indicator, so these tests use the apps' real indicators and make a
few records of the apps that own the data (feedback, inspections, surveys) — the query-count test
proves that every published compute function stays constant in departments and records."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from qualityservice.core import indicators
from qualityservice.org.models import Department, Staff

URL = "/staff/indicators/"


def at(day: datetime.date, hour=10):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


def add_feedback(department, n, *, day, kind="complaint"):
    from qualityservice.feedback.models import Feedback, Status

    Feedback.objects.bulk_create([
        Feedback(department=department, kind=kind, title="楼道灯坏了", body="三楼楼道灯坏了", created_at=at(day),
                 status=Status.CLOSED, resolved_at=at(day, 15), resolved_on_time=i % 2 == 0, satisfaction=4 + i % 2,
                 reopen_count=1 if i % 3 == 0 else 0)
        for i in range(n)
    ])


def add_inspections(department, n, *, day):
    from qualityservice.inspections.models import Finding, Inspection

    rows = Inspection.objects.bulk_create([
        Inspection(department=department, title="抽查", due_date=day, status=Inspection.Status.SUBMITTED, submitted_at=at(day),
                   score=Decimal(80 + i % 20), passed=i % 4 != 0)
        for i in range(n)
    ])
    Finding.objects.bulk_create([
        Finding(inspection=rows[i], department=department, source=Finding.Source.ITEM, problem="地面有积水", created_at=at(day),
                status=Finding.Status.OPEN if i % 2 else Finding.Status.ACCEPTED, deadline=day + datetime.timedelta(days=7),
                rectified_at=None if i % 2 else at(day + datetime.timedelta(days=3)))
        for i in range(n)
    ])


def add_survey(departments, *, day, respondents=10):
    from qualityservice.surveys.models import Question, ResultCell, SatisfactionIndex, Section, Survey

    survey = Survey.objects.create(title="后勤满意度调查", status=Survey.Status.CLOSED, period=str(day.year), closes_at=at(day))
    section = Section.objects.create(survey=survey, order=1, title="总体")
    nps = Question.objects.create(survey=survey, section=section, order=1, kind=Question.Kind.NPS, text="推荐度")
    ResultCell.objects.bulk_create([ResultCell(survey=survey, question=nps, value=v, count=respondents) for v in (3, 9, 10)])
    SatisfactionIndex.objects.bulk_create([
        SatisfactionIndex(department=d, survey=survey, period=str(day.year), score=75, mean_rating=4.0, respondents=respondents,
                          answers=respondents * 3, as_of=at(day))
        for d in departments
    ])


@pytest.fixture
def march(org):
    """Records of March 2025: wuye 3 complaints, yinshi 1."""
    day = datetime.date(2025, 3, 10)
    add_feedback(org.wuye, 3, day=day)
    add_feedback(org.yinshi, 1, day=day)
    return indicators.Period.month(2025, 3)


def cells(html: str, key: str) -> str:
    start = html.index(f'data-key="{key}"')
    return html[start:html.index("</tr>", start)]


def test_it_sends_anonymous_visitors_to_sign_in(client, org):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["staff_wuye", "operator", "judge"])
def test_it_hides_the_page_from_roles_below_department_head(client, org, who):
    client.force_login(getattr(org, who))
    assert client.get(URL).status_code == 404
    assert client.get(URL + "export/").status_code == 404
    assert 'href="/staff/indicators/"' not in client.get(reverse("core:workbench")).content.decode()


def test_it_shows_the_supervisor_every_indicator_with_its_definition_for_every_department(client, org, march):
    client.force_login(org.supervisor)
    html = client.get(URL, {"year": 2025, "month": 3}).content.decode()
    assert 'href="/staff/indicators/"' in html  # the navigation entry
    for indicator in indicators.all():
        assert f'data-key="{indicator.key}"' in html
    assert "受理量" in html and "统计期内从各渠道收到的意见反馈件数" in html and "越低越好" in html and "件/百人" in html
    assert "2025年3月" in html
    columns = [org.group, org.wuye, org.yinshi, org.office]
    assert html.count('data-testid="department-column"') == len(columns)
    received = cells(html, "feedback.received")
    assert f'data-department="{org.wuye.pk}">3</td>' in received and f'data-department="{org.yinshi.pk}">1</td>' in received
    assert f'data-department="{org.office.pk}">0</td>' in received
    assert 'data-testid="indicator-cards"' in html  # the phone layout


def test_it_shows_a_head_only_the_own_department(client, org, march):
    client.force_login(org.head_wuye)
    html = client.get(URL, {"year": 2025, "month": 3}).content.decode()
    assert html.count('data-testid="department-column"') == 1
    assert "物业管理中心" in html and "饮食服务中心" not in html
    received = cells(html, "feedback.received")
    assert f'data-department="{org.wuye.pk}">3</td>' in received
    assert f'data-department="{org.yinshi.pk}"' not in html and f'data-department="{org.group.pk}"' not in html


def test_it_does_not_show_wuyes_values_to_the_head_of_another_department(client, org, march):
    client.force_login(org.head_yinshi)
    html = client.get(URL, {"year": 2025, "month": 3}).content.decode()
    assert "物业管理中心" not in html and f'data-department="{org.wuye.pk}"' not in html
    assert f'data-department="{org.yinshi.pk}">1</td>' in cells(html, "feedback.received")
    book = load_workbook(io.BytesIO(b"".join(client.get(URL + "export/", {"year": 2025, "month": 3}).streaming_content)))
    header = [c.value for c in next(book.active.iter_rows(max_row=1))]
    assert header[6:] == ["饮食服务中心"]


def test_it_defaults_to_this_year_and_explains_a_bad_period(client, org):
    client.force_login(org.supervisor)
    this_year = timezone.localdate().year
    html = client.get(URL).content.decode()
    assert f"{this_year}年" in html and 'data-testid="period-errors"' not in html
    for bad in ({"year": "abc"}, {"year": "1900"}, {"year": this_year, "month": "13"}, {"year": this_year, "month": "q9"}):
        response = client.get(URL, bad)
        html = response.content.decode()
        assert response.status_code == 200
        assert 'data-testid="period-errors"' in html and f"现显示{this_year}年。" in html
        assert "请从列表中选择" in html
    export = client.get(URL + "export/", {"year": "abc"})
    assert export.status_code == 200 and "请从列表中选择年度。" in export.content.decode()


def test_it_chooses_a_quarter(client, org, march):
    client.force_login(org.supervisor)
    html = client.get(URL, {"year": 2025, "month": "q1"}).content.decode()
    assert "2025年第1季度" in html and "2025-01-01 – 2025-03-31" in html
    assert f'data-department="{org.wuye.pk}">3</td>' in cells(html, "feedback.received")
    html = client.get(URL, {"year": 2025, "month": "q2"}).content.decode()
    assert f'data-department="{org.wuye.pk}">0</td>' in cells(html, "feedback.received")


def test_it_exports_the_table_to_excel(client, org, march):
    client.force_login(org.supervisor)
    response = client.get(URL + "export/", {"year": 2025, "month": 3})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "2025-03.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.title == "2025年3月"
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == ["指标代码", "指标", "口径", "单位", "方向", "来源", "后勤集团", "物业管理中心", "饮食服务中心", "集团办公室"]
    by_key = {row[0]: row for row in rows[1:]}
    assert [k for k in by_key] == [i.key for i in indicators.all()]
    assert by_key["feedback.received"][1:6] == ("受理量", str(indicators.get("feedback.received").definition), "件",
                                                "无优劣方向（数量）", "意见反馈")
    assert by_key["feedback.received"][6:] == (0, 3, 1, 0)
    # wuye: 3 complaints, 2 active staff (head and staff member) → 150 per 100 staff; the group has no staff.
    assert by_key["feedback.complaints_per_100_staff"][6:] == (None, 150, pytest.approx(33.33), 0)
    assert by_key["feedback.on_time_rate"][4] == "越高越好"


def test_it_speaks_chinese_and_english(client, org, march):
    client.force_login(org.supervisor)
    html = client.get(URL).content.decode()
    assert "质量指标" in html and "受理量" in html and "按时办结率" in html and "检查平均分" in html and "满意度指数" in html
    assert "Feedback received" not in html
    client.post("/i18n/setlang/", {"language": "en", "next": URL})
    html = client.get(URL).content.decode()
    assert "Indicators" in html and "Feedback received" in html and "On-time handling rate" in html
    assert "Mean inspection score" in html and "Net Promoter Score" in html and "Higher is better" in html
    assert "Items received in the period from every channel" in html
    assert "受理量" not in html
    sheet = load_workbook(io.BytesIO(b"".join(client.get(URL + "export/").streaming_content))).active
    assert next(sheet.iter_rows(max_row=1, values_only=True))[:3] == ("Key", "Indicator", "Definition")


def _reported(org, n: int) -> list[Department]:
    """Make the first n of six departments the reported ones (the others inactive)."""
    six = [org.group, org.wuye, org.yinshi, org.office]
    for extra in range(2):
        department, _ = Department.objects.get_or_create(code=f"extra{extra}", defaults={"name": f"新中心{extra}", "parent": org.group})
        Staff.objects.get_or_create(badge_number=f"X{extra:04d}", defaults={"department": department, "name": f"员工{extra}", "post": "保洁员"})
        six.append(department)
    for i, department in enumerate(six):
        Department.objects.filter(pk=department.pk).update(is_active=i < n)
    return six[:n]


def _add_records(departments, scale: int):
    day = datetime.date(2025, 3, 10)
    for department in departments:
        add_feedback(department, scale, day=day)
        add_feedback(department, scale, day=day, kind="praise")
        add_inspections(department, scale, day=day)
    for round_ in range(scale):
        add_survey(departments, day=day + datetime.timedelta(days=round_))


@pytest.mark.parametrize("who", ["supervisor", "head_wuye"])
def test_it_costs_the_same_queries_for_2_or_6_departments_and_few_or_many_records(client, org, who,
                                                                                   django_assert_max_num_queries):
    client.force_login(getattr(org, who))
    client.get(URL)  # warm the site-settings cache, as in production
    counts, wuye_received = {}, 0
    for n, scale in ((2, 1), (6, 1), (6, 15)):
        departments = _reported(org, n)
        _add_records(departments, scale)
        wuye_received += 2 * scale
        # 4 for the page, at most two per indicator (core/README.md): the cap follows the apps installed.
        with django_assert_max_num_queries(4 + 2 * len(indicators.all())):
            with CaptureQueriesContext(connection) as page:
                html = client.get(URL, {"year": 2025}).content.decode()
        assert html.count('data-testid="department-column"') == (n if who == "supervisor" else 1)
        assert f'data-department="{org.wuye.pk}">{wuye_received}</td>' in cells(html, "feedback.received")
        with CaptureQueriesContext(connection) as export:
            b"".join(client.get(URL + "export/", {"year": 2025}).streaming_content)
        counts[(n, scale)] = (len(page), len(export))
    assert len(set(counts.values())) == 1, counts
