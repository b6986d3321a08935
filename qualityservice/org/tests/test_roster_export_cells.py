"""The roster export: a control character in a staff record no longer breaks the workbook, and an
invalid department filter exports nothing instead of everything."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from .factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_it_exports_a_staff_record_with_a_control_character_cleaned(client, org):
    StaffFactory(department=org.wuye, name="王\x01师傅", post="保洁\x1b员")
    client.force_login(org.admin)
    response = client.get(reverse("org:roster_export"))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).worksheets[0].iter_rows(values_only=True))
    row = next(r for r in rows if r[0] == "王师傅")
    assert row[3] == "保洁员"


@pytest.mark.parametrize("department", ["abc", "999999"])
def test_it_exports_nothing_when_the_department_filter_is_invalid(client, org, department):
    client.force_login(org.admin)
    response = client.get(reverse("org:roster_export"), {"department": department})
    assert response.status_code == 302 and not response.has_header("Content-Disposition")
    assert response["Location"] == reverse("org:staff_list") + f"?department={department}"
    page = client.get(response["Location"]).content.decode()
    assert "未导出任何内容：请先修正筛选条件（部门）" in page
