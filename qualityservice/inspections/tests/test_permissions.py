"""Every staff page of the app: anonymous → sign-in, plain staff → 404, head of another department → 404,
head of the department → the page (or 404 for supervisor-only pages), supervisor → the page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from qualityservice.inspections import services
from qualityservice.inspections.models import (
    AnswerPhoto,
    DiscussionAttachment,
    DiscussionRecord,
    Evidence,
    Finding,
    InspectionSchedule,
    Kind,
)

from .helpers import answer_all, items_of, jpeg_upload, make_inspection, six_checks

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org):
    inspection = make_inspection(org.wuye, kind=Kind.SELF, inspector=org.head_wuye, title="物业自查")
    env = next(i for i in items_of(inspection.template) if i.photo_on_fail)
    answer_all(inspection, org.head_wuye, fail={env.pk})
    services.submit_inspection(inspection, org.head_wuye)
    finding = Finding.objects.get()
    services.answer_finding(finding, actor=org.head_wuye, measure="整改", owner=org.head_wuye.staff, deadline=timezone.localdate(),
                            files=[jpeg_upload()])
    open_inspection = make_inspection(org.wuye, title="物业待查")
    schedule = InspectionSchedule.objects.create(title="物业月度自查", template=six_checks(), department=org.wuye,
                                                 start_date=timezone.localdate())
    record = DiscussionRecord.objects.create(department=org.wuye, held_on=timezone.localdate(), participants="全体", summary="讨论")
    attachment = DiscussionAttachment(record=record, name="a.jpg", is_image=True)
    attachment.file.save("a.jpg", jpeg_upload(), save=True)
    section = six_checks().sections.first()
    return {
        "dept": [
            reverse("inspections:detail", args=[inspection.pk]),
            reverse("inspections:fill", args=[open_inspection.pk]),
            reverse("inspections:report", args=[inspection.pk]),
            reverse("inspections:photo", args=[AnswerPhoto.objects.get().pk]),
            reverse("inspections:evidence", args=[Evidence.objects.get().pk]),
            reverse("inspections:attachment", args=[attachment.pk]),
            reverse("inspections:finding_detail", args=[finding.pk]),
            reverse("inspections:schedule_edit", args=[schedule.pk]),
            reverse("inspections:discussion_detail", args=[record.pk]),
            reverse("inspections:department", args=[org.wuye.pk]),
        ],
        "any_manager": [
            reverse("inspections:list"), reverse("inspections:new"), reverse("inspections:ledger"), reverse("inspections:ledger_export"),
            reverse("inspections:ledger_pdf"),
            reverse("inspections:schedule_list"), reverse("inspections:schedule_new"), reverse("inspections:discussion_list"),
            reverse("inspections:discussion_new"),
        ],
        "supervisor_only": [
            reverse("inspections:template_list"), reverse("inspections:template_new"),
            reverse("inspections:template_detail", args=[section.template_id]),
            reverse("inspections:template_edit", args=[section.template_id]),
            reverse("inspections:section_new", args=[section.template_id]),
            reverse("inspections:section_edit", args=[section.template_id, section.pk]),
            reverse("inspections:item_new", args=[section.pk]),
            reverse("inspections:item_edit", args=[section.pk, section.items.first().pk]),
        ],
    }


def test_it_sends_anonymous_users_to_sign_in_everywhere(client, world):
    for url in world["dept"] + world["any_manager"] + world["supervisor_only"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_it_shows_plain_staff_nothing(client, org, world):
    client.force_login(org.staff_wuye)
    for url in world["dept"] + world["any_manager"] + world["supervisor_only"]:
        assert client.get(url).status_code == 404, url


def test_it_gives_the_head_of_another_department_404(client, org, world):
    client.force_login(org.head_yinshi)
    for url in world["dept"] + world["supervisor_only"]:
        assert client.get(url).status_code == 404, url
    for url in world["any_manager"]:
        assert client.get(url).status_code == 200, url
    assert "物业自查" not in client.get(reverse("inspections:list")).content.decode()


def test_it_shows_the_departments_own_head_its_pages(client, org, world):
    client.force_login(org.head_wuye)
    for url in world["dept"] + world["any_manager"]:
        assert client.get(url).status_code == 200, url
    for url in world["supervisor_only"]:
        assert client.get(url).status_code == 404, url


def test_it_shows_the_supervisor_everything(client, org, world):
    client.force_login(org.supervisor)
    for url in world["dept"] + world["any_manager"] + world["supervisor_only"]:
        assert client.get(url).status_code == 200, url


def test_it_rejects_get_on_changes(client, org, world):
    client.force_login(org.supervisor)
    finding = Finding.objects.get()
    for name in ("finding_answer", "finding_verify", "finding_feedback"):
        assert client.get(reverse(f"inspections:{name}", args=[finding.pk])).status_code == 405


def test_it_lists_inspections_with_a_constant_number_of_queries(client, org, django_assert_max_num_queries):
    client.force_login(org.supervisor)
    make_inspection(org.wuye)
    with django_assert_max_num_queries(10):
        client.get(reverse("inspections:list"))
    for n in range(25):
        make_inspection(org.wuye if n % 2 else org.yinshi, inspector=org.supervisor, title=f"检查{n}")
    with django_assert_max_num_queries(10):
        body = client.get(reverse("inspections:list")).content.decode()
    assert "检查24" in body


def test_it_offers_a_head_only_the_places_of_their_department(client, org):
    client.force_login(org.head_wuye)
    body = client.get(reverse("inspections:new")).content.decode()
    assert org.dorm.name in body and org.canteen.name not in body


def test_it_keeps_a_submitted_inspection_read_only_in_the_admin(client, org):
    inspection = make_inspection(org.wuye, inspector=org.supervisor)
    answer_all(inspection, org.supervisor)
    services.submit_inspection(inspection, org.supervisor)
    client.force_login(org.admin)
    url = reverse("admin:inspections_inspection_change", args=[inspection.pk])
    body = client.get(url).content.decode()
    assert 'name="title"' not in body
    client.post(url, {"title": "改过的标题"})
    inspection.refresh_from_db()
    assert inspection.title == "六查六看自查"
