"""The nomination's story (rich text cleaned on save and on render), its photo (re-encoded, public folder) and
the supporting facts read from live data at submission and again on the head's request: praise received,
badge ratings (mean of the six checks, count), complaints substantiated, training hours, competition results."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from qualityservice.feedback.tests.factories import jpeg_bytes
from qualityservice.recognition import services
from qualityservice.recognition.models import PHOTO_DIR, Nomination

from .rounds import complaint_about, nominate, nominating_round, praise_for

pytestmark = pytest.mark.django_db

HOSTILE = '<p onclick="steal()">十年如一日<script>alert(1)</script></p><a href="javascript:alert(2)">看</a><h3 style="x">事迹</h3>'


def _rate(staff, values):
    from qualityservice.feedback.models import Rating

    return Rating.objects.create(staff=staff, **dict(zip(("skill", "attitude", "environment", "process", "appearance", "language"),
                                                         values, strict=True)))


def test_the_story_is_cleaned_on_save_and_on_render_and_the_photo_is_re_encoded_in_the_public_folder(client, org):
    rnd = nominating_round(org)
    client.force_login(org.head_wuye)
    photo = SimpleUploadedFile("张师傅.jpg", jpeg_bytes(gps=True), content_type="image/jpeg")
    client.post(reverse("recognition:new"), {"department": org.wuye.pk, "title": "服务之星推荐", "round": rnd.pk,
                                            "staff": org.staff_wuye.staff.pk, "story": HOSTILE, "photo": photo,
                                            "submission_key": "0123456789abcdef0123456789abcdef"})
    nomination = Nomination.objects.get()
    assert "<script" not in nomination.story and "onclick" not in nomination.story and "javascript:" not in nomination.story
    assert "十年如一日" in nomination.story and "<h3>事迹</h3>" in nomination.story
    assert nomination.photo.name.startswith(PHOTO_DIR) and "张师傅" not in nomination.photo.name
    with nomination.photo.open("rb") as f:
        assert b"GPS" not in f.read()  # re-encoded without EXIF
    Nomination.objects.filter(pk=nomination.pk).update(story=HOSTILE)  # written past the model (an old row, an import)
    body = client.get(nomination.get_absolute_url()).content.decode()
    assert "十年如一日" in body and "alert(1)" not in body and "steal()" not in body


def test_a_file_that_is_no_photo_is_refused_and_nothing_is_created(client, org):
    rnd = nominating_round(org)
    client.force_login(org.head_wuye)
    body = client.post(reverse("recognition:new"), {
        "department": org.wuye.pk, "title": "服务之星推荐", "round": rnd.pk, "staff": org.staff_wuye.staff.pk,
        "photo": SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg"),
        "submission_key": "0123456789abcdef0123456789abcdef"}).content.decode()
    assert "alert-danger" in body or "invalid-feedback" in body
    assert not Nomination.objects.exists()


def test_the_facts_are_read_from_live_data_at_submission(org):
    staff = org.staff_wuye.staff
    praise_for(org, staff)
    praise_for(org, staff, title="拾金不昧")
    _rate(staff, (5, 5, 4, 4, 5, 5))
    _rate(staff, (3, 3, 3, 3, 3, 3))
    complaint_about(org, staff)
    complaint_about(org, staff, title="未答复", resolve=False)  # not answered: not substantiated
    from qualityservice.training import services as training

    training.create_session(key=None, by=org.head_wuye, department=org.wuye, topic="文明用语", date=timezone.localdate(),
                            hours=Decimal("2.5"), trainer="王老师", level="frontline", attendees=[staff])
    rnd = nominating_round(org)
    nomination = nominate(org, rnd, staff=staff)
    facts = nomination.facts
    assert nomination.facts_at is not None
    assert (facts["praise"], facts["rating_count"], facts["rating_mean"], facts["complaints"]) == (2, 2, 3.83, 1)
    assert Decimal(facts["training_hours"]) == Decimal("2.5") and facts["competitions"] == []
    assert facts["period"] == str(rnd.period_start.year)


def test_the_head_reads_the_facts_again_and_the_page_shows_them(client, org):
    staff = org.staff_wuye.staff
    rnd = nominating_round(org)
    nomination = nominate(org, rnd, staff=staff)
    assert nomination.facts["praise"] == 0
    praise_for(org, staff)
    client.force_login(org.head_wuye)
    body = client.post(reverse("recognition:facts", args=[nomination.pk]), follow=True).content.decode()
    assert "已重新读取事实" in body and 'data-testid="fact-praise">1<' in body
    nomination.refresh_from_db()
    assert nomination.facts["praise"] == 1


def test_the_facts_of_a_collective_count_its_staff(org):
    from qualityservice.recognition.models import Round

    praise_for(org, org.staff_wuye.staff)  # a member of 保洁一班
    praise_for(org, org.head_wuye.staff)  # 物业 but not of the team
    rnd = nominating_round(org, kind=Round.Kind.COLLECTIVE)
    team = nominate(org, rnd, collective=org.wuye_team)
    centre = nominate(org, rnd, collective=org.wuye, title="物业中心")
    assert (team.facts["people"], team.facts["praise"]) == (1, 1)
    assert centre.facts["people"] >= 2 and centre.facts["praise"] == 2


def test_facts_outside_the_period_are_not_counted(org):
    staff = org.staff_wuye.staff
    old = praise_for(org, staff)
    from qualityservice.feedback.models import Feedback

    Feedback.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=800))
    nomination = nominate(org, nominating_round(org), staff=staff)
    assert nomination.facts["praise"] == 0


def test_refreshing_is_refused_for_a_nomination_outside_a_round(client, org):
    nomination, _created = services.create_nomination(key=None, by=org.head_wuye, department=org.wuye, title="无评选")
    client.force_login(org.head_wuye)
    body = client.post(reverse("recognition:facts", args=[nomination.pk]), follow=True).content.decode()
    assert "只读取评选中未关闭推荐的事实" in body
