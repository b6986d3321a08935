"""The Word export is the template ``news/templates/news/bulletin.docx`` filled by docxtpl: the file opens with
python-docx and carries the issue number, the unit, every section with its lines and articles, the figures and
报送/抄送, in CJK fonts; an installation's own template set through QS_NEWS_BULLETIN_DOCX_TEMPLATE is used; a missing
or broken template is reported by the system check (news.E001) and the export says so instead of failing."""

import io

import pytest
from django.core import checks
from django.urls import reverse
from django.utils import timezone

from qualityservice.news import bulletins, docx_template, services
from qualityservice.news.models import Article

pytestmark = pytest.mark.django_db


def _docx(data: bytes):
    from docx import Document

    return Document(io.BytesIO(data))


def _text(doc) -> str:
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _issue(org):
    article, _c = services.create_article(key=None, by=org.supervisor, department=org.wuye, title="维修响应提速",
                                          summary="报修平均响应缩短到2小时")
    for action in ("submit", "approve", "publish"):
        services.move(article, action, by=org.supervisor)
    now = timezone.localdate()
    bulletin = bulletins.create_bulletin(
        key=None, by=org.supervisor, title="后勤集团工作简报", year=now.year, month=now.month, unit="后勤集团办公室 & 宣传组",
        report_to="学校党委", copy_to="集团各中心",
        sections="# 工作动态\n物业中心开展服务月活动\n# 典型引路\n各中心学习典型事迹")[0]
    bulletins.add_article(bulletin, article_id=Article.objects.get().pk, section="稿件选登", by=org.supervisor)
    bulletins.publish_bulletin(bulletin, by=org.supervisor)
    bulletin.refresh_from_db()
    return bulletin


def _export(client, org, bulletin):
    client.force_login(org.supervisor)
    return client.get(reverse("news:bulletin_docx", args=[bulletin.pk]))


def test_it_fills_the_shipped_template_with_the_whole_issue(client, org):
    bulletin = _issue(org)
    response = _export(client, org, bulletin)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    doc = _docx(response.content)
    text = _text(doc)
    for expected in ("后勤集团工作简报", f"{bulletin.year}年第1期", "编发单位：后勤集团办公室 & 宣传组", "工作动态", "物业中心开展服务月活动",
                     "典型引路", "各中心学习典型事迹", "稿件选登", "维修响应提速", "报修平均响应缩短到2小时", org.wuye.name,
                     "发布的新闻稿件", "报送：学校党委", "抄送：集团各中心"):
        assert expected in text, expected
    assert text.index("工作动态") < text.index("典型引路") < text.index("稿件选登") < text.index("报送")
    news_row = next(r for r in bulletin.figures if r["key"] == "news.articles_published")
    cells = [[c.text for c in row.cells] for table in doc.tables for row in table.rows]
    assert [org.wuye.name, f"{dict(news_row['values'])[org.wuye.name]} {news_row['unit']}".strip()] in [
        [a, b.strip()] for a, b in cells]
    assert "{{" not in text and "{%" not in text
    from docx.oxml.ns import qn

    normal = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal.get(qn("w:eastAsia")) == docx_template.BODY_FONT


def test_the_shipped_template_is_the_one_the_script_builds(tmp_path):
    rebuilt = docx_template.build(tmp_path / "bulletin.docx")
    shipped, fresh = _docx(docx_template.DEFAULT_PATH.read_bytes()), _docx(rebuilt.read_bytes())
    assert _text(shipped) == _text(fresh) and "{{ issue }}" in _text(shipped)
    assert bulletins.docx_template_problem() == ""


def test_an_installations_own_template_set_through_the_setting_is_used(client, org, settings, tmp_path):
    from docx import Document

    own = Document()
    own.add_paragraph("某某大学后勤简报 {{ issue }}（{{ unit }}）")
    own.add_paragraph("{%p for section in sections %}")
    own.add_paragraph("【{{ section.heading }}】")
    own.add_paragraph("{%p endfor %}")
    own.save(tmp_path / "own.docx")
    settings.QS_NEWS_BULLETIN_DOCX_TEMPLATE = str(tmp_path / "own.docx")
    bulletin = _issue(org)
    text = _text(_docx(_export(client, org, bulletin).content))
    assert f"某某大学后勤简报 {bulletin.year}年第1期（后勤集团办公室 & 宣传组）" in text
    assert "【工作动态】" in text and "【稿件选登】" in text and "报送" not in text


@pytest.mark.parametrize("kind", ["missing", "not a Word file", "bad template"])
def test_a_missing_or_broken_template_is_reported_by_the_check_and_the_export_says_so(client, org, settings, tmp_path, kind):
    path = tmp_path / "office.docx"
    if kind == "not a Word file":
        path.write_bytes(b"not a zip")
    elif kind == "bad template":
        from docx import Document

        broken = Document()
        broken.add_paragraph("{{ issue ")
        broken.add_paragraph("{%p for section in sections %}")
        broken.save(path)
    settings.QS_NEWS_BULLETIN_DOCX_TEMPLATE = str(path)
    problems = [e for e in checks.run_checks() if e.id == "news.E001"]
    assert len(problems) == 1 and str(path) in problems[0].msg
    bulletin = _issue(org)
    response = _export(client, org, bulletin)
    assert response.status_code == 302 and response["Location"] == bulletin.get_absolute_url()
    page = client.get(response["Location"]).content.decode()
    assert "Word模板无法使用" in page
    settings.QS_NEWS_BULLETIN_DOCX_TEMPLATE = ""
    assert [e for e in checks.run_checks() if e.id == "news.E001"] == []
