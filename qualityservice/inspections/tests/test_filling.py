"""Creating, filling (autosave per item), submitting and correcting inspections."""

import json
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from qualityservice.inspections import services
from qualityservice.inspections.models import AnswerPhoto, Finding, Inspection, InspectionAnswer, Kind, Result

from .helpers import answer_all, items_of, jpeg_upload, make_inspection, six_checks

pytestmark = pytest.mark.django_db


def _save_url(inspection, item):
    return reverse("inspections:answer_save", args=[inspection.pk, item.pk])


def _post_answer(client, inspection, item, **data):
    return client.post(_save_url(inspection, item), data, HTTP_X_REQUESTED_WITH="fetch")


def test_it_installs_the_seeded_templates_in_a_fresh_database(org):
    from qualityservice.inspections.models import ChecklistTemplate

    codes = set(ChecklistTemplate.objects.values_list("code", flat=True))
    assert {"six-checks", "kitchen-hygiene", "dormitory"} <= codes
    titles = [s.title for s in six_checks().sections.all()]
    assert len(titles) == 6 and titles[0].startswith("一查服务技能") and "服务忌语" in titles[5]


def test_it_sends_anonymous_users_to_sign_in_and_hides_inspections_from_other_departments(client, org):
    inspection = make_inspection(org.wuye)
    urls = [reverse("inspections:detail", args=[inspection.pk]), reverse("inspections:fill", args=[inspection.pk])]
    for url in urls:
        assert client.get(url).status_code == 302
    client.force_login(org.head_yinshi)
    for url in urls:
        assert client.get(url).status_code == 404
    assert client.post(_save_url(inspection, items_of(inspection.template)[0]), {"result": "pass"}).status_code == 404
    client.force_login(org.staff_wuye)  # plain staff have no inspection pages
    assert client.get(urls[0]).status_code == 404
    client.force_login(org.head_wuye)
    response = client.get(urls[0])
    assert response.status_code == 200 and "六查六看自查" in response.content.decode()


def test_it_lists_only_the_users_departments_inspections(client, org):
    make_inspection(org.wuye, title="物业自查")
    make_inspection(org.yinshi, title="饮食自查")
    client.force_login(org.head_wuye)
    body = client.get(reverse("inspections:list")).content.decode()
    assert "物业自查" in body and "饮食自查" not in body
    client.force_login(org.supervisor)
    body = client.get(reverse("inspections:list")).content.decode()
    assert "物业自查" in body and "饮食自查" in body


def test_it_creates_one_inspection_from_a_double_submitted_form(client, org):
    client.force_login(org.supervisor)
    key = str(uuid.uuid4())
    data = {"kind": Kind.SPOT, "template": six_checks().pk, "department": org.wuye.pk, "title": "抽查", "due_date": timezone.localdate().isoformat(),
            "submission_key": key}
    first = client.post(reverse("inspections:new"), data)
    second = client.post(reverse("inspections:new"), data)
    assert Inspection.objects.filter(title="抽查").count() == 1
    assert first["Location"] == second["Location"]


def test_it_gives_the_form_a_fresh_key_and_refuses_a_malformed_one_with_a_message(client, org):
    client.force_login(org.supervisor)
    first = client.get(reverse("inspections:new")).context["form"]["submission_key"].value()
    second = client.get(reverse("inspections:new")).context["form"]["submission_key"].value()
    assert len(first) == 32 and first != second
    data = {"kind": Kind.SPOT, "template": six_checks().pk, "department": org.wuye.pk, "title": "抽查",
            "due_date": timezone.localdate().isoformat(), "submission_key": "x' OR 1=1 --"}
    response = client.post(reverse("inspections:new"), data)
    assert "表单已过期" in response.content.decode() and not Inspection.objects.exists()
    client.post(reverse("inspections:new"), {**data, "submission_key": first})
    assert Inspection.objects.get().submission_key == f"inspection:{first}"


def test_it_refuses_an_inspection_due_in_the_past(client, org):
    client.force_login(org.supervisor)
    data = {"kind": Kind.SPOT, "template": six_checks().pk, "department": org.wuye.pk, "title": "补录", "due_date": "2020-01-01"}
    response = client.post(reverse("inspections:new"), data)
    assert "不能早于今天" in response.content.decode() and not Inspection.objects.exists()


def test_it_lets_a_head_create_only_self_checks_of_their_department(client, org):
    client.force_login(org.head_wuye)
    data = {"kind": Kind.SPOT, "template": six_checks().pk, "department": org.wuye.pk, "title": "x", "due_date": timezone.localdate().isoformat()}
    response = client.post(reverse("inspections:new"), data)
    assert response.status_code == 200 and not Inspection.objects.exists()
    response = client.post(reverse("inspections:new"), {**data, "kind": Kind.SELF, "department": org.yinshi.pk})
    assert not Inspection.objects.exists()
    client.post(reverse("inspections:new"), {**data, "kind": Kind.SELF})
    assert Inspection.objects.get().kind == Kind.SELF


def test_it_autosaves_one_item_and_reports_it_as_json(client, org):
    inspection = make_inspection(org.wuye)
    item = items_of(inspection.template)[0]
    client.force_login(org.head_wuye)
    response = _post_answer(client, inspection, item, result="pass", note="")
    assert response.status_code == 200 and json.loads(response.content)["ok"] is True
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.DRAFT
    assert InspectionAnswer.objects.get(inspection=inspection, item=item).result == Result.PASS
    # Saving again updates the same answer.
    _post_answer(client, inspection, item, result="fail", note="不熟悉操作规程")
    assert InspectionAnswer.objects.get(inspection=inspection, item=item).note == "不熟悉操作规程"


def test_it_refuses_a_score_outside_the_items_range_and_saves_nothing(client, org):
    template = __import__("qualityservice.inspections.models", fromlist=["ChecklistTemplate"]).ChecklistTemplate.objects.get(code="kitchen-hygiene")
    inspection = make_inspection(org.yinshi, template=template)
    scored = next(i for i in items_of(template) if i.is_scored)
    client.force_login(org.supervisor)
    response = _post_answer(client, inspection, scored, result="score", score="11", photo=jpeg_upload())
    assert response.status_code == 400
    assert "0到10" in json.loads(response.content)["errors"][0]
    assert not InspectionAnswer.objects.exists() and not AnswerPhoto.objects.exists()
    assert _post_answer(client, inspection, scored, result="score", score="abc").status_code == 400
    assert _post_answer(client, inspection, scored, result="pass").status_code == 400
    assert _post_answer(client, inspection, scored, result="score", score="8.5").status_code == 200


def test_it_refuses_a_non_image_or_oversized_photo_and_saves_nothing(client, org, settings):
    inspection = make_inspection(org.wuye)
    item = next(i for i in items_of(inspection.template) if i.photo_on_fail)
    client.force_login(org.head_wuye)
    fake = SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg")
    response = _post_answer(client, inspection, item, result="fail", note="脏", photo=fake)
    assert response.status_code == 400 and "不是图片" in json.loads(response.content)["errors"][0]
    assert not InspectionAnswer.objects.exists()
    settings.QS_INSPECTIONS_MAX_UPLOAD_MB = 0
    response = _post_answer(client, inspection, item, result="fail", note="脏", photo=jpeg_upload())
    assert response.status_code == 400 and "过大" in json.loads(response.content)["errors"][0]
    assert not InspectionAnswer.objects.exists()


def test_it_strips_exif_from_uploaded_photos(client, org):
    inspection = make_inspection(org.wuye)
    item = next(i for i in items_of(inspection.template) if i.photo_on_fail)
    client.force_login(org.head_wuye)
    assert _post_answer(client, inspection, item, result="fail", note="脏", photo=jpeg_upload(exif_gps=True)).status_code == 200
    photo = AnswerPhoto.objects.get()
    with Image.open(photo.image.path) as img:
        assert not img.getexif()
    response = client.get(reverse("inspections:photo", args=[photo.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    client.force_login(org.head_yinshi)
    assert client.get(reverse("inspections:photo", args=[photo.pk])).status_code == 404


def test_it_saves_without_javascript_and_redirects_back_to_the_item(client, org):
    inspection = make_inspection(org.wuye)
    item = items_of(inspection.template)[0]
    client.force_login(org.head_wuye)
    response = client.post(_save_url(inspection, item), {"result": "na"})
    assert response.status_code == 302 and response["Location"].endswith(f"#item-{item.pk}")


def test_it_refuses_to_submit_with_a_missing_required_photo_and_changes_nothing(client, org):
    inspection = make_inspection(org.wuye, inspector=org.head_wuye)
    env = next(i for i in items_of(inspection.template) if i.photo_on_fail)
    answer_all(inspection, org.head_wuye, fail={env.pk}, photo_for_fails=False)
    client.force_login(org.head_wuye)
    response = client.post(reverse("inspections:submit", args=[inspection.pk]), follow=True)
    assert "须上传照片" in response.content.decode()
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.DRAFT and inspection.score is None and not Finding.objects.exists()


def test_it_refuses_to_submit_with_unanswered_items(org):
    inspection = make_inspection(org.wuye)
    with pytest.raises(ValidationError) as exc:
        services.submit_inspection(inspection, org.supervisor)
    assert any("尚未填写" in m for m in exc.value.messages)


def test_it_submits_scores_and_turns_failed_items_into_rectifications(client, org):
    inspection = make_inspection(org.wuye, kind=Kind.SPOT, inspector=org.supervisor)
    env = next(i for i in items_of(inspection.template) if i.photo_on_fail)
    answer_all(inspection, org.supervisor, fail={env.pk})
    client.force_login(org.supervisor)
    response = client.post(reverse("inspections:submit", args=[inspection.pk]), {"location": "公寓3号楼", "summary": "总体良好"})
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.SUBMITTED and inspection.score == Decimal("95.83") and inspection.passed
    finding = Finding.objects.get()
    assert finding.status == Finding.Status.OPEN and finding.deadline is not None and finding.department == org.wuye
    assert finding.events.count() == 1
    assert inspection.section_scores.count() == 6
    assert inspection.history.filter(status=Inspection.Status.SUBMITTED, history_user=org.supervisor).exists()
    # A second submission changes nothing.
    client.post(reverse("inspections:submit", args=[inspection.pk]))
    assert Finding.objects.count() == 1


def test_it_keeps_a_submitted_inspection_immutable(client, org):
    inspection = make_inspection(org.wuye, inspector=org.head_wuye)
    answer_all(inspection, org.head_wuye)
    services.submit_inspection(inspection, org.head_wuye)
    item = items_of(inspection.template)[0]
    client.force_login(org.supervisor)
    assert _post_answer(client, inspection, item, result="fail", note="x").status_code == 404
    with pytest.raises(ValidationError):
        services.save_answer(Inspection.objects.get(pk=inspection.pk), item, result="fail", score=None, note="x")
    assert InspectionAnswer.objects.get(inspection=inspection, item=item).result == Result.PASS


def test_it_lets_only_the_supervisor_correct_a_submitted_inspection_and_records_it(client, org):
    inspection = make_inspection(org.wuye, inspector=org.head_wuye)
    answer_all(inspection, org.head_wuye)
    services.submit_inspection(inspection, org.head_wuye)
    item = items_of(inspection.template)[0]
    data = {"item": item.pk, "result": "fail", "score": "", "reason": "复核发现操作规程不熟"}
    client.force_login(org.head_wuye)
    assert client.post(reverse("inspections:correct", args=[inspection.pk]), data).status_code == 404
    client.force_login(org.supervisor)
    client.post(reverse("inspections:correct", args=[inspection.pk]), {**data, "reason": ""})
    assert not inspection.corrections.exists()
    client.post(reverse("inspections:correct", args=[inspection.pk]), data)
    correction = inspection.corrections.get()
    assert correction.old_result == "pass" and correction.new_result == "fail" and correction.old_total == Decimal("100.00")
    inspection.refresh_from_db()
    assert inspection.score < Decimal("100")
    finding = Finding.objects.get(inspection=inspection)
    assert finding.status == Finding.Status.OPEN and finding.answer.item == item
    body = client.get(inspection.get_absolute_url()).content.decode()
    assert "复核发现操作规程不熟" in body


def test_it_hides_an_unannounced_visit_from_the_department_until_submitted(client, org):
    visit = make_inspection(org.wuye, kind=Kind.UNANNOUNCED, title="暗访物业", inspector=org.supervisor)
    client.force_login(org.head_wuye)
    assert client.get(visit.get_absolute_url()).status_code == 404
    assert "暗访物业" not in client.get(reverse("inspections:list")).content.decode()
    assert not Inspection.objects.visible_to(org.head_wuye).filter(pk=visit.pk).exists()
    answer_all(visit, org.supervisor)
    services.submit_inspection(visit, org.supervisor)
    assert client.get(visit.get_absolute_url()).status_code == 200
    assert "暗访物业" in client.get(reverse("inspections:list")).content.decode()


def test_it_turns_opinions_of_a_supervision_visit_into_findings(client, org):
    visit = Inspection.objects.create(kind=Kind.VISIT, department=org.yinshi, title="走访教务处", visited_office="教务处",
                                      due_date=timezone.localdate())
    client.force_login(org.supervisor)
    assert "收集的意见" in client.get(reverse("inspections:fill", args=[visit.pk])).content.decode()
    client.post(reverse("inspections:opinion_add", args=[visit.pk]), {"given_by": "教务处王老师", "content": "晚餐窗口开放时间太短",
                                                                       "needs_rectification": "on"})
    client.post(reverse("inspections:submit", args=[visit.pk]))
    visit.refresh_from_db()
    assert visit.status == Inspection.Status.SUBMITTED and visit.score is None
    finding = Finding.objects.get()
    assert finding.source == Finding.Source.OPINION and "晚餐窗口" in finding.problem and finding.department == org.yinshi
    body = client.get(visit.get_absolute_url()).content.decode()
    assert "教务处王老师" in body and "晚餐窗口" in body


def test_it_renders_the_detail_page_with_a_constant_number_of_queries(client, org, django_assert_max_num_queries):
    client.force_login(org.supervisor)

    def page_for(fail_count):
        inspection = make_inspection(org.wuye, inspector=org.supervisor)
        photo_items = [i for i in items_of(inspection.template) if i.photo_on_fail][:fail_count]
        answer_all(inspection, org.supervisor, fail={i.pk for i in photo_items})
        services.submit_inspection(inspection, org.supervisor)
        return inspection

    small, large = page_for(1), page_for(7)
    for inspection in (small, large):
        with django_assert_max_num_queries(16):
            response = client.get(inspection.get_absolute_url())
        assert "不达标" in response.content.decode()


def test_it_shows_the_fill_page_to_the_head_for_a_self_check(client, org):
    inspection = make_inspection(org.wuye)
    client.force_login(org.head_wuye)
    body = client.get(reverse("inspections:fill", args=[inspection.pk])).content.decode()
    assert "一查服务技能" in body and "data-fill" in body and "inspections/js/fill.js" in body
    spot = make_inspection(org.wuye, kind=Kind.SPOT)
    assert client.get(reverse("inspections:fill", args=[spot.pk])).status_code == 404


def test_it_removes_a_photo_only_while_the_inspection_is_open(client, org):
    inspection = make_inspection(org.wuye, inspector=org.head_wuye)
    env = next(i for i in items_of(inspection.template) if i.photo_on_fail)
    answer_all(inspection, org.head_wuye, fail={env.pk})
    first = AnswerPhoto.objects.get()
    services.save_answer(inspection, env, result="fail", score=None, note="脏", photos=[jpeg_upload()], user=org.head_wuye)
    client.force_login(org.head_yinshi)
    assert client.post(reverse("inspections:photo_delete", args=[first.pk])).status_code == 404
    client.force_login(org.head_wuye)
    assert f"inspections/photos/{first.pk}/delete/" in client.get(reverse("inspections:fill", args=[inspection.pk])).content.decode()
    client.post(reverse("inspections:photo_delete", args=[first.pk]))
    assert AnswerPhoto.objects.count() == 1
    services.submit_inspection(inspection, org.head_wuye)
    last = AnswerPhoto.objects.get()
    assert client.post(reverse("inspections:photo_delete", args=[last.pk])).status_code == 404
    assert AnswerPhoto.objects.count() == 1


def test_it_checks_evidence_photos_the_same_way_as_feedback_photos(client, org):
    """One sanitiser (core.images): a decompression bomb (tiny file, 64 million pixels) and a file that is
    not a photo are refused with the shared messages; a transparent PNG is stored as a JPEG."""
    import io

    inspection = make_inspection(org.wuye)
    item = next(i for i in items_of(inspection.template) if i.photo_on_fail)
    client.force_login(org.head_wuye)
    bomb = io.BytesIO()
    Image.new("1", (8000, 8000)).save(bomb, format="PNG")
    response = _post_answer(client, inspection, item, result="fail", note="脏",
                            photo=SimpleUploadedFile("bomb.png", bomb.getvalue(), content_type="image/png"))
    assert response.status_code == 400 and "像素过大" in json.loads(response.content)["errors"][0]
    pdf = SimpleUploadedFile("scan.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    response = _post_answer(client, inspection, item, result="fail", note="脏", photo=pdf)
    assert response.status_code == 400 and "“scan.jpg”不是图片文件" in json.loads(response.content)["errors"][0]
    assert not InspectionAnswer.objects.exists()
    clear = io.BytesIO()
    Image.new("RGBA", (40, 30), (255, 0, 0, 0)).save(clear, format="PNG")
    response = _post_answer(client, inspection, item, result="fail", note="脏",
                            photo=SimpleUploadedFile("sign.png", clear.getvalue(), content_type="image/png"))
    assert response.status_code == 200
    photo = AnswerPhoto.objects.get()
    assert photo.image.name.endswith(".jpg")  # stored under a random name
    with Image.open(photo.image.path) as img:
        assert img.format == "JPEG" and img.size == (40, 30)
