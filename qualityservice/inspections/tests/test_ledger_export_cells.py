"""The ledger export: a control character in a finding no longer breaks the workbook, and an invalid
filter exports nothing instead of the whole ledger."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qualityservice.inspections import services
from qualityservice.inspections.models import Finding, Kind

from .helpers import answer_all, items_of, make_inspection

pytestmark = pytest.mark.django_db


@pytest.fixture
def finding(org):
    inspection = make_inspection(org.wuye, kind=Kind.SPOT, inspector=org.supervisor, title="物业抽查")
    failed = next(i for i in items_of(inspection.template) if i.photo_on_fail)
    answer_all(inspection, org.supervisor, fail={failed.pk})
    services.submit_inspection(inspection, org.supervisor)
    return Finding.objects.get(inspection=inspection)


def test_it_exports_a_finding_with_a_control_character_cleaned(client, org, finding):
    Finding.objects.filter(pk=finding.pk).update(problem="楼道\x01地面湿滑", measure="\x02=增设防滑垫")
    client.force_login(org.supervisor)
    response = client.get(reverse("inspections:ledger_export"))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][4] == "楼道地面湿滑" and rows[1][5] == "'=增设防滑垫"


@pytest.mark.parametrize("query", [{"date_from": "not-a-date"}, {"status": "bogus"}, {"department": "abc"}])
def test_it_exports_nothing_when_the_filter_is_invalid(client, org, finding, query):
    client.force_login(org.supervisor)
    response = client.get(reverse("inspections:ledger_export"), query)
    assert response.status_code == 302 and not response.has_header("Content-Disposition")
    assert response["Location"].startswith(reverse("inspections:ledger") + "?")
    page = client.get(response["Location"]).content.decode()
    assert "未导出任何内容：请先修正筛选条件" in page


def test_it_exports_nothing_for_a_head_asking_for_another_department(client, org, finding):
    client.force_login(org.head_yinshi)
    response = client.get(reverse("inspections:ledger_export"), {"department": org.wuye.pk})
    assert response.status_code == 302 and not response.has_header("Content-Disposition")
    assert "未导出任何内容" in client.get(response["Location"]).content.decode()
