"""Distribution: link, QR (PNG/SVG), printable poster, single-use tokens issued in batches and exported."""

import io

import pypdfium2
import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from qualityservice.surveys.models import Survey, Token
from qualityservice.surveys.tests.factories import shipped_template

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


def _poster_text(client, survey, language=None) -> str:
    url = reverse("surveys:poster", args=[survey.pk]) + (f"?lang={language}" if language else "")
    pdf = pypdfium2.PdfDocument(client.get(url).content)
    return " ".join(" ".join(pdf[i].get_textpage().get_text_range().split()) for i in range(len(pdf)))


def test_it_prints_the_poster_in_the_language_chosen_with_the_surveys_own_title_and_introduction(client, org, ns):
    Survey.objects.filter(pk=ns.survey.pk).update(description="请花三分钟告诉我们您的体验。",
                                                  description_en="Three minutes to tell us how it went.")
    client.force_login(org.supervisor)
    html = client.get(reverse("surveys:distribute", args=[ns.survey.pk])).content.decode()
    assert "poster.pdf?lang=zh-hans" in html and "poster.pdf?lang=en" in html
    chinese = _poster_text(client, ns.survey, "zh-hans")
    assert "食堂满意度调查" in chinese and "请花三分钟" in chinese and "手机扫码" in chinese
    assert "Canteen survey" not in chinese and "Three minutes" not in chinese
    english = _poster_text(client, ns.survey, "en")
    assert "Canteen survey" in english and "Three minutes to tell us how it went." in english
    assert "Scan with your phone to answer" in english and "食堂满意度调查" not in english and "请花三分钟" not in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Canteen survey" in _poster_text(client, ns.survey)  # no choice: the reader's language
    assert "Canteen survey" in _poster_text(client, ns.survey, "fr")  # an unknown one: the same


def test_it_prints_the_surveys_own_text_not_the_english_of_the_template_it_was_copied_from(client, org):
    from qualityservice.surveys.building import copy_survey

    template = shipped_template("nps")
    survey = copy_survey(template, org.supervisor)
    assert survey.title_en == template.title_en  # a copy starts with the template's texts
    client.force_login(org.supervisor)
    form = {"title": "2026年教职工推荐度调查", "title_en": template.title_en, "description": "请教职工填写。",
            "description_en": template.description_en, "kind": survey.kind, "audience": "anyone", "anonymous": "on",
            "period": "2026", "ask_respondent_type": "on"}
    r = client.post(reverse("surveys:edit", args=[survey.pk]), form)
    assert r.status_code == 302
    survey.refresh_from_db()
    assert (survey.title_en, survey.description_en) == ("", "")  # the template's, no longer this survey's
    english = _poster_text(client, survey, "en")
    assert "2026年教职工推荐度调查" in english and "请教职工填写。" in english and template.title_en not in english
    form.update(title_en="Staff recommendation survey 2026", description_en="For the staff.")
    client.post(reverse("surveys:edit", args=[survey.pk]), form)
    survey.refresh_from_db()
    assert (survey.title_en, survey.description_en) == ("Staff recommendation survey 2026", "For the staff.")
    form["title"] = "2026年教职工推荐度调查（修订）"  # the survey's own English stays when the Chinese changes
    client.post(reverse("surveys:edit", args=[survey.pk]), form)
    survey.refresh_from_db()
    assert survey.title_en == "Staff recommendation survey 2026"


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
