"""The rectification ledger (整改台账): scoping, filters, constant queries, Excel export, PDF report."""

import io

import pypdfium2
import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from qualityservice.inspections import services
from qualityservice.inspections.models import Finding, Kind

from .helpers import answer_all, items_of, make_inspection

pytestmark = pytest.mark.django_db


def _inspect(org, department, fails=1, inspector=None, kind=Kind.SPOT, title="抽查"):
    inspector = inspector or org.supervisor
    inspection = make_inspection(department, kind=kind, inspector=inspector, title=title)
    failing = [i for i in items_of(inspection.template) if i.photo_on_fail][:fails]
    answer_all(inspection, inspector, fail={i.pk for i in failing})
    return services.submit_inspection(inspection, inspector)


def test_it_requires_sign_in_and_scopes_the_ledger(client, org):
    _inspect(org, org.wuye, title="物业抽查")
    _inspect(org, org.yinshi, title="饮食抽查")
    assert client.get(reverse("inspections:ledger")).status_code == 302
    client.force_login(org.staff_wuye)
    assert client.get(reverse("inspections:ledger")).status_code == 404
    client.force_login(org.head_wuye)
    body = client.get(reverse("inspections:ledger")).content.decode()
    assert "物业抽查" in body and "饮食抽查" not in body
    client.force_login(org.supervisor)
    body = client.get(reverse("inspections:ledger")).content.decode()
    assert "物业抽查" in body and "饮食抽查" in body


def test_it_filters_the_ledger_by_department_status_and_period(client, org):
    _inspect(org, org.wuye, title="物业抽查")
    _inspect(org, org.yinshi, title="饮食抽查")
    Finding.objects.filter(department=org.yinshi).update(status=Finding.Status.SUBMITTED)
    client.force_login(org.supervisor)
    url = reverse("inspections:ledger")
    body = client.get(url, {"department": org.wuye.pk}).content.decode()
    assert "物业抽查" in body and "饮食抽查" not in body
    body = client.get(url, {"status": "submitted"}).content.decode()
    assert "饮食抽查" in body and "物业抽查" not in body
    body = client.get(url, {"date_from": "2000-01-01", "date_to": "2000-12-31"}).content.decode()
    assert "所选范围内没有问题" in body


def test_it_renders_the_ledger_with_a_constant_number_of_queries(client, org, django_assert_max_num_queries):
    client.force_login(org.supervisor)
    _inspect(org, org.wuye, fails=1)
    with django_assert_max_num_queries(12):
        small = client.get(reverse("inspections:ledger"))
    for _ in range(4):
        _inspect(org, org.wuye, fails=7)
    Finding.objects.update(status=Finding.Status.ACCEPTED, verified_by=org.supervisor, verified_at=timezone.now(),
                           owner=org.head_wuye.staff, measure="已整改")
    with django_assert_max_num_queries(12):
        large = client.get(reverse("inspections:ledger"))
    assert small.content.decode().count('data-testid="ledger-row"') < large.content.decode().count('data-testid="ledger-row"')
    assert "已整改" in large.content.decode()


def test_it_exports_the_ledger_to_excel_one_row_per_finding(client, org):
    _inspect(org, org.wuye, fails=2, title="物业抽查")
    _inspect(org, org.yinshi, fails=1, title="饮食抽查")
    finding = Finding.objects.filter(department=org.wuye).first()
    services.answer_finding(finding, actor=org.head_wuye, measure="=SUM(A1)", owner=org.head_wuye.staff, deadline=timezone.localdate())
    services.verify_finding(finding, actor=org.supervisor, accept=True)
    client.force_login(org.head_wuye)
    response = client.get(reverse("inspections:ledger_export"))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    rows = list(load_workbook(io.BytesIO(content), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("序号", "部门", "发现日期", "问题来源", "存在问题", "整改措施", "责任人", "整改期限", "状态", "验收人", "验收日期")
    assert len(rows) == 3  # header + two findings of the head's own department
    verified = next(r for r in rows[1:] if r[8] == "已验收")
    assert verified[1] == "物业管理中心" and "抽查·物业抽查" in verified[3] and verified[5] == "'=SUM(A1)"
    assert verified[6] == "物业主任" and verified[9] == "督查员" and verified[10] == timezone.localdate().isoformat()


def test_it_prints_a_pdf_report_of_one_inspection_with_its_photos(client, org):
    inspection = _inspect(org, org.wuye, fails=1, title="物业六查六看抽查")
    client.force_login(org.head_yinshi)
    assert client.get(reverse("inspections:report", args=[inspection.pk])).status_code == 404
    client.force_login(org.head_wuye)
    response = client.get(reverse("inspections:report", args=[inspection.pk]))
    assert response["Content-Type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(response.content)
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "物业六查六看抽查" in text and "物业管理中心" in text and "不达标" in text and "95.83" in text
    images = sum(1 for i in range(len(pdf)) for obj in pdf[i].get_objects() if obj.type == pypdfium2.raw.FPDF_PAGEOBJ_IMAGE)
    assert images >= 1
