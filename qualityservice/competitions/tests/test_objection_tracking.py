"""An objection from the public results page, through the platform's objection primitive (core.objections): the
visitor is told the tracking code of the feedback record it became, and the contestant it is about never sees who
raised it nor that code (the record is marked as about their staff record, still routed to the organiser)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from qualityservice.competitions.models import Contestant, Objection
from qualityservice.feedback.models import Feedback

from .test_public_objections import notice  # noqa: F401 (the fixture: a round in public notice)

pytestmark = pytest.mark.django_db


def _post(client, setup, **data):
    url = reverse("competitions:public_objection", args=[setup.competition.code, setup.round.number])
    return client.post(url, {"text": "2号选手超时未扣分", "name": "李老师", "phone": "13912345678",
                             "submission_key": "objection-tracking-0001", **data}, follow=True)


def test_it_tells_the_visitor_the_tracking_code_of_their_objection(client, notice):  # noqa: F811
    body = _post(client, notice).content.decode()
    feedback = Feedback.objects.get()
    assert "异议已登记" in body and f"查询码 {feedback.code}" in body
    assert Objection.objects.get().feedback_code == feedback.code


def test_the_contestant_it_is_about_never_sees_who_objected_nor_the_code(client, notice):  # noqa: F811
    contestant = notice.contestants[1]
    staff = contestant.staff
    staff.user = get_user_model().objects.create_user(username="contestant-2")
    staff.save()
    _post(client, notice, contestant=contestant.pk)
    feedback = Feedback.objects.get()
    assert (feedback.about_staff, feedback.staff, feedback.department_id) == (staff, None, notice.competition.department_id)
    assert feedback.identity_hidden_from(staff.user) and feedback.code_for(staff.user) == f"#{feedback.pk}"
    assert feedback.submitter_for(staff.user)["name"] != "李老师" and feedback.submitter_for(notice.by)["name"] == "李老师"


def test_an_organiser_who_is_the_contestant_concerned_reads_the_objection_without_who_raised_it(client, notice):  # noqa: F811
    contestant = notice.contestants[1]
    Contestant.objects.filter(pk=contestant.pk).update(staff=notice.by.staff)
    _post(client, notice, contestant=contestant.pk)
    _post(client, notice, submission_key="objection-tracking-0002")  # about the round as a whole
    codes = list(Feedback.objects.order_by("pk").values_list("code", flat=True))
    client.force_login(notice.by)
    page = client.get(notice.round.get_absolute_url()).content.decode()
    assert page.count("2号选手超时未扣分") == 2 and page.count("不予显示（该异议与您有关）") == 1
    assert page.count("李老师") == 1 and page.count("13912345678") == 1  # only on the objection about the round
    assert codes[0] not in page and codes[1] in page
