"""One-time sign-in codes: an administrator issues them for a selection and downloads the sheet, sorted
by college and class for distribution; posted twice, issued once; a new code replaces the old one."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qualityservice.members.models import CodeBatch, College, Member, SignInCode
from qualityservice.members.services import check_code

from .factories import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(db):
    return [
        make_member("20230003", "王五", class_name="计算机2302", password=None),
        make_member("20230001", "张三", class_name="计算机2301", password=None),
        make_member("20230002", "李四", class_name="计算机2301"),  # has a password already
        make_member("20230010", "赵六", college="文学院", class_name="汉语言2301", password=None),
        make_member("T0001", "钱老师", kind="teacher", college="计算机学院", class_name="", password=None),
    ]


def sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return list(wb.worksheets[0].iter_rows(values_only=True))


def issue(client, org, **data):
    client.force_login(org.admin)
    form = client.get(reverse("members:codes")).context["form"]
    payload = {"submission_key": form.initial["submission_key"], "confirm": "on", **data}
    return client.post(reverse("members:codes"), payload), payload


def test_it_issues_codes_for_a_college_sorted_by_class_without_members_who_have_a_password(client, org, cohort):
    college = College.objects.get(name="计算机学院")
    response, _ = issue(client, org, college=college.pk, kind="student")
    rows = sheet(response)
    assert rows[0] == ("学院/单位", "班级", "学号/工号", "姓名", "类型", "一次性激活码", "有效期至")
    assert [r[2] for r in rows[1:]] == ["20230001", "20230003"]  # by class, then number; 李四 has a password
    code = rows[1][5]
    assert len(code) == 11 and code[5] == "-"
    assert check_code(Member.objects.get(number="20230001"), code)
    batch = CodeBatch.objects.get()
    assert batch.count == 2 and batch.issued_by == org.admin and "计算机学院" in batch.description


def test_it_includes_members_with_a_password_when_asked(client, org, cohort):
    response, _ = issue(client, org, college=College.objects.get(name="计算机学院").pk, kind="student", include_activated="on")
    assert [r[2] for r in sheet(response)[1:]] == ["20230001", "20230002", "20230003"]


def test_it_issues_once_when_the_form_is_posted_twice(client, org, cohort):
    first, payload = issue(client, org, class_name="计算机2301")
    code = sheet(first)[1][5]
    again = client.post(reverse("members:codes"), payload)
    assert again.status_code == 302
    assert "已由同一表单发放过" in client.get(again["Location"]).content.decode()
    assert CodeBatch.objects.count() == 1
    assert check_code(Member.objects.get(number="20230001"), code)  # the downloaded code still works


def test_it_replaces_an_earlier_code(client, org, cohort):
    old = sheet(issue(client, org, class_name="计算机2301")[0])[1][5]
    new = sheet(issue(client, org, class_name="计算机2301")[0])[1][5]
    member = Member.objects.get(number="20230001")
    assert not check_code(member, old) and check_code(member, new)
    assert SignInCode.objects.filter(member=member).count() == 1


def test_it_asks_for_the_confirmation_and_says_when_nobody_matches(client, org, cohort):
    client.force_login(org.admin)
    refused = client.post(reverse("members:codes"), {"class_name": "计算机2301"})
    assert refused.status_code == 400 and not CodeBatch.objects.exists()
    nobody, _ = issue(client, org, class_name="不存在的班")
    assert nobody.status_code == 400 and "没有符合此范围的师生" in nobody.content.decode()


@pytest.mark.parametrize("role", ["supervisor", "head_wuye", "operator"])
def test_it_lets_only_administrators_issue_codes(client, org, cohort, role):
    client.force_login(getattr(org, role))
    assert client.get(reverse("members:codes")).status_code == 404
    assert client.post(reverse("members:codes"), {"confirm": "on"}).status_code == 404
    assert not CodeBatch.objects.exists()
