"""Browser journey: a six-checks inspection filled on a phone with one failed item and a photo, the
department head answers the rectification, the supervisor verifies it, the ledger and its Excel export show it."""

import io
import re

import pytest
from openpyxl import load_workbook
from PIL import Image
from playwright.sync_api import expect

from e2e.conftest import confirm, login, pick_date


def _jpeg(size=(320, 240)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (120, 160, 90)).save(buf, format="JPEG")
    return buf.getvalue()


def _camera_photo() -> bytes:
    """A large, detailed photo like a phone camera's (> 400 KB: the page downscales it before sending)."""
    buf = io.BytesIO()
    Image.effect_noise((2400, 1800), 60).convert("RGB").save(buf, format="JPEG", quality=95)
    return buf.getvalue()


@pytest.mark.django_db(transaction=True)
def test_it_runs_an_inspection_from_phone_to_verified_rectification(live_server, phone, page, org, settings):
    from django.utils import timezone

    # The 4 MB camera photo passes only because the page downscales it before sending.
    settings.QS_INSPECTIONS_MAX_UPLOAD_MB = 3

    from qualityservice.inspections.models import Finding, Inspection
    from qualityservice.inspections.tests.helpers import items_of, six_checks

    template = six_checks()
    items = items_of(template)
    failing = next(i for i in items if i.photo_on_fail)

    # 1. The supervisor creates a spot check of the property centre on a phone and fills it in.
    login(phone, live_server, org.supervisor.username, org.password)
    phone.goto(f"{live_server.url}/staff/inspections/new/")
    phone.select_option("#id_kind", "spot")
    phone.select_option("#id_template", str(template.pk))
    phone.select_option("#id_department", str(org.wuye.pk))
    phone.fill("#id_title", "物业中心六查六看抽查")
    phone.click("[data-testid=create-inspection]")
    phone.wait_for_url(re.compile(r".*/staff/inspections/\d+/fill/$"))
    inspection = Inspection.objects.get(title="物业中心六查六看抽查")
    for item in items:
        if item.pk == failing.pk:
            phone.click(f"label[for=r-{item.pk}-fail]")
            # one save at a time: on SQLite the live server's threads share one in-memory connection
            expect(phone.locator(f"#item-{item.pk}")).to_have_attribute("data-state", "saved")
            phone.fill(f"#item-{item.pk} textarea[name=note]", "楼道地面有积水，垃圾未及时清运")
            phone.set_input_files(f"#item-{item.pk} input[data-photo-input]",
                                  files=[{"name": "floor.jpg", "mimeType": "image/jpeg", "buffer": _camera_photo()}])
            expect(phone.locator(f"#item-{item.pk} [data-photo-count]")).to_contain_text("1")
        else:
            phone.click(f"label[for=r-{item.pk}-pass]")
        expect(phone.locator(f"#item-{item.pk}")).to_have_attribute("data-state", "saved")
    expect(phone.locator("[data-progress]")).to_have_text(str(len(items)))
    phone.screenshot(path="/tmp/inspections-fill.png", full_page=False)
    phone.fill("#id_location", "学生公寓3号楼")
    phone.click("[data-testid=submit-inspection]")
    confirm(phone, sentence="得分和发现的问题将成为定稿")
    phone.wait_for_url(f"{live_server.url}/staff/inspections/{inspection.pk}/")
    expect(phone.locator("[data-testid=score]")).to_contain_text("95.83")
    phone.screenshot(path="/tmp/inspections-detail.png", full_page=True)
    finding = Finding.objects.get(inspection=inspection)
    assert finding.status == Finding.Status.OPEN and "积水" in finding.problem

    # 2. The department head answers the rectification with a measure, owner, deadline and evidence.
    login(page, live_server, org.head_wuye.username, org.password)
    page.goto(f"{live_server.url}/staff/inspections/ledger/")
    page.click(f"a[href='/staff/inspections/findings/{finding.pk}/']")
    page.fill("#id_measure", "安排保洁员每两小时巡查一次，增设防滑垫")
    page.select_option("#id_owner", str(org.head_wuye.staff.pk))
    pick_date(page, "#id_deadline", (timezone.localdate() + timezone.timedelta(days=3)).isoformat())
    page.set_input_files("#id_evidence", files=[{"name": "after.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}])
    page.click("[data-testid=answer-form] button[type=submit]")
    confirm(page)
    expect(page.locator("h1")).to_contain_text("待验收")
    # The inspector's photo and the evidence photo are both served (scoped views) and displayed.
    expect(page.locator("img.qs-thumb")).to_have_count(2)
    for image in page.locator("img.qs-thumb").all():  # (wait_for_function polls with eval: blocked by the CSP)
        expect(image).to_have_js_property("complete", True)
        assert image.evaluate("i => i.naturalWidth") > 0
    page.screenshot(path="/tmp/inspections-finding.png", full_page=True)

    # 3. The supervisor verifies it.
    phone.goto(f"{live_server.url}/staff/inspections/findings/{finding.pk}/")
    phone.select_option("#id_decision", "accept")
    phone.click("[data-testid=verify-form] button[type=submit]")
    confirm(phone)
    expect(phone.locator("h1")).to_contain_text("已验收")

    # 4. The ledger shows it, and its Excel export contains it.
    page.goto(f"{live_server.url}/staff/inspections/ledger/")
    row = page.locator("[data-testid=ledger-table] tbody tr").first
    expect(row).to_contain_text("积水")
    expect(row).to_contain_text("已验收")
    page.screenshot(path="/tmp/inspections-ledger.png", full_page=True)
    with page.expect_download() as download:
        page.click("[data-testid=ledger-export]")
    workbook = load_workbook(io.BytesIO(download.value.path().read_bytes()), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0][4] == "存在问题"
    assert any("积水" in (r[4] or "") and "防滑垫" in (r[5] or "") and r[8] == "已验收" for r in rows[1:])


@pytest.mark.django_db(transaction=True)
def test_it_shows_the_group_charts(live_server, page, org):
    from qualityservice.inspections import services
    from qualityservice.inspections.tests.helpers import answer_all, make_inspection

    inspection = make_inspection(org.wuye, inspector=org.supervisor)
    answer_all(inspection, org.supervisor)
    services.submit_inspection(inspection, org.supervisor)
    login(page, live_server, org.supervisor.username, org.password)
    page.goto(f"{live_server.url}/staff/inspections/charts/")
    expect(page.locator("[data-insp-chart=departments] canvas")).to_have_count(1)
    expect(page.locator("[data-insp-chart=radar] canvas")).to_have_count(1)
    page.screenshot(path="/tmp/inspections-charts.png", full_page=True)


@pytest.mark.django_db(transaction=True)
def test_it_keeps_answers_entered_offline_and_resends_them(live_server, phone, org):
    from qualityservice.inspections.models import InspectionAnswer
    from qualityservice.inspections.tests.helpers import items_of, make_inspection

    inspection = make_inspection(org.wuye, title="离线自查")
    first, second = items_of(inspection.template)[:2]
    login(phone, live_server, org.head_wuye.username, org.password)
    phone.goto(f"{live_server.url}/staff/inspections/{inspection.pk}/fill/")
    phone.click(f"label[for=r-{first.pk}-pass]")
    expect(phone.locator(f"#item-{first.pk}")).to_have_attribute("data-state", "saved")
    phone.context.set_offline(True)
    phone.click(f"label[for=r-{second.pk}-fail]")
    phone.fill(f"#item-{second.pk} textarea[name=note]", "新员工不熟悉规程")
    expect(phone.locator(f"#item-{second.pk}")).to_have_attribute("data-state", "offline")
    stored = phone.evaluate(f"window.localStorage.getItem('qs-inspection-{inspection.pk}')")
    assert "新员工不熟悉规程" in stored
    assert not InspectionAnswer.objects.filter(item=second).exists()
    phone.context.set_offline(False)
    expect(phone.locator(f"#item-{second.pk}")).to_have_attribute("data-state", "saved", timeout=15000)
    answer = InspectionAnswer.objects.get(item=second)
    assert answer.result == "fail" and answer.note == "新员工不熟悉规程"
    assert phone.evaluate(f"window.localStorage.getItem('qs-inspection-{inspection.pk}')") == "{}"


@pytest.mark.django_db(transaction=True)
def test_it_explains_a_score_out_of_range_and_saves_a_valid_one(live_server, phone, org):
    from qualityservice.inspections.models import ChecklistTemplate, InspectionAnswer
    from qualityservice.inspections.tests.helpers import items_of, make_inspection, six_checks

    six_checks()  # installs the seeded templates after a transactional flush
    kitchen = ChecklistTemplate.objects.get(code="kitchen-hygiene")
    inspection = make_inspection(org.yinshi, template=kitchen, title="餐厅卫生自查")
    scored = next(i for i in items_of(kitchen) if i.is_scored)
    login(phone, live_server, org.head_yinshi.username, org.password)
    phone.goto(f"{live_server.url}/staff/inspections/{inspection.pk}/fill/")
    phone.fill(f"#item-{scored.pk} input[name=score]", "11")
    expect(phone.locator(f"#item-{scored.pk}")).to_have_attribute("data-state", "error")
    expect(phone.locator(f"#item-{scored.pk} [data-status]")).to_contain_text("0到10")
    assert not InspectionAnswer.objects.filter(item=scored).exists()
    phone.fill(f"#item-{scored.pk} input[name=score]", "8")
    expect(phone.locator(f"#item-{scored.pk}")).to_have_attribute("data-state", "saved")
    assert InspectionAnswer.objects.get(item=scored).score == 8
