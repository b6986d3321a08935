"""The public pages beside the news list: the figures board (公开看板, from the indicator registry, with each figure's
definition and period; a figure based on fewer than 5 records or people is not shown, with a note), the typical
examples (学习典型, linked to the people and department behind them), the bulletin archive (published issues by year,
PDF), and the feeds (RSS and Atom, articles and bulletin issues). Every role sees the same public page; none of them
makes more queries with more data."""

import datetime as dt

import pypdfium2
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qualityservice.news import bulletins, services
from qualityservice.news.models import Article, Bulletin
from qualityservice.org.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

ROLES = ("supervisor", "admin", "head_wuye", "head_yinshi", "staff_wuye", "operator", "judge")


def _publish(org, article):
    for action in ("submit", "approve", "publish"):
        services.move(article, action, by=org.supervisor)
    return Article.objects.get(pk=article.pk)


def _article(org, title, department=None, **fields):
    article, _c = services.create_article(key=None, by=org.supervisor, department=department or org.wuye, title=title, **fields)
    return _publish(org, article)


def _issue(org, year=2026, month=3, title="后勤集团工作简报"):
    bulletin = bulletins.create_bulletin(key=None, by=org.supervisor, title=title, year=year, month=month, unit="集团办公室",
                                         report_to="学校", copy_to="各中心", sections="# 工作动态\n开展服务月")[0]
    return bulletins.publish_bulletin(bulletin, by=org.supervisor)


def _bulk_articles(org, n, **fields):
    """Many published articles at once (the lists' query counts do not depend on how they were made)."""
    now = timezone.now()
    Article.objects.bulk_create([Article(department=org.yinshi if i % 2 else org.wuye, title=f"批量{i}", status="published",
                                         published_at=now - dt.timedelta(minutes=i), **fields) for i in range(n)])


def _queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


# --- the figures board ----------------------------------------------------------------------------------------

def test_the_board_shows_each_figure_with_its_definition_and_period_and_hides_those_from_fewer_than_5(client, org):
    for i in range(5):
        _article(org, f"物业{i}")
    for i in range(2):
        _article(org, f"饮食{i}", department=org.yinshi)
    body = client.get(reverse("news:board")).content.decode()
    section = body[body.index("发布的新闻稿件"):]
    section = section[:section.index("</section>")]
    assert "口径" in body and "以发布日期为准" in section and f"{timezone.localdate().year}年" in section
    assert "物业管理中心" in section and "5 篇" in section
    yinshi = section[section.index("饮食服务中心"):]
    assert "少于5" in yinshi[:200] and "2 篇" not in section
    assert "少于 5 个人或记录" in body  # the note
    # Nothing is invented for a year without data: every cell is hidden.
    empty = client.get(reverse("news:board") + "?year=2001").content.decode()
    assert "5 篇" not in empty and "少于5" in empty
    assert client.get(reverse("news:board") + "?year=abc").status_code == 200  # bad input: this year, no 500


def test_the_board_follows_the_minimum_setting(client, org, settings):
    settings.QS_NEWS_BOARD_MIN_BASIS = 2
    for i in range(2):
        _article(org, f"饮食{i}", department=org.yinshi)
    body = client.get(reverse("news:board")).content.decode()
    assert "2 篇" in body and "少于 2 个人或记录" in body


# --- typical examples ---------------------------------------------------------------------------------------

def test_typical_examples_are_listed_with_the_people_and_department_behind_them(client, org):
    star = StaffFactory(department=org.wuye, name="张师傅", post="维修工")
    typical = _article(org, "张师傅二十年如一日", typical=True, people=[star], summary="扎根一线的维修工",
                       links="服务之星 | /recognition/\n金点子 | /ideas/")
    _article(org, "普通新闻")
    draft, _c = services.create_article(key=None, by=org.supervisor, department=org.wuye, title="未发布的典型", typical=True)
    body = client.get(reverse("news:typical")).content.decode()
    assert "张师傅二十年如一日" in body and "普通新闻" not in body and "未发布的典型" not in body
    assert star.get_public_url() in body and "物业管理中心" in body
    page = client.get(typical.get_public_url()).content.decode()
    assert "典型" in page and star.get_public_url() in page and "维修工" in page and 'href="/ideas/"' in page


def test_the_form_sets_the_typical_example_and_its_people_within_the_writers_departments(client, org):
    ours, theirs = StaffFactory(department=org.wuye, name="本中心员工"), StaffFactory(department=org.yinshi, name="别的中心员工")
    client.force_login(org.head_wuye)
    form = client.get(reverse("news:new")).content.decode()
    assert "本中心员工" in form and "别的中心员工" not in form
    data = {"department": org.wuye.pk, "title": "典型稿件", "summary": "", "body": "", "tags": "", "links": "", "title_en": "",
            "typical": "on", "submission_key": "typical-form-1"}
    refused = client.post(reverse("news:new"), {**data, "people": [theirs.pk]})
    assert refused.status_code == 200 and not Article.objects.filter(title="典型稿件").exists()
    client.post(reverse("news:new"), {**data, "people": [ours.pk]})
    article = Article.objects.get(title="典型稿件")
    assert article.typical and list(article.people.all()) == [ours]


# --- the bulletin archive -------------------------------------------------------------------------------------

def test_the_archive_lists_the_published_issues_by_year_and_their_pdf_opens(client, org):
    _issue(org, 2025, 11, "二〇二五年简报")
    first, second = _issue(org, 2026, 1), _issue(org, 2026, 2, "二月简报")
    bulletins.create_bulletin(key=None, by=org.supervisor, title="草稿简报", year=2026, month=3, unit="u", report_to="",
                              copy_to="", sections="")
    body = client.get(reverse("news:bulletin_archive")).content.decode()
    assert body.index("2026年") < body.index("二月简报") < body.index("2025年") < body.index("二〇二五年简报")
    assert "草稿简报" not in body and "第2期" in body and second.get_public_pdf_url() in body
    page = client.get(second.get_public_url()).content.decode()
    assert "二月简报" in page and "发布的新闻稿件" in page and "工作动态" in page
    pdf = client.get(first.get_public_pdf_url())
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.get_textpage().get_text_range() for p in pypdfium2.PdfDocument(pdf.content))
    assert "后勤集团工作简报" in text and "第1期" in text
    assert client.get(reverse("news:bulletin_public", args=[2026, 9])).status_code == 404
    assert client.get(reverse("news:bulletin_public_pdf", args=[2026, 9])).status_code == 404


# --- the feeds --------------------------------------------------------------------------------------------------

def test_the_rss_and_atom_feeds_carry_articles_and_bulletin_issues(client, org):
    article = _article(org, "物业中心开展服务月")
    issue = _issue(org, 2026, 4, "四月简报")
    rss = client.get(reverse("news:feed"))
    atom = client.get(reverse("news:atom"))
    assert rss["Content-Type"].startswith("application/rss+xml") and atom["Content-Type"].startswith("application/atom+xml")
    for feed in (rss.content.decode(), atom.content.decode()):
        assert "物业中心开展服务月" in feed and article.get_public_url() in feed
        assert "四月简报（2026年第1期）" in feed and issue.get_public_url() in feed
    assert "<feed" in atom.content.decode()
    index = client.get(reverse("news:index")).content.decode()
    assert reverse("news:atom") in index and reverse("news:board") in index and reverse("news:typical") in index


# --- every role, and the query counts ---------------------------------------------------------------------------

def test_every_role_and_anonymous_visitors_see_the_same_public_pages(client, org):
    star = StaffFactory(department=org.wuye, name="李班长")
    _article(org, "典型事迹", typical=True, people=[star])
    issue = _issue(org)
    urls = {"board": reverse("news:board"), "typical": reverse("news:typical"), "archive": reverse("news:bulletin_archive"),
            "issue": issue.get_public_url(), "atom": reverse("news:atom")}
    marks = {"board": "发布的新闻稿件", "typical": "李班长", "archive": "后勤集团工作简报", "issue": "工作动态", "atom": "典型事迹"}
    for who in (None, *ROLES):
        client.logout()
        if who:
            client.force_login(getattr(org, who))
        for name, url in urls.items():
            response = client.get(url)
            assert response.status_code == 200 and marks[name] in response.content.decode(), (who, name)
    assert client.get(issue.get_public_pdf_url()).status_code == 200


@pytest.mark.parametrize("url_name", ["news:board", "news:typical", "news:bulletin_archive", "news:atom", "news:feed"])
def test_the_public_pages_make_the_same_queries_for_10_or_1000_items(client, org, url_name):
    star = StaffFactory(department=org.wuye, name="王师傅")
    url = reverse(url_name)
    _bulk_articles(org, 10, typical=True)
    for article in Article.objects.all():
        article.people.add(star)
    for month in (1, 2):
        _issue(org, 2026, month)
    from qualityservice.core import pagecache

    client.get(url)  # fills the process's memos
    pagecache.clear()
    few, _body = _queries(client, url)
    _bulk_articles(org, 990, typical=True)
    for article in Article.objects.filter(people=None)[:50]:
        article.people.add(StaffFactory(department=org.yinshi))
    for month in range(3, 13):
        _issue(org, 2026, month)
    pagecache.clear()
    many, body = _queries(client, url)
    assert many == few, (few, many)
    assert Bulletin.objects.filter(status="published").count() == 12


def test_an_issue_page_makes_the_same_queries_with_more_issues_and_more_articles(client, org):
    from qualityservice.core import pagecache

    first = _issue(org, 2026, 1)
    client.get(first.get_public_url())
    pagecache.clear()
    few, _body = _queries(client, first.get_public_url())
    _bulk_articles(org, 200)
    later = [_issue(org, 2026, month) for month in range(2, 6)]
    pagecache.clear()
    many, body = _queries(client, later[-1].get_public_url())
    assert many == few and "2026年第5期" in body


def test_the_public_issue_and_its_pdf_follow_the_boards_rule_and_the_staff_copy_keeps_every_figure(client, org):
    for i in range(5):
        _article(org, f"物业{i}")
    for i in range(2):
        _article(org, f"饮食{i}", department=org.yinshi)
    today = timezone.localdate()
    issue = _issue(org, today.year, today.month)
    public = client.get(issue.get_public_url()).content.decode()
    section = public[public.index("发布的新闻稿件"):]
    section = section[:section.index("</section>")]
    assert "5 篇" in section and "2 篇" not in section and "少于5，不公布" in section
    assert "按时办结率" not in public  # a rate: its basis is not kept in the frozen issue
    text = "".join(p.get_textpage().get_text_range() for p in pypdfium2.PdfDocument(client.get(issue.get_public_pdf_url()).content))
    assert "按时办结率" not in text and "少于5" in text
    client.force_login(org.supervisor)  # the staff copy (报送/抄送) keeps every figure
    assert "按时办结率" in client.get(issue.get_absolute_url()).content.decode()
