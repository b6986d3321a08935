"""Browser journey of a skills competition: two judges score on phones (390×844) — one signed in, his draft
surviving a reload, the other through her private link, giving a score far from the panel —; scoring closes and
the anomaly is flagged; the organiser clears it with a note, verifies and publishes; the public results page shows
each contestant's breakdown on a phone, where a visitor without an account raises an objection; once final, the certificate PDF carries the text and a QR code that opens
the verification page, which says genuine — and revoked after the revocation."""

import datetime as dt
import io
import re

import pypdfium2
import pytest
import zxingcpp
from playwright.sync_api import expect

from e2e.conftest import login
from e2e.foundation import ConsoleWatch, no_horizontal_overflow

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = "/tmp/competitions-{}.png"


def _second_phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="zh-CN")
    return context, context.new_page()


def _submit_confirmed(page, selector):
    """Click a button that asks first (``data-confirm``) and confirm: the platform's own dialog when the page has
    one (core/base.html's ``#qs-confirm``), else the browser's (accepted by the ``dialog`` handler)."""
    page.click(selector)
    ok = page.locator("dialog#qs-confirm[open] [data-confirm-ok]")
    if page.locator("dialog#qs-confirm").count():
        ok.click()


def _ready(phone):
    expect(phone.locator("form[data-sheet]")).to_have_attribute("data-ready", "1")


def _score_on_phone(phone, values: dict[str, str]):
    """Type each criterion's score (the numeric keypad's way), waiting for each autosave: one save at a time (on
    SQLite the live server's threads share one in-memory connection)."""
    _ready(phone)
    for name, value in values.items():
        phone.fill(f"input[name={name}]", value)
        expect(phone.locator("form[data-sheet]")).to_have_attribute("data-state", "saved")


def test_two_judges_score_on_phones_the_anomaly_is_cleared_and_the_results_and_certificate_are_public(
        live_server, phone, page, browser, org, settings):
    from django.utils import timezone

    from qualityservice.competitions import services
    from qualityservice.competitions.models import Certificate, Round, Sheet
    from qualityservice.competitions.tests.factories import build, score, sheets_of, values
    from qualityservice.competitions.workflows import SHEET

    settings.SITE_URL = live_server.url
    setup = build(org, contestants=2, panel=3, reserves=0)  # chief + 3 panel members: four judges
    rnd = setup.round
    signed_in, linked = setup.appointments[1], setup.appointments[2]
    for sheet in sheets_of(rnd):  # the chief and the third panel member scored already
        if sheet.appointment_id not in (signed_in.pk, linked.pk):
            score(sheet, values(8, 8, 8) if sheet.entry.contestant.number == 1 else values(7, 7, 7))
    for p in (phone, page):
        p.on("dialog", lambda dialog: dialog.accept())
    watch = ConsoleWatch(phone)

    # 1. A judge signs in on his phone, opens his sheets and scores contestant 1 with the big controls.
    login(phone, live_server, signed_in.staff.user.username, org.password)
    phone.goto(f"{live_server.url}/staff/competitions/mine/")
    phone.click("[data-testid=my-appointments] a")
    expect(phone.locator("[data-testid=sheet-link]")).to_have_count(2)
    phone.click("[data-testid=sheet-link] >> nth=0")
    expect(phone.locator("h1")).to_contain_text("选手1")
    expect(phone.locator(".qs-levels").first).to_contain_text("优秀：规范熟练")
    _ready(phone)
    phone.locator("[data-inc]").first.tap()  # empty → the top of the range: 10
    expect(phone.locator("input[name=c-caozuo]")).to_have_value("10")
    expect(phone.locator("form[data-sheet]")).to_have_attribute("data-state", "saved")
    phone.locator("[data-dec]").first.tap()
    phone.locator("[data-dec]").first.tap()  # 9
    expect(phone.locator("form[data-sheet]")).to_have_attribute("data-state", "saved")
    _score_on_phone(phone, {"c-chengpin": "8.5"})
    expect(phone.locator("[data-testid=live-total]")).to_have_text("21.75")
    phone.screenshot(path=SHOTS.format("judge-scoring"), full_page=False)
    assert no_horizontal_overflow(phone, 390)
    phone.reload()  # the draft is on the server
    expect(phone.locator("input[name=c-caozuo]")).to_have_value("9")
    expect(phone.locator("input[name=c-chengpin]")).to_have_value("8.5")
    _score_on_phone(phone, {"c-weisheng": "8"})
    _submit_confirmed(phone, "[data-testid=submit-sheet]")
    phone.wait_for_url(re.compile(r".*/staff/competitions/judging/\d+/$"))
    expect(phone.locator("[data-testid=sheet-link][data-status=submitted]")).to_have_count(1)
    phone.click("[data-testid=sheet-link][data-status=draft]")
    _score_on_phone(phone, {"c-caozuo": "7", "c-chengpin": "7", "c-weisheng": "7"})
    _submit_confirmed(phone, "[data-testid=submit-sheet]")
    expect(phone.locator("[data-testid=progress]")).to_contain_text("2 / 2")

    # 2. Another judge scores through her private link (no account needed), far from the panel on contestant 1.
    context, other = _second_phone(browser)
    other.on("dialog", lambda dialog: dialog.accept())
    other.goto(f"{live_server.url}{linked.get_link_url()}")
    expect(other.locator("[data-testid=sheet-link]")).to_have_count(2)
    other.click("[data-testid=sheet-link] >> nth=0")
    _score_on_phone(other, {"c-caozuo": "2", "c-chengpin": "8", "c-weisheng": "8"})
    other.screenshot(path=SHOTS.format("judge-link"), full_page=True)
    _submit_confirmed(other, "[data-testid=submit-sheet]")
    other.click("[data-testid=sheet-link][data-status=draft]")
    _score_on_phone(other, {"c-caozuo": "7", "c-chengpin": "7", "c-weisheng": "7"})
    _submit_confirmed(other, "[data-testid=submit-sheet]")
    expect(other.locator("[data-testid=progress]")).to_contain_text("2 / 2")
    context.close()
    assert Sheet.objects.filter(round=rnd, status=Sheet.Status.SUBMITTED).count() == 8

    # 3. The organiser closes scoring: the anomaly is flagged and holds the verification back.
    login(page, live_server, org.supervisor.username, org.password)
    page.goto(f"{live_server.url}{rnd.get_absolute_url()}")
    page.click("[data-testid=round-close]")
    expect(page.locator("[data-testid=flag][data-kind=outlier]")).to_contain_text("评分偏离评委组")
    expect(page.locator("[data-testid=flag][data-kind=outlier]")).to_contain_text("打了2分")
    for sheet in Sheet.objects.filter(round=rnd, status=Sheet.Status.SUBMITTED):  # the chief judge confirms the panel's sheets
        SHEET.apply(sheet, "confirm", by=setup.chief, version=sheet.version)
    page.click("[data-testid=round-verify]")
    expect(page.locator(".alert-danger, .alert-error, [role=alert]").first).to_contain_text("异常标记未处理")
    page.screenshot(path=SHOTS.format("flags"), full_page=True)

    # 4. The organiser clears each flag with a note, verifies and publishes.
    while page.locator("[data-testid=flag-form]").count():
        form = page.locator("[data-testid=flag-form]").first
        form.locator("input[name=note]").fill("现场复核：该评委对操作规范的扣分有录像为证，予以认可")
        form.locator("[data-testid=resolve-flag]").click()
        expect(page.locator("[data-testid=round-moves]")).to_be_visible()
    page.click("[data-testid=round-verify]")
    expect(page.locator("h1 [data-testid=status]")).to_have_text("已核定")
    page.click("[data-testid=round-publish]")
    expect(page.locator("h1 [data-testid=status]")).to_have_text("公示中")

    # 5. The public results page on a phone: each contestant's per-criterion breakdown.
    public = setup.competition.get_public_url()
    phone.goto(f"{live_server.url}{public}")
    card = phone.locator("[data-testid=standings-cards] .card").first
    expect(card).to_contain_text("选手1")
    expect(card).to_contain_text("操作规范")
    expect(card).to_contain_text("成品质量")
    expect(phone.locator("[data-testid=method]")).to_contain_text("截尾平均")
    expect(phone.locator("[data-testid=notice]")).to_contain_text("公示中")
    assert no_horizontal_overflow(phone, 390)
    phone.screenshot(path=SHOTS.format("public"), full_page=True)

    # 5b. A visitor without an account objects from the public page on a phone, with a name and a phone number: it
    # becomes a feedback record of kind objection for the organiser.
    from qualityservice.competitions.models import Objection
    from qualityservice.feedback.models import Feedback

    visitor_context, visitor = _second_phone(browser)
    visitor.goto(f"{live_server.url}{public}")
    form = visitor.locator("[data-testid=objection-form]").first
    form.locator("[name=text]").fill("选手2操作超时未扣分，请复核")
    form.locator("input[name=name]").fill("李老师")
    form.locator("input[name=phone]").fill("13912345678")
    form.locator("button[type=submit]").click()
    expect(visitor.locator("body")).to_contain_text("异议已登记")
    assert no_horizontal_overflow(visitor, 390)
    visitor.screenshot(path=SHOTS.format("objection"), full_page=True)
    visitor_context.close()
    objection = Objection.objects.get()
    assert (objection.name, objection.phone, objection.raised_by) == ("李老师", "13912345678", None)
    assert Feedback.objects.get(pk=objection.feedback_id).kind == "objection"
    from qualityservice.competitions.workflows import OBJECTION

    OBJECTION.apply(objection, "answer", by=org.supervisor, answer="经核查计时记录，用时符合规定，维持原成绩。")

    # 6. The objection answered, after the objection window the organiser makes the results final and issues the certificates.
    Round.objects.filter(pk=rnd.pk).update(notice_until=timezone.now() - dt.timedelta(minutes=1))
    page.goto(f"{live_server.url}{rnd.get_absolute_url()}")
    page.click("[data-testid=round-finalise]")
    expect(page.locator("h1 [data-testid=status]")).to_have_text("已确定")
    page.goto(f"{live_server.url}{setup.competition.get_absolute_url()}")
    page.click("[data-testid=issue-certificates]")
    expect(page.locator("[data-testid=certificates] li")).to_have_count(2)
    first = Certificate.objects.get(rank=1)
    with page.expect_download() as download:
        page.click(f"[data-testid=certificates] a[href='{first.get_pdf_url()}']")
    pdf = pypdfium2.PdfDocument(io.BytesIO(download.value.path().read_bytes()))
    text = re.sub(r"\s", "", pdf[0].get_textpage().get_text_range())
    assert "荣誉证书" in text and "选手1" in text and "一等奖" in text and first.serial in text
    codes = [c.text for c in zxingcpp.read_barcodes(pdf[0].render(scale=2.5).to_pil()) if c.format == zxingcpp.BarcodeFormat.QRCode]
    assert codes == [f"{live_server.url}/c/{first.serial}/"]

    # 7. The QR code opens the verification page: genuine; after the revocation, revoked.
    phone.goto(codes[0])
    expect(phone.locator("[data-testid=certificate-state]")).to_contain_text("真实有效")
    phone.screenshot(path=SHOTS.format("verify"), full_page=True)
    page.locator("[data-testid=certificates] details").first.locator("summary").click()
    page.locator("[data-testid=certificates] input[name=reason]").first.fill("复核发现违规，取消名次")
    _submit_confirmed(page, "[data-testid=revoke] >> nth=0")
    expect(page.locator("[data-testid=certificates] li").first).to_contain_text("已撤销")
    phone.reload()
    expect(phone.locator("[data-testid=certificate-state]")).to_contain_text("已撤销")
    expect(phone.locator("[data-testid=certificate-state]")).to_contain_text("复核发现违规，取消名次")
    assert services.verify_certificate(first.serial).valid is False
    assert watch.csp_violations() == [] and watch.errors() == []
