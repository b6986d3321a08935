"""Every list and detail page makes the same number of queries with few rows as with many (no query per row):
procedures, a procedure with its history, a version, post duties, "my post", the departments not updated, and
org's staff record and badge page with this app's fragments."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qualityservice.org.tests.factories import DepartmentFactory, StaffFactory
from qualityservice.standards import services

from .helpers import days_ago, make_procedure, new_version, upload

pytestmark = pytest.mark.django_db


def _queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response.content.decode()


def _post(org, department, post, n=3):
    services.save_post_standard(key=None, by=org.supervisor, department=department, post=post, post_en=f"{post} (en)",
                                duties="\n".join(f"职责{i}" for i in range(n)), duties_en="", public_standard="对外标准",
                                public_standard_en="")


def _grow(org, procedure):
    for i in range(9):
        new_version(org, procedure, version=f"V{i + 2}.0", effective=days_ago(20 - i), file=upload(f"v{i}.pdf") if i % 2 else None)
    for i in range(25):
        other = make_procedure(org, number=f"WY-CZ-{i + 100}", title=f"规程{i}")
        new_version(org, other)
    for i in range(6):
        centre = DepartmentFactory(code=f"more{i}", name=f"新中心{i}", parent=org.group)
        StaffFactory(department=centre, post="保洁员")
        make_procedure(org, department=centre, number=f"X-{i}", by=org.supervisor)
        _post(org, centre, "保洁员", n=8)
    for post in ("绿化工", "楼宇管理员", "班组长"):
        _post(org, org.wuye, post, n=6)


@pytest.mark.parametrize("who", ["supervisor", "head_wuye", "staff_wuye"])
def test_every_page_costs_the_same_queries_with_few_and_many_rows(client, org, who):
    procedure = make_procedure(org, file=upload("v1.pdf"))
    first = procedure.current_version
    _post(org, org.wuye, "保洁员")
    pages = {"list": reverse("standards:list"), "detail": procedure.get_absolute_url(), "mine": reverse("standards:mine"),
             "badge_page": org.staff_wuye.staff.get_public_url()}
    if who != "staff_wuye":
        pages |= {"version": first.get_absolute_url(), "posts": reverse("standards:posts"),
                  "org_staff_detail": org.staff_wuye.staff.get_absolute_url()}
    if who == "supervisor":
        pages["not_updated"] = reverse("standards:not_updated") + "?since=2999-01-01"
    user = getattr(org, who)
    client.force_login(user)
    for url in pages.values():
        client.get(url)  # the first request fills the process's caches (the site settings)
    few = {name: _queries(client, url)[0] for name, url in pages.items()}
    _grow(org, procedure)
    many = {name: _queries(client, url)[0] for name, url in pages.items()}
    assert many == few
    assert max(few.values()) <= 12
    if who != "staff_wuye":
        _n, body = _queries(client, pages["detail"])
        assert body.count("已被取代") == 9  # the whole history is on the page
