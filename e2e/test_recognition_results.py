"""The second half of a round on a phone (390×844): a member votes for two and gets a receipt; a judge scores on the
phone and confirms the sheet; after the close the member finds the receipt counted; publishing is refused while a
flag of the jury is open, the supervisor clears it with a reason on the round's page; the notice shows the winners;
the winner signs in, downloads the certificate from their own page, the PDF opens and its QR code verifies at
/c/<serial>/. Every new page fits the phone."""

import re

import pypdfium2
import pytest
import zxingcpp
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from e2e.conftest import confirm, login
from e2e.foundation import no_horizontal_overflow
from qualityservice.recognition import codes, jury, results, services
from qualityservice.recognition.models import Ballot, Nomination, Round
from qualityservice.recognition.results_models import JuryFlag, JurySheet
from qualityservice.recognition.tests.factories import voter
from qualityservice.recognition.tests.factories_results import round_with_jury, score

pytestmark = pytest.mark.django_db(transaction=True)


def _signed_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}])


def _look(page, live_server, path, name):
    page.goto(f"{live_server.url}{path}")
    assert no_horizontal_overflow(page, 390), path
    page.screenshot(path=f"/tmp/recognition-{name}-phone.png", full_page=True)


def test_a_member_votes_a_judge_scores_and_the_winners_certificate_verifies_on_a_phone(phone, live_server, org, settings):
    settings.SITE_URL = live_server.url
    rnd, nominations, members = round_with_jury(org, votes=[[1, 2]] * 3, winners=2, judges=2)
    a, b, _c = nominations
    Nomination.objects.filter(pk=b.pk).update(staff=org.staff_wuye.staff)  # B is 物业员工, who signs in for the certificate
    # The member votes for two and gets a receipt.
    _signed_in(phone, live_server, voter())
    phone.goto(f"{live_server.url}{rnd.get_vote_url()}")
    phone.check(f"input[name=choice][value='{a.pk}']")
    phone.check(f"input[name=choice][value='{b.pk}']")
    phone.get_by_role("button", name="投票").click()
    confirm(phone, sentence="提交后不能更改")
    phone.locator("#receipt").wait_for()
    receipt = phone.locator("#receipt").inner_text().strip()
    assert Ballot.objects.get(receipt=receipt).choices == sorted([a.pk, b.pk])
    # A voter without an account: the code page fits the phone.
    batch, _created = codes.generate_batch(rnd, label="退休教师", size=3, by=org.supervisor, key=None)
    _look(phone, live_server, reverse("recognition:vote_code", args=[rnd.code]), "vote-code")

    services.move_round(rnd, "close_vote", by=org.supervisor)
    # A judge scores on the phone and confirms the sheet.
    first = members[0]
    _signed_in(phone, live_server, first.user)
    phone.goto(f"{live_server.url}{reverse('recognition:jury_mine')}")
    phone.get_by_role("link", name=str(rnd)).click()
    for nomination in nominations:
        phone.fill(f"#{jury.field_name(nomination.pk, 'attitude')}", "8.5")
        phone.fill(f"#{jury.field_name(nomination.pk, 'skill')}", "9" if nomination == b else "7")
    assert no_horizontal_overflow(phone, 390)
    phone.screenshot(path="/tmp/recognition-sheet-phone.png", full_page=True)
    phone.locator("[data-testid=save-scores]").click()
    phone.locator("[data-testid=confirm-sheet]").click()
    confirm(phone, sentence="确认后分数不能再修改")
    phone.locator("[data-testid=sheet-status]", has_text="已确认").wait_for()
    assert JurySheet.objects.get(pk=first.sheet.pk).status == "confirmed"
    # The second judge gives 2 on attitude where the first gave 8.5: a spread the supervisor clears before the notice.
    score(members[1], nominations, {0: (8, 7), 1: (9, 9), 2: (2, 6)})
    assert JuryFlag.objects.filter(round=rnd, status="open", kind="spread").count() == 1

    # After the close the member checks the receipt.
    phone.context.clear_cookies()
    phone.goto(f"{live_server.url}{rnd.get_receipt_url()}")
    phone.fill("#receipt-input", receipt)
    phone.get_by_role("button", name="查验").click()
    phone.locator("[data-counted]").wait_for()

    # The supervisor's pages fit the phone; the notice, the final list and the certificate.
    _signed_in(phone, live_server, org.supervisor)
    for name in ("round_jury", "round_results", "round_codes"):
        _look(phone, live_server, reverse(f"recognition:{name}", args=[rnd.pk]), name)
    # Publishing is refused while the flag is open; the message links to it; the supervisor clears it with a reason.
    phone.goto(f"{live_server.url}{rnd.get_staff_url()}")
    phone.locator("[data-testid=move-publish]").click()
    phone.locator(".alert-danger", has_text="1个异常标记尚未处理").wait_for()
    assert Round.objects.get(pk=rnd.pk).status == "judging"
    phone.locator(".alert-danger [data-testid=flags-link]").click()
    flag = phone.locator("[data-testid=flag][data-status=open]")
    assert "评委组的评分从2到8.5" in flag.inner_text()
    assert no_horizontal_overflow(phone, 390)
    phone.screenshot(path="/tmp/recognition-round-flags-phone.png", full_page=True)
    flag.locator("input[name=reason]").fill("两位评委对该候选人服务态度的看法不同，已当面核实，评分均有依据")
    flag.locator("[data-testid=clear-flag]").click()
    phone.locator("[data-testid=flag][data-status=accepted]").wait_for()
    assert "已当面核实" in phone.locator("[data-testid=round-events]").inner_text()
    phone.locator("[data-testid=move-publish]").click()
    phone.locator(".alert-success").wait_for()
    assert Round.objects.get(pk=rnd.pk).status == "notice"
    _look(phone, live_server, reverse("recognition:round_results", args=[rnd.pk]), "results-stored")
    _look(phone, live_server, reverse("recognition:winners", args=[rnd.code]), "winners")
    assert phone.locator("[data-testid=winner]").count() == 2
    services.move_round(rnd, "finalise", by=org.supervisor)
    rnd.refresh_from_db()
    certificate = next(c for c in results.issue_certificates(rnd, by=org.supervisor) if c.nomination_id == b.pk)
    _look(phone, live_server, reverse("recognition:stars", args=["service-stars"]), "stars")
    # The winner signs in, finds the certificate on their own page and downloads it.
    phone.context.clear_cookies()
    login(phone, live_server, org.staff_wuye.username, org.password)
    phone.goto(f"{live_server.url}{reverse('org:my_badge')}")
    mine = phone.locator(f"[data-testid=my-certificate][data-serial='{certificate.serial}']")
    assert "2026年度服务明星 · 服务明星" in mine.inner_text()
    assert no_horizontal_overflow(phone, 390)
    phone.screenshot(path="/tmp/recognition-my-certificate-phone.png", full_page=True)
    with phone.expect_download() as download:
        mine.locator("[data-testid=my-certificate-pdf]").click()
    assert download.value.suggested_filename == f"{certificate.serial}.pdf"
    with open(download.value.path(), "rb") as pdf:
        page = list(pypdfium2.PdfDocument(pdf.read()))[0]
    text = re.sub(r"\s", "", page.get_textpage().get_text_range())
    assert certificate.serial in text and "物业员工" in text
    qr = [c.text for c in zxingcpp.read_barcodes(page.render(scale=2.5).to_pil()) if c.format == zxingcpp.BarcodeFormat.QRCode]
    assert qr == [f"{live_server.url}/c/{certificate.serial}/"]
    phone.context.clear_cookies()
    phone.goto(qr[0])
    assert "真实有效" in phone.content() and certificate.holder in phone.content()
    assert no_horizontal_overflow(phone, 390)
    phone.screenshot(path="/tmp/recognition-certificate-verified-phone.png", full_page=True)
