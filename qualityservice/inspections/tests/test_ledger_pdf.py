"""The rectification ledger printed as a PDF to sign and stamp (/staff/inspections/ledger.pdf): the same
filters and scoping as the Excel export, A4 landscape, a heading with the organisation, the period and the
filters, one row per finding, page numbers and the signature / seal / date block."""

import pypdfium2
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from qualityservice.inspections import services
from qualityservice.inspections.models import Finding, Kind
from qualityservice.org.models import SiteSettings

from .helpers import answer_all, items_of, make_inspection

pytestmark = pytest.mark.django_db

URL = reverse("inspections:ledger_pdf")


def _inspect(org, department, fails=1, title="抽查"):
    inspection = make_inspection(department, kind=Kind.SPOT, inspector=org.supervisor, title=title)
    failing = [i for i in items_of(inspection.template) if i.photo_on_fail][:fails]
    answer_all(inspection, org.supervisor, fail={i.pk for i in failing})
    return services.submit_inspection(inspection, org.supervisor)


def _pages(response) -> list[str]:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(response.content)
    return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]


def _text(response) -> str:
    return "\n".join(_pages(response))


@pytest.fixture
def ledger(org):
    SiteSettings.objects.update_or_create(pk=SiteSettings.load().pk or None, defaults={
        "organisation_name": "海洋大学后勤集团", "organisation_name_en": "Ocean University Logistics Group",
        "hotline": "0532-1", "mailbox": "qs@example.edu.cn"})
    from django.core.cache import cache

    cache.clear()
    _inspect(org, org.wuye, fails=2, title="物业抽查")
    _inspect(org, org.yinshi, fails=1, title="饮食抽查")
    finding = Finding.objects.filter(department=org.wuye).order_by("pk").first()
    services.answer_finding(finding, actor=org.head_wuye, measure="增设防滑垫，每两小时巡查", owner=org.head_wuye.staff,
                            deadline=timezone.localdate())
    services.verify_finding(finding, actor=org.supervisor, accept=True)
    return finding


def test_it_prints_one_row_per_finding_with_the_heading_page_numbers_and_the_stamp_block(client, org, ledger):
    client.force_login(org.supervisor)
    response = client.get(URL, {"date_from": "2000-01-01"})
    assert "attachment" in response["Content-Disposition"] and ".pdf" in response["Content-Disposition"]
    pages = _pages(response)
    text = "\n".join(pages)
    assert "海洋大学后勤集团" in text and "整改台账" in text
    assert "部门：全部部门" in text and "期间：自 2000-01-01 起" in text
    assert text.count("物业抽查") == 2 and text.count("饮食抽查") == 1  # one row per finding
    assert "增设防滑垫" in text and "物业主任" in text and "已验收" in text and "督查员" in text
    assert timezone.localdate().isoformat() in text
    assert "负责人签字" in pages[-1] and "盖章" in pages[-1] and "日期" in pages[-1]
    assert f"1 / {len(pages)}" in pages[0]
    width, height = pypdfium2.PdfDocument(response.content)[0].get_size()
    assert width > height and round(width / 72 * 25.4) == 297  # A4 landscape


def test_it_names_every_filter_in_the_heading_and_applies_it(client, org, ledger):
    client.force_login(org.supervisor)
    text = _text(client.get(URL, {"department": org.wuye.pk, "status": "accepted", "kind": "spot",
                                  "date_from": "2000-01-01", "date_to": "2100-12-31", "q": "工作场所"}))
    assert "部门：物业管理中心" in text and "期间：2000-01-01 至 2100-12-31" in text
    assert "状态：已验收" in text and "检查类型：抽查" in text
    assert text.count("物业抽查") == 1 and "饮食抽查" not in text


def test_it_exports_nothing_for_an_invalid_filter_like_the_excel_export(client, org, ledger):
    client.force_login(org.supervisor)
    for url in (URL, reverse("inspections:ledger_export")):
        response = client.get(url, {"date_from": "not a date", "status": "nonsense"})
        assert response.status_code == 302 and response["Location"].startswith(reverse("inspections:ledger") + "?")
        assert "application/pdf" not in response.get("Content-Type", "")
    assert [str(m) for m in get_messages(response.wsgi_request)][-1].startswith("未导出任何内容")


def test_it_gives_a_head_only_their_own_department_and_refuses_another_one(client, org, ledger):
    client.force_login(org.head_yinshi)
    text = _text(client.get(URL))
    assert "饮食抽查" in text and "物业抽查" not in text and "部门：饮食服务中心" in text
    for url in (URL, reverse("inspections:ledger_export")):  # another department as a filter: refused, as in Excel
        response = client.get(url, {"department": org.wuye.pk})
        assert response.status_code == 302 and response["Location"].startswith(reverse("inspections:ledger"))


def test_it_lets_managers_only_print_it(client, org, ledger):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(org.staff_wuye)
    assert client.get(URL).status_code == 404
    client.force_login(org.head_wuye)
    text = _text(client.get(URL))
    assert "物业抽查" in text and "饮食抽查" not in text
    client.force_login(org.supervisor)
    text = _text(client.get(URL))
    assert "物业抽查" in text and "饮食抽查" in text


def test_it_refuses_a_selection_too_large_for_one_pdf_with_a_message(client, org, ledger, settings):
    settings.QS_INSPECTIONS_LEDGER_PDF_MAX_ROWS = 2
    client.force_login(org.supervisor)
    response = client.get(URL, {"kind": "spot"})
    assert response.status_code == 302 and response["Location"] == reverse("inspections:ledger") + "?kind=spot"
    assert "最多" in [str(m) for m in get_messages(response.wsgi_request)][-1]
    assert _text(client.get(URL, {"department": org.wuye.pk})).count("物业抽查") == 2


def test_it_prints_the_ledger_in_english_for_an_english_reader(client, org, ledger, settings):
    client.force_login(org.supervisor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = " ".join(_text(client.get(URL)).split())  # words wrapped in a narrow column join again
    assert "Ocean University Logistics Group" in text and "Rectification ledger" in text and "Property Centre" in text
    assert "3. Service environment" in text  # the problem of a failed six-checks item, in English
    assert "Signature of the person in charge" in text and "Seal" in text and "Department: All departments" in text


def test_it_links_the_pdf_beside_the_excel_export_with_the_same_filter(client, org, ledger):
    client.force_login(org.supervisor)
    body = client.get(reverse("inspections:ledger"), {"status": "accepted"}).content.decode()
    assert f'href="{URL}?status=accepted" data-testid="ledger-pdf"' in body
    assert f'href="{reverse("inspections:ledger_export")}?status=accepted" data-testid="ledger-export"' in body
