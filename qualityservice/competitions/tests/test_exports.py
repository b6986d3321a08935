"""Exports: the full score matrix (judges × contestants × criteria) and one judge's sheets to Excel, the result
list to PDF, and the certificates of the placed contestants — a PDF per certificate whose QR code opens
/c/<serial>/, which says genuine until the certificate is revoked."""

import datetime as dt
import io
import re

import pypdfium2
import pytest
import zxingcpp
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from qualityservice.competitions import services
from qualityservice.competitions.models import Certificate, Round
from qualityservice.competitions.workflows import ROUND

from .factories import build, confirm_all, score, sheets_of, values

pytestmark = pytest.mark.django_db


def _rows(response) -> list[tuple]:
    data = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    return list(load_workbook(io.BytesIO(data), read_only=True).worksheets[0].iter_rows(values_only=True))


def _text(response) -> str:
    pdf = pypdfium2.PdfDocument(response.content)
    return "\n".join(page.get_textpage().get_text_range() for page in pdf)


@pytest.fixture
def finished(org):
    setup = build(org, contestants=3, panel=2, reserves=0)
    table = {1: values(9, 9, 9), 2: values(8, 8.5, 8, 1), 3: values(7, 7, 7)}
    for sheet in sheets_of(setup.round):
        score(sheet, table[sheet.entry.contestant.number])
    ROUND.apply(setup.round, "close", by=setup.by)
    confirm_all(setup)
    rnd = ROUND.apply(setup.round, "verify", by=setup.chief)
    rnd = ROUND.apply(rnd, "publish", by=setup.by)
    Round.objects.filter(pk=rnd.pk).update(notice_until=timezone.now() - dt.timedelta(minutes=1))
    setup.round = ROUND.apply(Round.objects.get(pk=rnd.pk), "finalise", by=setup.by)
    return setup


def test_the_score_matrix_has_a_row_per_judge_and_contestant_and_a_column_per_criterion(client, org, finished):
    client.force_login(org.supervisor)
    rows = _rows(client.get(reverse("competitions:matrix_export", args=[finished.round.pk])))
    assert rows[0] == ("编号", "选手", "部门", "评委", "评委角色", "操作规范 (×1)", "成品质量 (×1.5)", "卫生安全 (×0.5)", "超时 (−2)",
                       "评分表总分", "状态", "版本")
    assert len(rows) == 1 + 3 * 3
    assert rows[1] == (1, "选手1", "饮食服务中心", "裁判长", "裁判长", 9, 9, 9, 0, 27, "已确认", 1)
    assert rows[4][:4] == (2, "选手2", "饮食服务中心", "裁判长") and rows[4][5:10] == (8, 8.5, 8, 1, 8 + 12.75 + 4 - 2)


def test_a_judge_downloads_their_own_sheets_only(client, finished):
    judge = finished.appointments[1]
    client.force_login(judge.staff.user)
    rows = _rows(client.get(reverse("competitions:judge_export", args=[finished.round.pk, judge.pk])))
    assert [r[3] for r in rows[1:]] == ["评委1"] * 3
    other = finished.appointments[2]
    assert client.get(reverse("competitions:judge_export", args=[finished.round.pk, other.pk])).status_code == 404


def test_the_result_list_pdf_ranks_the_contestants_with_their_breakdown_and_awards(client, org, finished):
    client.force_login(org.supervisor)
    response = client.get(reverse("competitions:results_pdf", args=[finished.round.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = re.sub(r"[ \t]+", " ", _text(response))
    assert "2026年烹饪技能比武 · 初赛 · 成绩单" in text and "截尾平均" in text
    assert text.index("选手1") < text.index("选手2") < text.index("选手3")
    assert "27.00" in text and "一等奖" in text and "二等奖" in text and "裁判长：" in text


def test_certificates_go_to_the_placed_and_their_qr_code_opens_a_page_that_says_genuine_until_revoked(client, org, finished, settings):
    settings.SITE_URL = "http://testserver"
    client.force_login(org.supervisor)
    client.post(reverse("competitions:certificates_issue", args=[finished.competition.pk]))
    client.post(reverse("competitions:certificates_issue", args=[finished.competition.pk]))  # once each
    certificates = list(Certificate.objects.order_by("rank"))
    assert [(c.contestant.staff.name, c.award, c.rank) for c in certificates] == [("选手1", "一等奖", 1), ("选手2", "二等奖", 2)]
    first = certificates[0]
    assert re.fullmatch(r"JS-\d{4}-[0-9A-Z]{10}", first.serial)
    response = client.get(first.get_pdf_url())
    page = pypdfium2.PdfDocument(response.content)[0]
    text = re.sub(r"\s", "", page.get_textpage().get_text_range())
    assert "选手1" in text and "在2026年烹饪技能比武中荣获" in text and "一等奖" in text and first.serial in text
    codes = [c.text for c in zxingcpp.read_barcodes(page.render(scale=2.5).to_pil()) if c.format == zxingcpp.BarcodeFormat.QRCode]
    assert codes == [f"http://testserver/c/{first.serial}/"]
    client.logout()
    body = client.get(codes[0].removeprefix("http://testserver")).content.decode()
    assert "真实有效" in body and "选手1" in body and "一等奖" in body
    client.force_login(org.supervisor)
    body = client.post(first.get_move_url(), {"reason": ""}, follow=True).content.decode()
    assert "请填写原因" in body and Certificate.objects.get(pk=first.pk).status == Certificate.Status.VALID
    client.post(first.get_move_url(), {"reason": "复核发现违规操作，取消名次"})
    client.logout()
    body = client.get(f"/c/{first.serial}/").content.decode()
    assert "已撤销" in body and "复核发现违规操作，取消名次" in body and "真实有效" not in body


def test_certificates_wait_for_the_final_results(org):
    setup = build(org, contestants=1, panel=1, reserves=0)
    with pytest.raises(Exception, match="最后一轮成绩确定后才能颁发证书"):
        services.issue_certificates(setup.competition, by=org.supervisor)
    assert not Certificate.objects.exists()


def test_the_winners_are_offered_to_the_recognition_app(finished):
    rows = services.winners(finished.competition)
    assert [(r["rank"], r["award"]) for r in rows] == [(1, "一等奖"), (2, "二等奖")]
    assert rows[0]["staff_id"] == finished.contestants[0].staff_id
