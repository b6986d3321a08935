"""Sections made of articles: the editor picks published articles of the issue's month into a section, in order;
each shows with its title, department, date and summary on the staff page, the public page, the PDF and the Word
file; publishing the issue freezes that text (a later edit or withdrawal of the article does not change it); an
article the editor may not see or one not published is refused (nothing changed); the pages are the supervisor's;
the issue page makes the same queries with 2 or 20 articles."""

import io

import pypdfium2
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qualityservice.news import bulletins, services
from qualityservice.news.models import Article, Bulletin, BulletinArticle
from qualityservice.news.workflows import BULLETIN

pytestmark = pytest.mark.django_db


def _article(org, title, *, department=None, summary="", publish=True):
    article, _c = services.create_article(key=None, by=org.supervisor, department=department or org.wuye, title=title,
                                          summary=summary)
    if publish:
        for action in ("submit", "approve", "publish"):
            services.move(article, action, by=org.supervisor)
    return Article.objects.get(pk=article.pk)


def _bulletin(org):
    now = timezone.localdate()
    return bulletins.create_bulletin(key=None, by=org.supervisor, title="后勤集团工作简报", year=now.year, month=now.month,
                                     unit="集团办公室", report_to="学校党委", copy_to="各中心", sections="# 工作动态\n物业中心开展服务月活动")[0]


def _pick(client, bulletin, article, section="稿件选登", key=None):
    return client.post(reverse("news:bulletin_articles", args=[bulletin.pk]),
                       {"article": article.pk, "section": section, "submission_key": key or f"key-{article.pk}-pick"})


def _pdf_text(data: bytes) -> str:
    return "".join(page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(data))


def _docx_text(data: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_it_shows_two_picked_articles_in_order_on_every_copy_of_the_issue(client, org):
    first = _article(org, "食堂推出夜宵档口", department=org.yinshi, summary="饮食中心新开夜宵")
    second = _article(org, "物业维修提速", summary="报修平均响应缩短")
    bulletin = _bulletin(org)
    client.force_login(org.supervisor)
    picker = client.get(reverse("news:bulletin_articles", args=[bulletin.pk]) + "?q=夜宵").content.decode()
    assert "食堂推出夜宵档口" in picker and "物业维修提速" not in picker  # searched by title
    _pick(client, bulletin, second)
    _pick(client, bulletin, first)
    client.post(reverse("news:bulletin_article_change", args=[bulletin.pk, BulletinArticle.objects.get(article=first).pk]),
                {"action": "up"})
    assert [r.article_id for r in BulletinArticle.objects.order_by("position")] == [first.pk, second.pk]

    staff = client.get(bulletin.get_absolute_url()).content.decode()
    assert staff.index("稿件选登") < staff.index("食堂推出夜宵档口") < staff.index("物业维修提速")
    assert org.yinshi.name in staff and "饮食中心新开夜宵" in staff and first.get_public_url() in staff
    assert timezone.localdate().isoformat() in staff
    BULLETIN.apply(bulletin, "publish", by=org.supervisor)
    bulletin.refresh_from_db()
    client.logout()
    public = client.get(bulletin.get_public_url()).content.decode()
    assert public.index("食堂推出夜宵档口") < public.index("物业维修提速") and "报修平均响应缩短" in public
    assert f'href="{first.get_public_url()}"' in public
    client.force_login(org.supervisor)
    pdf = _pdf_text(client.get(reverse("news:bulletin_pdf", args=[bulletin.pk])).content)
    assert pdf.index("食堂推出夜宵档口") < pdf.index("物业维修提速") and "饮食中心新开夜宵" in pdf and org.yinshi.name in pdf
    word = _docx_text(client.get(reverse("news:bulletin_docx", args=[bulletin.pk])).content)
    assert word.index("稿件选登") < word.index("食堂推出夜宵档口") < word.index("物业维修提速")
    assert "报修平均响应缩短" in word and org.wuye.name in word


def test_a_published_issue_keeps_the_articles_text_after_an_edit_or_a_withdrawal(client, org):
    kept = _article(org, "原标题", summary="原摘要")
    gone = _article(org, "将被撤回的稿件", summary="撤回前的摘要")
    bulletin = _bulletin(org)
    for article in (kept, gone):
        bulletins.add_article(bulletin, article_id=article.pk, section="稿件选登", by=org.supervisor)
    Article.objects.filter(pk=kept.pk).update(title="草稿时改的标题")  # a change before publication is taken
    bulletins.publish_bulletin(bulletin, by=org.supervisor)
    Article.objects.filter(pk=kept.pk).update(title="改过的标题", summary="改过的摘要")
    services.move(Article.objects.get(pk=gone.pk), "withdraw", by=org.supervisor)
    bulletin = Bulletin.objects.get(pk=bulletin.pk)
    public = client.get(bulletin.get_public_url()).content.decode()
    assert "草稿时改的标题" in public and "原摘要" in public and "将被撤回的稿件" in public and "撤回前的摘要" in public
    assert "改过的" not in public
    client.force_login(org.supervisor)
    word = _docx_text(client.get(reverse("news:bulletin_docx", args=[bulletin.pk])).content)
    assert "草稿时改的标题" in word and "将被撤回的稿件" in word and "改过的" not in word
    Article.objects.filter(pk=kept.pk).delete()
    assert "草稿时改的标题" in client.get(bulletin.get_absolute_url()).content.decode()


def test_it_refuses_an_unpublished_article_one_out_of_sight_and_any_change_to_a_published_issue(client, org):
    draft = _article(org, "还在草稿的稿件", publish=False)
    other = _article(org, "饮食中心的稿件", department=org.yinshi)
    bulletin = _bulletin(org)
    client.force_login(org.supervisor)
    response = client.post(reverse("news:bulletin_articles", args=[bulletin.pk]),
                           {"article": draft.pk, "section": "稿件选登", "submission_key": "k" * 20}, follow=True)
    assert "只能加入本期月份内已发布、你可查看且尚未加入本期的稿件" in response.content.decode()
    assert "还在草稿的稿件" not in client.get(reverse("news:bulletin_articles", args=[bulletin.pk])).content.decode()
    # The rule of the service: only the articles the user may see (a head sees their own department's).
    with pytest.raises(ValidationError) as refused:
        bulletins.add_article(bulletin, article_id=other.pk, section="稿件选登", by=org.head_wuye)
    assert "已发布" in " ".join(refused.value.messages)
    assert BulletinArticle.objects.count() == 0
    bulletins.add_article(bulletin, article_id=other.pk, section="稿件选登", by=org.supervisor)
    bulletins.publish_bulletin(bulletin, by=org.supervisor)
    late = _article(org, "晚到的稿件")
    response = _pick(client, bulletin, late)
    assert BulletinArticle.objects.count() == 1
    row = BulletinArticle.objects.get()
    response = client.post(reverse("news:bulletin_article_change", args=[bulletin.pk, row.pk]), {"action": "remove"},
                           follow=True)
    assert "已发布的简报不能再修改" in response.content.decode() and BulletinArticle.objects.count() == 1


def test_the_same_form_sent_twice_adds_the_article_once(client, org):
    article = _article(org, "一次")
    bulletin = _bulletin(org)
    client.force_login(org.supervisor)
    _pick(client, bulletin, article, key="same-key-123")
    _pick(client, bulletin, article, key="same-key-123")
    assert BulletinArticle.objects.count() == 1


def test_only_the_supervisor_opens_and_changes_the_issues_articles(client, org):
    article = _article(org, "权限")
    bulletin = _bulletin(org)
    row, _c = bulletins.add_article(bulletin, article_id=article.pk, section="稿件选登", by=org.supervisor)
    pick = reverse("news:bulletin_articles", args=[bulletin.pk])
    change = reverse("news:bulletin_article_change", args=[bulletin.pk, row.pk])
    assert client.get(pick).status_code == 302 and client.post(change, {"action": "remove"}).status_code == 302
    for who in ("staff_wuye", "head_wuye", "head_yinshi", "operator", "judge"):
        client.force_login(getattr(org, who))
        assert client.get(pick).status_code == 404, who
        assert client.post(change, {"action": "remove"}).status_code == 404, who
        assert _pick(client, bulletin, _article(org, f"另一篇{who}")).status_code == 404, who
    assert list(BulletinArticle.objects.values_list("article_id", flat=True)) == [article.pk]
    client.force_login(org.supervisor)
    body = client.get(pick).content.decode()
    assert "权限" in body and "另一篇judge" in body


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_issue_pages_make_the_same_queries_with_2_or_20_articles(client, org):
    small, large = _bulletin(org), _bulletin(org)
    for i in range(20):
        article = _article(org, f"稿件{i}")
        if i < 2:
            bulletins.add_article(small, article_id=article.pk, section="稿件选登", by=org.supervisor)
        bulletins.add_article(large, article_id=article.pk, section="稿件选登" if i % 2 else "工作动态", by=org.supervisor)
    client.force_login(org.supervisor)
    for name in ("news:bulletin", "news:bulletin_articles"):
        client.get(reverse(name, args=[small.pk]))
        assert _queries(client, reverse(name, args=[small.pk])) == _queries(client, reverse(name, args=[large.pk])), name
    for b in (small, large):
        bulletins.publish_bulletin(b, by=org.supervisor)
    client.logout()
    small, large = Bulletin.objects.get(pk=small.pk), Bulletin.objects.get(pk=large.pk)
    assert "稿件19" in client.get(large.get_public_url()).content.decode()
    with CaptureQueriesContext(connection) as few:
        client.get(small.get_public_url() + "?x=1")
    with CaptureQueriesContext(connection) as many:
        client.get(large.get_public_url() + "?x=1")
    assert len(few) == len(many)


def test_removing_an_article_closes_the_gap_in_the_order(client, org):
    picked = [_article(org, f"稿件{i}") for i in range(3)]
    bulletin = _bulletin(org)
    client.force_login(org.supervisor)
    for article in picked:
        _pick(client, bulletin, article)
    middle = BulletinArticle.objects.get(article=picked[1])
    client.post(reverse("news:bulletin_article_change", args=[bulletin.pk, middle.pk]), {"action": "remove"})
    rows = list(BulletinArticle.objects.filter(bulletin=bulletin).order_by("position"))
    assert [(r.article_id, r.position) for r in rows] == [(picked[0].pk, 1), (picked[2].pk, 2)]
    client.post(reverse("news:bulletin_article_change", args=[bulletin.pk, rows[1].pk]), {"action": "down"})  # already last
    assert [r.article_id for r in BulletinArticle.objects.filter(bulletin=bulletin).order_by("position")] == [picked[0].pk, picked[2].pk]
