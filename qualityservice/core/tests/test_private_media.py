"""Uploads are private except the staff photos, the nominees' photos of the public vote and the images of news articles (covers, images in the body): with DEBUG on (the default of a development checkout)
/media/ serves the public folders (settings.QS_PUBLIC_MEDIA_DIRS) and nothing else; complaint photos,
inspection photos and evidence are reachable only through the apps' scoped views. The same rule is in
the nginx configuration of the deployment."""

import importlib
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.urls import clear_url_caches, reverse
from django.utils import timezone

from qualityservice.core.images import sanitize_image
from qualityservice.org.models import Staff
from qualityservice.org.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

JPEG = (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9")


def _reload_urls():
    import config.urls

    importlib.reload(config.urls)  # the URL patterns are built from the settings at import
    clear_url_caches()


@pytest.fixture
def debug(settings):
    settings.DEBUG = True
    _reload_urls()
    yield
    settings.DEBUG = False
    _reload_urls()


@pytest.fixture
def uploads(org):
    """One upload of each kind, stored where the apps store them."""
    from qualityservice.feedback.tests.factories import jpeg_bytes, make_feedback
    from qualityservice.inspections import services
    from qualityservice.inspections.models import AnswerPhoto, Evidence, Finding, Kind
    from qualityservice.inspections.tests.helpers import answer_all, items_of, jpeg_upload, make_inspection

    feedback = make_feedback(org, anonymous=True, images=[sanitize_image(jpeg_bytes(), "complaint.jpg")])
    inspection = make_inspection(org.wuye, kind=Kind.SPOT, inspector=org.supervisor)
    failed = next(i for i in items_of(inspection.template) if i.photo_on_fail)
    answer_all(inspection, org.supervisor, fail={failed.pk})
    services.submit_inspection(inspection, org.supervisor)
    finding = Finding.objects.get(inspection=inspection)
    services.answer_finding(finding, actor=org.head_wuye, measure="已更换灯管", owner=org.head_wuye.staff,
                            deadline=timezone.localdate(), files=[jpeg_upload("after.jpg")])
    staff = StaffFactory(department=org.wuye, name="带照片的员工")
    staff.photo.save("portrait.jpg", ContentFile(JPEG), save=True)
    from qualityservice.recognition import services as recognition

    nomination, _created = recognition.create_nomination(key=None, by=org.head_wuye, department=org.wuye, title="带照片的推荐",
                                                         photo=sanitize_image(jpeg_bytes(), "nominee.jpg"))
    return {
        "complaint photo": feedback.attachments.get().file,
        "inspection photo": AnswerPhoto.objects.get().image,
        "evidence": Evidence.objects.get(finding=finding).file,
        "evidence_pk": Evidence.objects.get(finding=finding).pk,
        "staff photo": staff.photo,
        "nominee photo": nomination.photo,
    }


@pytest.mark.parametrize("kind", ["complaint photo", "inspection photo", "evidence"])
def test_it_serves_no_private_upload_by_its_media_url_even_with_debug_on(client, org, uploads, debug, kind):
    upload = uploads[kind]
    assert Path(upload.path).is_file()  # the file is there: the URL is refused, not missing
    assert client.get(upload.url).status_code == 404  # anonymous
    client.force_login(org.supervisor)
    assert client.get(upload.url).status_code == 404  # signed in too: the scoped views serve it


def test_it_serves_the_staff_photos_by_url_with_debug_on(client, uploads, debug):
    url = uploads["staff photo"].url
    assert url.startswith("/media/staff/")
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == JPEG


def test_it_serves_the_nominees_photos_of_the_public_vote_by_url_with_debug_on(client, uploads, debug):
    photo = uploads["nominee photo"]
    assert photo.url.startswith("/media/recognition/") and "nominee" not in photo.name  # a random name
    response = client.get(photo.url)
    assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_it_serves_no_media_at_all_with_debug_off(client, uploads):
    assert client.get(uploads["staff photo"].url).status_code == 404  # nginx serves them in production
    assert client.get(uploads["complaint photo"].url).status_code == 404


def test_it_does_not_let_a_public_prefix_reach_a_private_folder(client, uploads, debug):
    private = uploads["complaint photo"].name  # feedback/2026/…/<random>.jpg
    for path in (f"/media/staff/../{private}", f"/media/staff/%2e%2e/{private}", f"/media/staff//../{private}",
                 f"/media/staff/..%2f{private}", "/media/staff/", "/media/staff"):
        assert client.get(path).status_code == 404, path


def test_it_still_serves_private_uploads_to_those_allowed_through_the_scoped_views(client, org, uploads):
    url = reverse("inspections:evidence", args=[uploads["evidence_pk"]])
    assert client.get(url).status_code == 302  # anonymous: to the sign-in page
    client.force_login(org.head_wuye)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_it_serves_the_cover_images_of_news_articles_by_url_with_debug_on(client, org, debug):
    from qualityservice.news import services

    article, _created = services.create_article(key=None, by=org.supervisor, department=org.wuye, title="有封面的稿件",
                                                cover=ContentFile(_png(), name="cover.png"))
    url = article.cover.url
    assert url.startswith("/media/news/covers/")
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"\xff\xd8"  # re-encoded (core.images)
    assert client.get(url.replace("/news/covers/", "/news/covers/../../staff/../news/")).status_code == 404


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG")
    return out.getvalue()


def test_it_serves_the_images_inside_news_bodies_by_url_with_debug_on(client, debug):
    from qualityservice.news import services

    url = services.store_body_image(ContentFile(_png(), name="in-body.png"))
    assert url.startswith("/media/news/images/")
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_it_makes_the_staff_nominee_and_news_photos_the_only_public_folders_and_nginx_serves_only_those():
    from qualityservice.news import services
    from qualityservice.news.models import Article
    from qualityservice.recognition.models import PHOTO_DIR

    upload_tos = [Staff._meta.get_field("photo").upload_to, PHOTO_DIR, Article._meta.get_field("cover").upload_to,
                  services.BODY_IMAGE_DIR]
    assert django_settings.QS_PUBLIC_MEDIA_DIRS == upload_tos
    conf = (Path(django_settings.BASE_DIR) / "deploy" / "nginx-qualityservice.conf").read_text()
    media_locations = re.findall(r"location\s+(/media/\S*)\s*\{([^}]*)\}", conf)
    assert {path for path, _body in media_locations} == {"/media/", *(f"/media/{d}" for d in django_settings.QS_PUBLIC_MEDIA_DIRS)}
    assert "return 404" in dict(media_locations)["/media/"]
