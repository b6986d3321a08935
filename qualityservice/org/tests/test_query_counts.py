"""Pages cost a fixed number of queries whatever the number of rows (measured with the small
organisation and again with 40 more staff, commitments and departments)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qualityservice.org.models import Commitment, Staff
from qualityservice.org.tests.factories import DepartmentFactory, StaffFactory


def grow(org):
    """40 more staff across the two centres and teams, a few more centres and commitments."""
    for i in range(40):
        dept = org.wuye if i % 2 else org.yinshi
        StaffFactory(department=dept, team=org.wuye_team if dept == org.wuye else None, name=f"新员工{i}",
                     on_duty=bool(i % 3))
    for i in range(6):
        centre = DepartmentFactory(code=f"more{i}", name=f"新中心{i}", parent=org.group, service_phone="66781399")
        DepartmentFactory(code=f"more{i}-t", name=f"新班组{i}", kind="team", parent=centre)
        StaffFactory(department=centre)
        for j in range(3):
            Commitment.objects.create(department=centre, title=f"承诺{i}-{j}", is_measurable=j == 0,
                                      request_kind="repair" if j == 0 else "", deadline_value=10 if j == 0 else None,
                                      deadline_unit="minutes" if j == 0 else "")


# (url name, args, user attribute or None, max queries)
PAGES = [
    ("org:home", lambda o: [], None, 2),
    ("org:public_commitments", lambda o: [], None, 2),
    ("org:public_directory", lambda o: [], None, 3),
    ("org:public_phrases", lambda o: [], None, 1),
    ("org:badge_page", lambda o: [Staff.objects.get(user=o.staff_wuye).public_code], None, 2),
    ("org:staff_list", lambda o: [], "admin", 6),
    ("org:staff_list", lambda o: [], "head_wuye", 6),
    ("org:staff_detail", lambda o: [Staff.objects.get(user=o.staff_wuye).pk], "head_wuye", 6),
    ("org:department_list", lambda o: [], "supervisor", 4),
    ("org:department_detail", lambda o: [o.wuye.pk], "head_wuye", 7),
    ("org:commitment_list", lambda o: [], "supervisor", 4),
    ("org:phrase_list", lambda o: [], "supervisor", 4),
]


@pytest.mark.parametrize("name, args, who, limit", PAGES, ids=[f"{p[0].split(':')[1]}-{p[2] or 'public'}" for p in PAGES])
def test_it_costs_the_same_number_of_queries_for_1_or_40_rows(client, org, django_assert_max_num_queries,
                                                               name, args, who, limit):
    if who:
        client.force_login(getattr(org, who))
    url = reverse(name, args=args(org))
    client.get(url)  # warm the site-settings and statistics caches, as in production
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow(org)
    client.get(url)
    with django_assert_max_num_queries(limit):
        with CaptureQueriesContext(connection) as large:
            response = client.get(url)
    assert response.status_code == 200
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
