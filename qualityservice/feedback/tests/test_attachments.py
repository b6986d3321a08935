"""Photos of feedback items are served through a view that applies the item's department scope."""

import pytest
from django.urls import reverse

from qualityservice.feedback.images import sanitize_image

from .factories import jpeg_bytes, make_feedback


@pytest.fixture
def photo_item(org):
    return make_feedback(org, images=[sanitize_image(jpeg_bytes(), "p.jpg")])


@pytest.mark.django_db
def test_it_serves_a_photo_to_the_department_and_the_supervisor(client, org, photo_item):
    att = photo_item.attachments.get()
    url = reverse("feedback:attachment", args=[att.pk])
    for user in (org.head_wuye, org.supervisor):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"  # a JPEG
    client.force_login(org.head_wuye)
    assert url in client.get(reverse("feedback:detail", args=[photo_item.pk])).content.decode()


@pytest.mark.django_db
def test_it_hides_a_photo_from_other_departments_and_anonymous_visitors(client, org, photo_item):
    url = reverse("feedback:attachment", args=[photo_item.attachments.get().pk])
    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(org.head_yinshi)
    assert client.get(url).status_code == 404
    client.force_login(org.staff_yinshi)
    assert client.get(url).status_code == 404
