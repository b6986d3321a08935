"""Browser journey on a phone (390×844): a department's editor writes an article with an image in the body and
submits it; the department head sends it back with a comment; the editor revises and submits again; the head
approves and the supervisor publishes it; it appears on the public news list, its page shows the image, and it is in
the feed. The supervisor assembles a bulletin draft from the live figures and the month's adopted idea (an editable
block linked to the idea's page), publishes it (第1期), and its PDF opens from the public archive."""

import io
import re

import pypdfium2
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import confirm, login
from e2e.foundation import ConsoleWatch, no_horizontal_overflow

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True,
         "locale": "zh-CN"}


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 200), "orange").save(out, "PNG")
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_an_article_with_an_image_goes_from_draft_through_a_rejection_to_the_public_site_and_a_bulletin_is_published(
        live_server, browser, org):
    from qualityservice.news.models import Article, Bulletin, Editor

    Editor.objects.create(user=org.staff_wuye, department=org.wuye)
    contexts = []

    def phone_for(user):
        context = browser.new_context(**PHONE)
        contexts.append(context)
        page = context.new_page()
        if user is not None:
            login(page, live_server, user.username, org.password)
        return page

    try:
        # The editor writes, with an image uploaded into the body while writing.
        editor = phone_for(org.staff_wuye)
        watch = ConsoleWatch(editor)
        editor.goto(f"{live_server.url}/staff/news/")
        editor.click("[data-testid=new-article]")
        editor.fill("#id_title", "物业中心更换校园路灯")
        editor.fill("#id_summary", "本周完成主干道路灯更换。")
        editor.fill("#id_body", "<p>本周更换路灯四十盏。</p>")
        editor.locator("[data-testid=body-image]").set_input_files(
            {"name": "路灯.png", "mimeType": "image/png", "buffer": _png()})
        expect(editor.locator("[data-testid=body-image-status]")).to_have_text("图片已插入正文。")
        assert "<img src=\"/media/news/images/" in editor.input_value("#id_body")
        assert no_horizontal_overflow(editor, 390)
        editor.screenshot(path="/tmp/news-form-phone.png", full_page=True)
        editor.click("form.qs-form button[type=submit]")
        editor.wait_for_url(re.compile(rf"{live_server.url}/staff/news/\d+/$"))
        article = Article.objects.get(title="物业中心更换校园路灯")
        expect(editor.locator("[data-testid=article-body] img")).to_have_count(1)
        assert no_horizontal_overflow(editor, 390)
        editor.screenshot(path="/tmp/news-detail-phone.png", full_page=True)
        editor.click("[data-testid=move-submit]")
        expect(editor.locator("[data-testid=article-status]")).to_have_text("审核中")

        # The head sends it back with a comment.
        head = phone_for(org.head_wuye)
        head.goto(f"{live_server.url}{article.get_absolute_url()}")
        head.fill("[data-testid=move-note]", "请补充更换后的照明效果")
        head.click("[data-testid=move-reject]")
        expect(head.locator("[data-testid=article-status]")).to_have_text("草稿")
        expect(head.locator("[data-testid=article-events]")).to_contain_text("请补充更换后的照明效果")

        # The editor revises and submits again.
        editor.goto(f"{live_server.url}{article.get_edit_url()}")
        body = editor.input_value("#id_body")
        editor.fill("#id_body", body + "<p>更换后道路照明明显改善。</p>")
        editor.click("form.qs-form button[type=submit]")
        editor.wait_for_url(f"{live_server.url}{article.get_absolute_url()}")
        expect(editor.locator("[data-testid=revisions] li")).to_have_count(2)
        editor.click("[data-testid=move-submit]")
        expect(editor.locator("[data-testid=article-status]")).to_have_text("审核中")

        # The head approves, the supervisor publishes.
        head.goto(f"{live_server.url}{article.get_absolute_url()}")
        head.click("[data-testid=move-approve]")
        expect(head.locator("[data-testid=article-status]")).to_have_text("已批准")
        supervisor = phone_for(org.supervisor)
        supervisor.goto(f"{live_server.url}{article.get_absolute_url()}")
        supervisor.click("[data-testid=move-publish]")
        confirm(supervisor, sentence="公开网站")
        expect(supervisor.locator("[data-testid=article-status]")).to_have_text("已发布")

        # On the public site (anonymous, phone), with its image, and in the feed.
        public = phone_for(None)
        public_watch = ConsoleWatch(public)
        public.goto(f"{live_server.url}/news/")
        public.click("[data-testid=news-item]:has-text('物业中心更换校园路灯')")
        public.wait_for_url(f"{live_server.url}{article.get_public_url()}")
        image = public.locator("[data-testid=article-body] img")
        expect(image).to_have_count(1)
        assert image.evaluate("img => img.complete && img.naturalWidth") == 320
        expect(public.locator("[data-testid=article-body]")).to_contain_text("照明明显改善")
        assert no_horizontal_overflow(public, 390)
        public.screenshot(path="/tmp/news-article-phone.png", full_page=True)
        for feed in ("/news/feed/", "/news/feed/atom/"):
            text = public.request.get(f"{live_server.url}{feed}").text()
            assert "物业中心更换校园路灯" in text and article.get_public_url() in text, feed

        # The supervisor assembles a bulletin draft from the live figures and publishes it.
        from qualityservice.ideas.tests.test_highlights import adopted_idea

        idea = adopted_idea(org, title="宿舍楼道感应灯改造")
        supervisor.goto(f"{live_server.url}/staff/news/bulletins/new/")
        today = timezone.localdate()
        supervisor.fill("#id_title", "后勤集团工作简报")
        supervisor.fill("#id_year", str(today.year))
        supervisor.fill("#id_month", str(today.month))
        supervisor.fill("#id_unit", "后勤集团办公室")
        supervisor.fill("#id_report_to", "学校党委")
        supervisor.fill("#id_copy_to", "集团各中心")
        supervisor.fill("#id_sections", "# 工作动态\n物业中心更换校园路灯。")
        supervisor.click("form.qs-form button[type=submit]")
        supervisor.wait_for_url(re.compile(rf"{live_server.url}/staff/news/bulletins/\d+/$"))
        expect(supervisor.locator("[data-testid=figure]").first).to_be_visible()
        expect(supervisor.locator("text=发布的新闻稿件").first).to_be_visible()
        # "Assemble a draft" adds the month's adopted idea as an editable block, linked to the idea's public page.
        supervisor.click("[data-testid=assemble]")
        confirm(supervisor, sentence="其他栏目保留")
        block = supervisor.locator("[data-testid=bulletin-block]", has_text="采纳的金点子")
        expect(block).to_contain_text("宿舍楼道感应灯改造（物业管理中心，节能降耗）")
        assert block.locator("a").get_attribute("href") == idea.get_public_url()
        assert no_horizontal_overflow(supervisor, 390)
        supervisor.screenshot(path="/tmp/news-bulletin-assembled-phone.png", full_page=True)
        # The month's published article is picked into a section of the issue (searched by its title).
        supervisor.click("[data-testid=bulletin-articles]")
        supervisor.fill("input[name=q]", "路灯")
        supervisor.press("input[name=q]", "Enter")
        candidate = supervisor.locator("[data-testid=candidate]", has_text="物业中心更换校园路灯")
        candidate.locator("input[name=section]").fill("稿件选登")
        candidate.locator("button[type=submit]").click()
        expect(supervisor.locator("[data-testid=issue-article]")).to_contain_text("物业中心更换校园路灯")
        assert no_horizontal_overflow(supervisor, 390)
        supervisor.screenshot(path="/tmp/news-bulletin-articles-phone.png", full_page=True)
        supervisor.click("nav.small a:has-text('后勤集团工作简报')")
        expect(supervisor.locator("[data-testid=bulletin-article]")).to_contain_text("物业中心更换校园路灯")
        supervisor.click("button[name=action][value=publish]")
        confirm(supervisor, sentence="固定数据")
        expect(supervisor.locator("body")).to_contain_text(f"{today.year}年第1期")
        assert no_horizontal_overflow(supervisor, 390)
        supervisor.screenshot(path="/tmp/news-bulletin-phone.png", full_page=False)
        for path in ("/staff/news/", "/staff/news/bulletins/"):  # the staff lists as cards on a phone
            supervisor.goto(f"{live_server.url}{path}")
            assert no_horizontal_overflow(supervisor, 390), path
        bulletin = Bulletin.objects.get()
        assert bulletin.number == 1 and bulletin.figures

        # The public archive lists it; its PDF opens and carries the issue.
        public.goto(f"{live_server.url}/news/bulletins/")
        expect(public.locator("[data-testid=archive-issue]")).to_have_count(1)
        assert no_horizontal_overflow(public, 390)
        public.screenshot(path="/tmp/news-archive-phone.png", full_page=True)
        pdf_url = public.locator("[data-testid=archive-pdf]").get_attribute("href")
        response = public.request.get(f"{live_server.url}{pdf_url}")
        assert response.headers["content-type"] == "application/pdf"
        text = "".join(p.get_textpage().get_text_range() for p in pypdfium2.PdfDocument(response.body()))
        assert "后勤集团工作简报" in text and "第1期" in text
        public.goto(f"{live_server.url}/news/board/")
        assert no_horizontal_overflow(public, 390)
        public.screenshot(path="/tmp/news-board-phone.png", full_page=True)
        public.goto(f"{live_server.url}/news/typical/")
        assert no_horizontal_overflow(public, 390)
        assert watch.csp_violations() == [] and watch.errors() == []
        assert public_watch.csp_violations() == [] and public_watch.errors() == []
    finally:
        for context in contexts:
            context.close()
