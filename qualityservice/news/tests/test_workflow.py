"""The review workflow: submit, send back with a comment (the author and everyone earlier told), revise (every
revision kept, two compared), approve, schedule and publish by the job (once), withdraw (410); the signed preview
link expires; the one-time approval link works once."""

import datetime as dt

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from qualityservice.core.models import Notification
from qualityservice.core.workflow import TransitionError
from qualityservice.news import services
from qualityservice.news.models import Article, Editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(org):
    Editor.objects.create(user=org.staff_wuye, department=org.wuye)
    return org.staff_wuye


@pytest.fixture
def article(org, editor):
    article, _created = services.create_article(key=None, by=editor, department=org.wuye, title="物业中心开展服务月",
                                                summary="服务月启动", body="<p>第一稿</p>")
    return article


def test_it_refuses_to_send_back_without_a_comment_and_changes_nothing(org, article, editor):
    services.move(article, "submit", by=editor)
    with pytest.raises(TransitionError) as error:
        services.move(article, "reject", by=org.supervisor, note="  ")
    assert "必须填写意见" in str(error.value)
    assert Article.objects.get().status == Article.Status.IN_REVIEW


def test_it_tells_the_author_and_everyone_earlier_in_the_chain_of_a_rejection(org, article, editor):
    services.move(article, "submit", by=editor)
    services.move(article, "approve", by=org.head_wuye)
    services.move(article, "schedule", by=org.supervisor, publish_at=timezone.now() + dt.timedelta(days=1))
    # Back to review through a new draft cycle is not possible from scheduled; a second article shows the chain.
    second, _c = services.create_article(key=None, by=editor, department=org.wuye, title="第二篇")
    services.move(second, "submit", by=editor)
    Notification.objects.all().delete()
    services.move(second, "reject", by=org.head_wuye, note="请补充数据")
    payload = Notification.objects.get().payload
    assert set(payload["user_ids"]) == {editor.pk}
    assert payload["body"] == "请补充数据"
    assert Article.objects.get(pk=second.pk).status == Article.Status.DRAFT
    texts = [e.text for e in services.timeline(second)]
    assert any("请补充数据" in t for t in texts)


def test_it_keeps_every_revision_and_compares_two(org, article, editor, client):
    services.update_article(article, by=editor, body="<p>第二稿：新增数据</p>")
    services.update_article(article, by=editor, tags="服务月")  # no text change: no revision
    assert list(article.revisions.values_list("number", flat=True)) == [1, 2]
    a, b = article.revisions.all()
    rows = services.compare(a, b)
    assert ("-", "第一稿") in rows and ("+", "第二稿：新增数据") in rows
    client.force_login(editor)
    body = client.get(reverse("news:compare", args=[article.pk]) + "?a=1&b=2").content.decode()
    assert "第二稿：新增数据" in body and 'data-kind="-"' in body
    bad = client.get(reverse("news:compare", args=[article.pk]) + "?a=x&b=9")
    assert bad.status_code == 302


def test_the_job_publishes_a_scheduled_article_once_when_its_time_comes(org, article, editor, client):
    services.move(article, "submit", by=editor)
    services.move(article, "approve", by=org.supervisor)
    with pytest.raises(TransitionError):
        services.move(article, "schedule", by=org.supervisor, publish_at=timezone.now() - dt.timedelta(minutes=1))
    at = timezone.now() + dt.timedelta(hours=2)
    services.move(article, "schedule", by=org.supervisor, publish_at=at)
    assert services.publish_due() == 0
    assert client.get(article.get_public_url()).status_code == 404
    assert services.publish_due(now=at + dt.timedelta(seconds=1)) == 1
    assert services.publish_due(now=at + dt.timedelta(seconds=2)) == 0  # idempotent
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED and article.published_at is not None
    body = client.get(reverse("news:index")).content.decode()
    assert "物业中心开展服务月" in body
    feed = client.get(reverse("news:feed")).content.decode()
    assert "物业中心开展服务月" in feed and article.get_public_url() in feed


def test_a_withdrawn_article_answers_410_with_a_notice(org, article, editor, client):
    services.move(article, "submit", by=editor)
    services.move(article, "approve", by=org.supervisor)
    services.move(article, "publish", by=org.supervisor)
    assert "第一稿" in client.get(article.get_public_url()).content.decode()
    services.move(article, "withdraw", by=org.supervisor)
    response = client.get(article.get_public_url())
    assert response.status_code == 410
    body = response.content.decode()
    assert "撤回" in body and "第一稿" not in body
    assert "物业中心开展服务月" not in client.get(reverse("news:index")).content.decode()


def test_the_preview_link_shows_the_draft_until_it_expires(org, article, client, settings):
    token = services.preview_token(article)
    response = client.get(reverse("news:preview", args=[token]))
    assert response.status_code == 200 and "第一稿" in response.content.decode()
    assert client.get(reverse("news:preview", args=[token + "x"])).status_code == 404
    settings.QS_NEWS_PREVIEW_DAYS = 0
    import time

    time.sleep(1.1)
    assert client.get(reverse("news:preview", args=[token])).status_code == 404


def test_the_approval_link_approves_once(org, article, editor, client):
    services.move(article, "submit", by=editor)
    token = services.approval_token(article)
    url = reverse("news:approve", args=[token])
    assert "第一稿" in client.get(url).content.decode()
    empty = client.post(url, {"name": ""})
    assert empty.status_code == 200 and Article.objects.get().status == Article.Status.IN_REVIEW
    done = client.post(url, {"name": "王书记"})
    assert "已批准" in done.content.decode() or "approved" in done.content.decode()
    assert Article.objects.get().status == Article.Status.APPROVED
    assert any("王书记" in e.text for e in services.timeline(article))
    again = client.post(url, {"name": "王书记"})
    assert again.status_code == 410 and "已失效" in again.content.decode()


def test_a_replaced_or_forged_approval_link_is_refused(org, article, editor, client):
    services.move(article, "submit", by=editor)
    old = services.approval_token(article)
    services.approval_token(article)
    assert client.post(reverse("news:approve", args=[old]), {"name": "甲"}).status_code == 410
    forged = signing.dumps({"a": article.pk, "n": ""}, salt="other")
    assert client.get(reverse("news:approve", args=[forged])).status_code == 410
    assert Article.objects.get().status == Article.Status.IN_REVIEW
