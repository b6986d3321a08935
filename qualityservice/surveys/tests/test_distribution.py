"""Distribution: link, QR (PNG/SVG), printable poster, single-use tokens issued in batches and exported."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qualityservice.surveys.models import Survey, Token

from .factories import make_survey


@pytest.fixture
def ns(org):
    return make_survey(org, audience=Survey.Audience.TOKEN)


def test_it_shows_the_link_and_qr_to_supervisors_only(client, org, ns):
    url = reverse("surveys:distribute", args=[ns.survey.pk])
    assert client.get(url).status_code == 302
    client.force_login(org.head_yinshi)
    assert client.get(url).status_code == 404
    client.force_login(org.supervisor)
    html = client.get(url).content.decode()
    assert ns.survey.public_code in html and 'data-testid="qr"' in html and "data:image/svg+xml" in html


def test_it_downloads_the_qr_code_as_png_and_svg(client, org, ns):
    client.force_login(org.supervisor)
    png = client.get(reverse("surveys:qr", args=[ns.survey.pk, "png"]))
    assert png["Content-Type"] == "image/png" and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    svg = client.get(reverse("surveys:qr", args=[ns.survey.pk, "svg"]))
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    assert client.get(reverse("surveys:qr", args=[ns.survey.pk, "gif"])).status_code == 404


def test_it_prints_a_poster_pdf(client, org, ns):
    client.force_login(org.supervisor)
    r = client.get(reverse("surveys:poster", args=[ns.survey.pk]))
    assert r["Content-Type"] == "application/pdf" and r.content[:5] == b"%PDF-"


def test_it_issues_tokens_in_batches_and_exports_them_for_mail_merge(client, org, ns):
    client.force_login(org.supervisor)
    client.post(reverse("surveys:tokens_issue", args=[ns.survey.pk]), {"count": 3, "batch": "计算机1班", "recipients": "张三\nlisi@example.com"})
    client.post(reverse("surveys:tokens_issue", args=[ns.survey.pk]), {"count": 2, "batch": "教职工"})
    assert Token.objects.filter(survey=ns.survey).count() == 5
    codes = set(Token.objects.values_list("code", flat=True))
    assert len(codes) == 5 and all(len(c) >= 16 for c in codes)
    html = client.get(reverse("surveys:distribute", args=[ns.survey.pk])).content.decode()
    assert "计算机1班" in html and "已发放 5 个令牌" in html
    r = client.get(reverse("surveys:tokens_export", args=[ns.survey.pk]) + "?batch=计算机1班")
    rows = list(load_workbook(io.BytesIO(b"".join(r.streaming_content)), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 4 and rows[1][1] == "张三" and rows[2][1] == "lisi@example.com"
    assert rows[1][3].startswith("http://testserver/s/") and f"?t={rows[1][2]}" in rows[1][3]


def test_it_refuses_a_bad_token_batch(client, org, ns):
    client.force_login(org.supervisor)
    r = client.post(reverse("surveys:tokens_issue", args=[ns.survey.pk]), {"count": 0}, follow=True)
    assert "令牌未发放" in r.content.decode()
    assert not Token.objects.exists()
