"""Images inside the body: an editor uploads an image while writing (the article form's script posts it to
``news:image_upload``), it is cleaned by ``core.images`` (re-encoded, no EXIF) and stored under a random name in the
public folder ``news/images/``; its ``<img>`` goes into the body, survives the rich-text cleaning and shows on the
public article page. A file that is no image is refused with a message and nothing is stored."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from qualityservice.news import services
from qualityservice.news.models import Article, Editor

from .helpers import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(org):
    Editor.objects.create(user=org.staff_wuye, department=org.wuye)
    return org.staff_wuye


def _upload(client, data: bytes, name="photo.jpg", **extra):
    return client.post(reverse("news:image_upload"),
                       {"image": SimpleUploadedFile(name, data, content_type="image/jpeg"), **extra})


def _stored_files() -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / services.BODY_IMAGE_DIR
    return sorted(folder.iterdir()) if folder.exists() else []


def test_it_stores_an_uploaded_image_cleaned_under_a_random_public_name_and_returns_its_img(client, editor):
    client.force_login(editor)
    response = _upload(client, png_bytes(exif=True), name="会议现场.jpg", alt="服务月启动仪式")
    assert response.status_code == 201
    data = response.json()
    assert data["url"].startswith("/media/news/images/") and "会议现场" not in data["url"]
    assert data["html"] == f'<p><img src="{data["url"]}" alt="服务月启动仪式"></p>'
    [stored] = _stored_files()
    with Image.open(stored) as image:
        assert image.size == (40, 30) and not image.getexif()  # re-encoded: the camera's EXIF is gone
    assert b"SecretCam" not in stored.read_bytes()


def test_it_refuses_a_file_that_is_no_image_with_a_message_and_stores_nothing(client, editor):
    client.force_login(editor)
    response = _upload(client, b"<svg onload=alert(1)></svg>", name="x.svg")
    assert response.status_code == 400 and "不是图片" in response.json()["error"]
    missing = client.post(reverse("news:image_upload"), {})
    assert missing.status_code == 400 and missing.json()["error"]
    assert _stored_files() == []


def test_the_form_offers_the_upload_to_the_body_and_the_image_shows_on_the_public_page(client, org, editor):
    client.force_login(editor)
    page = client.get(reverse("news:new")).content.decode()
    assert f'data-image-upload-url="{reverse("news:image_upload")}"' in page and "news/js/article_form.js" in page
    html = _upload(client, png_bytes(), alt="新换的路灯").json()["html"]
    response = client.post(reverse("news:new"), {
        "department": org.wuye.pk, "title": "路灯更换完成", "summary": "", "submission_key": "image-article-1",
        "body": f"<p>本周更换路灯。</p>{html}<img src=x onerror=alert(1)>", "tags": "", "links": "", "title_en": ""})
    article = Article.objects.get(title="路灯更换完成")
    assert response.status_code == 302
    assert html in article.body and "onerror" not in article.body  # the image survives the cleaning, the handler not
    for action in ("submit", "approve", "publish"):
        services.move(article, action, by=org.supervisor)
    client.logout()
    public = client.get(article.get_public_url()).content.decode()
    assert html in public
    url = html.split('src="')[1].split('"')[0]
    assert (Path(settings.MEDIA_ROOT) / url.removeprefix("/media/")).is_file()


def test_it_refuses_the_upload_to_plain_staff_without_an_appointment_and_to_anonymous_visitors(client, org):
    assert _upload(client, png_bytes()).status_code == 302  # to sign in
    client.force_login(org.staff_yinshi)
    assert _upload(client, png_bytes()).status_code == 404
    assert client.get(reverse("news:image_upload")).status_code == 405
    assert _stored_files() == []


def test_a_large_image_is_made_smaller(client, editor):
    client.force_login(editor)
    big = io.BytesIO()
    Image.new("RGB", (4000, 1000), "navy").save(big, "JPEG")
    assert _upload(client, big.getvalue()).status_code == 201
    with Image.open(_stored_files()[0]) as image:
        assert max(image.size) <= 2560


def _aged(name: str, days: float) -> Path:
    import os
    import time
    path = Path(settings.MEDIA_ROOT) / services.BODY_IMAGE_DIR / name
    old = time.time() - days * 86400
    os.utime(path, (old, old))
    return path


def test_the_daily_clean_up_deletes_only_old_body_images_no_article_or_revision_shows(org):
    from django.core.files.base import ContentFile

    def stored(name):
        return services.store_body_image(ContentFile(png_bytes(), name=name)).rsplit("/", 1)[1]

    shown, in_revision, removed, fresh = stored("a.png"), stored("b.png"), stored("c.png"), stored("d.png")
    body = f'<p><img src="/media/news/images/{shown}" alt="现场"></p>'
    article, _created = services.create_article(key=None, by=org.supervisor, department=org.wuye, title="服务月启动",
                                                summary="", body=f'{body}<p><img src="/media/news/images/{in_revision}"></p>')
    services.update_article(article, by=org.supervisor, title="服务月启动", summary="", body=body)  # a new revision without it
    for name in (shown, in_revision, removed):
        _aged(name, 3)
    assert services.forget_unused_body_images() == 1
    assert sorted(p.name for p in _stored_files()) == sorted([shown, in_revision, fresh])  # the fresh one: still being written?
    assert services.forget_unused_body_images() == 0  # idempotent
    _aged(fresh, 3)
    assert services.forget_unused_body_images() == 1 and fresh not in [p.name for p in _stored_files()]


def test_the_clean_up_is_a_daily_job_and_does_nothing_without_images():
    from celery import current_app

    from qualityservice.core import registry
    from qualityservice.news import tasks

    entry = registry.beat_schedule()["news-forget-unused-images"]
    assert entry == {"task": "news.forget_unused_body_images", "schedule": 86400.0}
    assert entry["task"] in current_app.tasks
    assert tasks.forget_unused_body_images() == 0
