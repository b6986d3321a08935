"""Browser journey of an idea from review to award: the coordinator accepts it and assigns two reviewers, both
score on their phones (the second sees the first's comment only after scoring), the idea is adopted, the owner
implements it and records the meter readings of a baseline and an after period on a phone, the verifier confirms
the saving, the public list shows it, the idea is awarded and the certificate's QR code opens its check page."""

import datetime as dt
import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from e2e.conftest import login, pick_date
from e2e.foundation import ConsoleWatch, no_horizontal_overflow


def _jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (640, 480), (90, 120, 160)).save(buf, format="JPEG")
    return buf.getvalue()


def _score(phone, live_server, user, password, idea, values, comment):
    login(phone, live_server, user.username, password)
    phone.goto(f"{live_server.url}/staff/ideas/")
    phone.click(f"[data-testid=my-reviews] a[href='{idea.get_review_url()}']")
    expect(phone.locator("[data-testid=idea-title]")).to_have_text(idea.title)
    for field, value in zip(phone.locator("[data-testid=score-form] input[type=number]").all(), values, strict=True):
        field.fill(value)
    phone.fill("#id_comment", comment)
    assert no_horizontal_overflow(phone, 390)
    phone.click("[data-testid=submit-scores]")
    expect(phone.locator("[data-testid=my-sheet]")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_an_idea_goes_from_review_to_a_verified_saving_and_an_award(live_server, phone, page, browser, org):
    from django.utils import timezone

    from qualityservice.ideas.models import Idea, ScoreSheet
    from qualityservice.ideas.tests.factories import judge, make_idea, make_round

    round_ = make_round(None, title="2026年度金点子征集")
    idea = make_idea(round_, org.staff_wuye, title="第一餐厅后厨照明改用LED灯")
    second_judge = judge(org, "第二评委")
    watch = ConsoleWatch(phone)

    # 1. The coordinator (supervisor) accepts the idea and assigns two reviewers.
    login(page, live_server, org.supervisor.username, org.password)
    page.goto(f"{live_server.url}{idea.get_absolute_url()}")
    page.click("[data-testid=move-accept]")
    expect(page.locator("[data-testid=idea-status]")).to_have_text("已受理待评审")
    form = page.locator("[data-testid=assign-form]")
    form.locator("label", has_text="评委").first.click()
    form.locator("label", has_text="第二评委").click()
    form.locator("[data-testid=assign-submit]").click()
    expect(page.locator("[data-testid=idea-status]")).to_have_text("评审中")

    # 2. Both reviewers score on their phones; the second sees the first's comment once they have scored.
    _score(phone, live_server, org.judge, org.password, idea, ["9", "8", "9", "7"], "效果明显，建议推广到各餐厅")
    expect(phone.locator("[data-testid=my-total]")).to_have_text("84.50")  # (30×9 + 25×8 + 30×9 + 15×7) / 10
    phone.screenshot(path="/tmp/ideas-review-phone.png", full_page=True)
    phone.context.clear_cookies()
    _score(phone, live_server, second_judge, org.password, idea, ["8", "8", "9", "8"], "注意灯具防水")
    expect(phone.locator("[data-testid=other-reviews]")).to_contain_text("效果明显，建议推广到各餐厅")
    assert ScoreSheet.objects.count() == 2 and Idea.objects.get(pk=idea.pk).score is not None

    # 3. The coordinator adopts it; the property centre's head owns the implementation.
    page.reload()
    expect(page.locator("[data-testid=reviews]")).to_contain_text("注意灯具防水")
    page.select_option("[data-testid=adopt-form] select[name=owner]", str(org.head_wuye.pk))
    page.click("[data-testid=adopt-submit]")
    expect(page.locator("[data-testid=idea-status]")).to_have_text("已采纳")

    # 4. The owner implements it and records the meter readings on a phone.
    phone.context.clear_cookies()
    login(phone, live_server, org.head_wuye.username, org.password)
    phone.goto(f"{live_server.url}{idea.get_absolute_url()}")
    phone.click("[data-testid=move-start]")
    phone.fill("#progress input[name=title]", "更换灯具")
    phone.click("[data-testid=milestone-form] button[type=submit]")
    phone.click("[data-testid=milestone-toggle]")
    expect(phone.locator("[data-testid=progress]")).to_have_text("100%")
    phone.click("[data-testid=move-complete]")
    expect(phone.locator("[data-testid=idea-status]")).to_have_text("已实施")
    phone.click("[data-testid=record-measurement]")
    today = timezone.localdate()
    a1 = today - dt.timedelta(days=1)
    a0 = a1 - dt.timedelta(days=29)
    b0, b1 = a0 - dt.timedelta(days=365), a1 - dt.timedelta(days=365)
    expect(phone.locator("#id_tariff")).to_be_visible()
    for field, value in (("baseline_start", b0), ("baseline_end", b1), ("after_start", a0), ("after_end", a1)):
        pick_date(phone, f"#id_{field}", value.isoformat())
    phone.fill("#id_baseline_reading_start", "125430.5")
    phone.fill("#id_baseline_reading_end", "137730.5")  # 12,300 kWh in 30 days: 410 a day
    phone.fill("#id_after_reading_start", "171280")
    phone.fill("#id_after_reading_end", "180820")  # 9,540 kWh: 318 a day
    phone.fill("#id_tariff", "0.62")
    phone.set_input_files("#id_files", files=[{"name": "电表.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}])
    assert no_horizontal_overflow(phone, 390)
    phone.screenshot(path="/tmp/ideas-measure-phone.png", full_page=True)
    phone.click("[data-testid=measure-submit]")
    expect(phone.locator("[data-testid=measurement-saving]")).to_contain_text("33580.00")
    expect(phone.locator("[data-testid=measurement-saving]")).to_contain_text("20819.60")

    # 5. The supervisor verifies it; the public list shows the verified saving.
    page.reload()
    page.click("[data-testid=verify-confirm]")
    expect(page.locator("[data-testid=idea-status]")).to_have_text("效益已核实")
    visitor = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN").new_page()
    visitor.goto(f"{live_server.url}/ideas/")
    card = visitor.locator("[data-testid=public-idea]", has_text="第一餐厅后厨照明改用LED灯")
    expect(card.locator("[data-testid=public-saving]")).to_contain_text("33580 kWh")
    expect(card.locator("[data-testid=public-saving]")).to_contain_text("20820 元")
    expect(visitor.locator("body")).not_to_contain_text("物业员工")  # nobody is named on the public list
    visitor.screenshot(path="/tmp/ideas-public-phone.png", full_page=True)

    # 6. The award and its certificate, whose check page confirms it.
    page.select_option("[data-testid=award-form] select[name=tier]", "first")
    page.click("[data-testid=award-submit]")
    expect(page.locator("[data-testid=idea-award]")).to_contain_text("一等奖")
    awarded = Idea.objects.get(pk=idea.pk)
    pdf = page.request.get(f"{live_server.url}/staff/ideas/{idea.pk}/certificate.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body()[:4] == b"%PDF"
    import pypdfium2
    import zxingcpp

    image = pypdfium2.PdfDocument(pdf.body())[0].render(scale=3).to_pil()
    url = next(r.text for r in zxingcpp.read_barcodes(image))
    assert url.endswith(f"/c/{awarded.certificate_serial}/")  # the platform's one verification page (at SITE_URL)
    visitor.goto(f"{live_server.url}/c/{awarded.certificate_serial}/")
    expect(visitor.locator("[data-testid=certificate-state]")).to_contain_text("真实有效")
    expect(visitor.locator("body")).to_contain_text(awarded.certificate_serial)
    assert watch.csp_violations() == [] and watch.errors() == []
