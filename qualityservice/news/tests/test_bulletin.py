"""The work bulletin: numbered per year on publication (第N期, no duplicates), the month's figures from the indicator
registry with their definition and period, frozen when published (later data changes do not change the issue),
PDF and Word exports that open and carry the figures."""

import io

import pypdfium2
import pytest
from django.urls import reverse
from django.utils import timezone

from qualityservice.news import bulletins, services
from qualityservice.news.models import Bulletin
from qualityservice.news.workflows import BULLETIN

pytestmark = pytest.mark.django_db


def _published_article(org, title):
    article, _c = services.create_article(key=None, by=org.supervisor, department=org.wuye, title=title)
    for action in ("submit", "approve", "publish"):
        services.move(article, action, by=org.supervisor)


def _bulletin(org, **extra):
    now = timezone.localdate()
    fields = {"title": "后勤集团工作简报", "year": now.year, "month": now.month, "unit": "集团办公室",
              "report_to": "学校党委", "copy_to": "各中心", "sections": "# 工作动态\n物业中心开展服务月活动"} | extra
    return bulletins.create_bulletin(key=None, by=org.supervisor, **fields)[0]


def _news_value(figures, department):
    row = next(r for r in figures if r["key"] == "news.articles_published")
    return dict(row["values"])[department]


def test_it_numbers_the_issues_of_a_year_in_order_on_publication(org):
    first, second, other_year = _bulletin(org), _bulletin(org), _bulletin(org, year=2001, month=1)
    for b in (second, first, other_year):
        BULLETIN.apply(b, "publish", by=org.supervisor)
    numbers = {b.pk: Bulletin.objects.get(pk=b.pk).number for b in (first, second, other_year)}
    assert numbers == {second.pk: 1, first.pk: 2, other_year.pk: 1}


def test_a_published_issue_keeps_its_figures_when_the_live_data_changes(org, client):
    _published_article(org, "一")
    bulletin = _bulletin(org)
    row = next(r for r in bulletins.figures(bulletin) if r["key"] == "news.articles_published")
    assert row["definition"] and row["period"] and row["label"] == "发布的新闻稿件"
    BULLETIN.apply(bulletin, "publish", by=org.supervisor)
    bulletin.refresh_from_db()
    assert _news_value(bulletin.figures, org.wuye.name) == "1"
    _published_article(org, "二")
    assert _news_value(bulletins.live_figures(bulletin), org.wuye.name) == "2"
    assert _news_value(bulletins.figures(Bulletin.objects.get(pk=bulletin.pk)), org.wuye.name) == "1"
    client.force_login(org.supervisor)
    body = client.get(bulletin.get_absolute_url()).content.decode()
    assert "发布的新闻稿件" in body and "第1期" in body


def test_the_pdf_and_the_word_file_open_and_carry_the_issue(org, client):
    _published_article(org, "一")
    bulletin = _bulletin(org)
    BULLETIN.apply(bulletin, "publish", by=org.supervisor)
    client.force_login(org.supervisor)
    pdf = client.get(reverse("news:bulletin_pdf", args=[bulletin.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(pdf.content))
    assert "后勤集团工作简报" in text and "发布的新闻稿件" in text
    from docx import Document

    word = client.get(reverse("news:bulletin_docx", args=[bulletin.pk]))
    doc = Document(io.BytesIO(word.content))
    paragraphs = "\n".join(p.text for p in doc.paragraphs)
    assert "后勤集团工作简报" in paragraphs and "工作动态" in paragraphs and "学校党委" in paragraphs
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert org.wuye.name in cells


def test_only_the_supervisor_opens_the_bulletin_pages(org, client):
    bulletin = _bulletin(org)
    urls = [reverse("news:bulletins"), reverse("news:bulletin_new"), bulletin.get_absolute_url(),
            reverse("news:bulletin_pdf", args=[bulletin.pk]), reverse("news:bulletin_docx", args=[bulletin.pk])]
    for who in ("head_wuye", "head_yinshi", "staff_wuye", "operator", "judge"):
        client.force_login(getattr(org, who))
        assert [client.get(u).status_code for u in urls] == [404] * 5, who
        assert client.post(reverse("news:bulletin_move", args=[bulletin.pk]), {"action": "publish"}).status_code == 404
    assert Bulletin.objects.get().status == Bulletin.Status.DRAFT
    client.logout()
    assert client.get(urls[0]).status_code == 302
    client.force_login(org.supervisor)
    assert "后勤集团工作简报" in client.get(urls[0]).content.decode()
    bad = client.post(urls[1], {"title": "x", "year": 2026, "month": 13, "unit": "u", "submission_key": "k"})
    assert bad.status_code == 200 and Bulletin.objects.count() == 1
