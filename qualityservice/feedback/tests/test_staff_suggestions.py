"""The hotline operator finds the staff member a caller names by a part of the name or of the badge number:
suggestions as they type (htmx), from every department the operator routes to — and nobody else may ask."""

import re

import pytest
from django.urls import reverse

from qualityservice.org.models import Staff

URL = reverse("feedback:staff_suggestions")


def names(html: str) -> list[str]:
    return re.findall(r"<strong>(.*?)</strong>", html)


@pytest.fixture
def people(org):
    Staff.objects.filter(user=org.staff_wuye).update(badge_number="WY0107", phone="13711112222")
    Staff.objects.filter(user=org.staff_yinshi).update(badge_number="YS0301")
    Staff.objects.create(department=org.yinshi, name="王大厨", badge_number="YS0302", post="厨师")
    Staff.objects.create(department=org.wuye, name="王离职", badge_number="WY0999", post="保洁员", is_active=False)


def test_it_suggests_staff_by_a_part_of_the_name_across_departments(client, org, people):
    client.force_login(org.operator)
    html = client.get(URL, {"staff": "员工"}, HTTP_HX_REQUEST="true").content.decode()
    assert names(html) == ["物业员工", "饮食员工"]
    assert "物业管理中心" in html and "饮食服务中心" in html and 'data-pick-staff="WY0107"' in html
    assert f'data-pick-department="{org.wuye.pk}"' in html
    assert "13711112222" not in html  # no phone numbers
    assert names(client.get(URL, {"staff": "王"}).content.decode()) == ["王大厨"]  # active staff only


def test_it_suggests_staff_by_a_part_of_the_badge_number_exact_match_first(client, org, people):
    client.force_login(org.operator)
    assert names(client.get(URL, {"staff": "ys03"}).content.decode()) == ["王大厨", "饮食员工"]
    assert names(client.get(URL, {"staff": "YS0301"}).content.decode())[0] == "饮食员工"
    assert names(client.get(URL, {"staff": "0107"}).content.decode()) == ["物业员工"]


def test_it_says_when_nobody_matches_and_stays_quiet_for_an_empty_field(client, org, people):
    client.force_login(org.operator)
    assert "没有与“张三丰”匹配的员工" in client.get(URL, {"staff": "张三丰"}).content.decode()
    assert client.get(URL, {"staff": "  "}).content.decode().strip() == ""


@pytest.mark.parametrize("role, expected", [
    ("anonymous", 302), ("staff_wuye", 404), ("judge", 404), ("head_wuye", 404), ("head_yinshi", 404),
    ("operator", 200), ("supervisor", 200), ("admin", 200)])
def test_it_answers_only_those_who_log_calls(client, org, people, role, expected):
    if role != "anonymous":
        client.force_login(getattr(org, role))
    response = client.get(URL, {"staff": "员工"})
    assert response.status_code == expected
    if expected == 200:
        assert names(response.content.decode()) == ["物业员工", "饮食员工"]
    elif role == "anonymous":
        assert "/accounts/login/" in response["Location"]


def test_it_wires_the_hotline_field_to_the_suggestions(client, org):
    client.force_login(org.operator)
    html = client.get(reverse("feedback:hotline")).content.decode()
    assert f'hx-get="{URL}"' in html and 'hx-target="#hotline-staff-suggestions"' in html
    assert 'id="hotline-staff-suggestions"' in html and "/static/feedback/js/hotline.js" in html
    assert "/static/django_htmx/htmx-2.min.js" in html
