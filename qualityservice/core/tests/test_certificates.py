"""core.certificates, the platform's one certificate service: a serial printed on paper, a PDF page per certificate
(CJK fonts embedded, the holder, what for, the award, the date, the issuer, the serial) with a QR code to
/c/<serial>/, and that page saying genuine, revoked (with the reason) or not genuine, from the apps' verifiers."""

import datetime as dt
import re
import zlib

import pypdfium2
import pytest
import zxingcpp

from qualityservice.core import certificates

DATA = certificates.CertificateData(serial="JS-2026-7KQ4M2XP9D", holder="王伟", title="2026年烹饪技能大比武", award="一等奖",
                                    date=dt.date(2026, 11, 20), issuer="中国海洋大学后勤集团", detail="饮食服务中心")


def _font_names(pdf: bytes) -> set[str]:
    """The embedded fonts' names (WeasyPrint keeps the font dictionaries in compressed object streams)."""
    chunks = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        try:
            chunks.append(zlib.decompressobj().decompress(pdf[match.end(): match.end() + 4_000_000]))
        except zlib.error:
            continue
    return {m.decode() for m in re.findall(rb"/FontName\s*/([^\s/<>\[\]()]+)", b"\n".join(chunks))}


def _pages(pdf: bytes) -> list[pypdfium2.PdfPage]:
    return list(pypdfium2.PdfDocument(pdf))


def test_a_serial_names_the_app_and_the_year_and_is_unguessable():
    serials = {certificates.new_serial("JS", year=2026) for _ in range(200)}
    assert len(serials) == 200
    assert all(re.fullmatch(r"JS-2026-[0-9A-HJKMNP-TV-Z]{10}", s) for s in serials)
    assert all(certificates.looks_like_serial(s) for s in serials)
    with pytest.raises(ValueError):
        certificates.new_serial("js-x")
    assert not certificates.looks_like_serial("../../etc") and not certificates.looks_like_serial("")


def test_the_pdf_shows_the_certificate_with_cjk_fonts_and_its_qr_code_opens_the_verification_page(settings):
    settings.SITE_URL = "https://hq.example.edu.cn"
    second = certificates.CertificateData(serial="JS-2026-AAAAAAAAAA", holder="李娜", title="2026年烹饪技能大比武",
                                          award="二等奖", date=dt.date(2026, 11, 20), issuer="中国海洋大学后勤集团")
    pdf = certificates.render_pdf([DATA, second])
    pages = _pages(pdf)
    assert len(pages) == 2
    text = re.sub(r"\s", "", pages[0].get_textpage().get_text_range())  # the spaced-out heading reads "荣 誉 证 书"
    for expected in ("荣誉证书", "王伟", "饮食服务中心", "2026年烹饪技能大比武", "一等奖", "中国海洋大学后勤集团", "2026-11-20",
                     "编号JS-2026-7KQ4M2XP9D", "扫码验证真伪", "在2026年烹饪技能大比武中荣获"):
        assert expected in text, expected
    assert "李娜" in pages[1].get_textpage().get_text_range()
    width, height = pages[0].get_size()
    assert width > height  # A4 landscape
    assert any(name.endswith("+Noto-Sans-CJK-SC") for name in _font_names(pdf))  # embedded (a subset)
    codes = zxingcpp.read_barcodes(pages[0].render(scale=2.5).to_pil())
    assert [c.text for c in codes if c.format == zxingcpp.BarcodeFormat.QRCode] == [
        "https://hq.example.edu.cn/c/JS-2026-7KQ4M2XP9D/"]


@pytest.fixture
def verifier(monkeypatch):
    """A verifier that knows two certificates, one of them revoked (the apps register theirs at start)."""
    known = {
        DATA.serial: certificates.Verification(serial=DATA.serial, holder=DATA.holder, title=DATA.title, award=DATA.award,
                                               date=DATA.date, issuer=DATA.issuer, detail=DATA.detail, valid=True),
        "JS-2026-REVOKED000": certificates.Verification(serial="JS-2026-REVOKED000", holder="张强", title=DATA.title, award="三等奖",
                                                        date=DATA.date, issuer=DATA.issuer, valid=False,
                                                        revoked_reason="成绩复核后名次变更", revoked_on=dt.date(2026, 11, 25)),
    }
    calls = []

    def lookup(serial):
        calls.append(serial)
        return known.get(serial)

    monkeypatch.setattr(certificates, "_verifiers", [])
    certificates.register_verifier(lookup)
    certificates.register_verifier(lookup)  # idempotent
    assert certificates._verifiers == [lookup]
    return calls


@pytest.mark.django_db
def test_the_verification_page_says_genuine_revoked_or_not_genuine(client, verifier):
    response = client.get(f"/c/{DATA.serial}/")
    body = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "no-cache"
    assert "真实有效" in body and "王伟" in body and "一等奖" in body and "中国海洋大学后勤集团" in body
    body = client.get("/c/JS-2026-REVOKED000/").content.decode()
    assert "已撤销" in body and "成绩复核后名次变更" in body and "2026-11-25" in body and "真实有效" not in body
    response = client.get("/c/JS-2026-UNKNOWN000/")
    assert response.status_code == 404 and "不是真的" in response.content.decode()
    response = client.get("/c/not-a-serial/")
    assert response.status_code == 404 and "not-a-serial" not in verifier  # never asked


@pytest.mark.django_db
def test_the_verification_page_is_in_english_for_english_readers(client, settings, verifier):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(f"/c/{DATA.serial}/").content.decode()
    assert "Genuine: this certificate was issued here and is valid." in body
