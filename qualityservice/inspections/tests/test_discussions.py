"""大讨论 records: "优质服务我应该做什么" entries per department with attachments."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qualityservice.inspections.models import DiscussionAttachment, DiscussionRecord

from .helpers import jpeg_upload

pytestmark = pytest.mark.django_db


def _data(org, **extra):
    return {"department": org.wuye.pk, "topic": "优质服务我应该做什么", "held_on": "2026-03-12",
            "participants": "物业中心全体班组长、员工代表共32人", "summary": "大家结合岗位谈了如何改进服务态度。",
            "submission_key": str(uuid.uuid4()), **extra}


def test_it_records_a_discussion_once_with_attachments(client, org):
    client.force_login(org.head_wuye)
    data = _data(org, attachments=[jpeg_upload("meeting.jpg")])
    response = client.post(reverse("inspections:discussion_new"), data)
    assert response.status_code == 302
    data["attachments"] = [jpeg_upload("meeting.jpg")]
    client.post(reverse("inspections:discussion_new"), data)
    record = DiscussionRecord.objects.get()
    assert record.created_by == org.head_wuye and record.attachments.count() == 1
    body = client.get(record.get_absolute_url()).content.decode()
    assert "员工代表共32人" in body
    attachment = DiscussionAttachment.objects.get()
    assert client.get(reverse("inspections:attachment", args=[attachment.pk])).status_code == 200


def test_it_stores_the_forms_key_scoped_to_discussions(client, org):
    client.force_login(org.head_wuye)
    key = client.get(reverse("inspections:discussion_new")).context["form"]["submission_key"].value()
    client.post(reverse("inspections:discussion_new"), _data(org, submission_key=key))
    assert DiscussionRecord.objects.get().submission_key == f"discussion:{key}"
    response = client.post(reverse("inspections:discussion_new"), _data(org, submission_key="<script>"))
    assert response.status_code == 400 and "表单已过期" in response.content.decode()
    assert DiscussionRecord.objects.count() == 1


def test_it_refuses_a_bad_attachment_or_a_future_date_and_saves_nothing(client, org):
    client.force_login(org.head_wuye)
    bad = SimpleUploadedFile("x.png", b"nope", content_type="image/png")
    response = client.post(reverse("inspections:discussion_new"), _data(org, attachments=[bad]))
    assert response.status_code == 400 and "不是图片" in response.content.decode()
    response = client.post(reverse("inspections:discussion_new"), _data(org, held_on="2999-01-01"))
    assert response.status_code == 400 and "不能晚于今天" in response.content.decode()
    assert not DiscussionRecord.objects.exists()


def test_it_lists_discussions_per_department_and_hides_other_departments(client, org, django_assert_max_num_queries):
    DiscussionRecord.objects.create(department=org.wuye, held_on="2026-03-01", participants="甲", summary="物业讨论")
    other = DiscussionRecord.objects.create(department=org.yinshi, held_on="2026-03-02", participants="乙", summary="饮食讨论")
    client.force_login(org.head_wuye)
    with django_assert_max_num_queries(10):
        body = client.get(reverse("inspections:discussion_list")).content.decode()
    assert "物业讨论" in body and "饮食讨论" not in body
    assert client.get(other.get_absolute_url()).status_code == 404
    response = client.post(reverse("inspections:discussion_new"), _data(org, department=org.yinshi.pk))
    assert response.status_code == 400 and DiscussionRecord.objects.count() == 2
    client.force_login(org.supervisor)
    body = client.get(reverse("inspections:discussion_list"), {"department": org.yinshi.pk}).content.decode()
    assert "饮食讨论" in body and "物业讨论" not in body
    assert client.get(reverse("inspections:discussion_list")).status_code == 200
    client.logout()
    assert client.get(reverse("inspections:discussion_list")).status_code == 302
