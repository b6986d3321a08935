"""Objections to published results from the public results page, not only from signed-in staff: a member (campus
sign-in) without typing their name, anyone else with a name and phone; rate-limited per address and browser; one
objection per form (a double click or a resent POST records one); each becomes a feedback record routed to the
organising department (feedback.services.create_feedback), and the organiser answers it on the round page."""

import datetime as dt
import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from qualityservice.competitions import services
from qualityservice.competitions.models import Objection, Round
from qualityservice.competitions.workflows import OBJECTION, ROUND
from qualityservice.core import pagecache
from qualityservice.feedback.models import Feedback
from qualityservice.members.tests.factories import make_member

from .factories import build, confirm_all, score, sheets_of, values

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(org):
    """A group-wide competition whose first round is in public notice."""
    setup = build(org, contestants=2, panel=2, reserves=0)
    for sheet in sheets_of(setup.round):
        score(sheet, values(8, 8, 8))
    ROUND.apply(setup.round, "close", by=setup.by)
    confirm_all(setup)
    ROUND.apply(Round.objects.get(pk=setup.round.pk), "verify", by=setup.chief)
    setup.round = ROUND.apply(Round.objects.get(pk=setup.round.pk), "publish", by=setup.by)
    pagecache.clear()
    return setup


def _url(setup):
    return reverse("competitions:public_objection", args=[setup.competition.code, setup.round.number])


def _post(client, setup, **data):
    return client.post(_url(setup), {"text": "2号选手超时未扣分", "submission_key": "objection-public-0001", **data})


def test_a_visitor_objects_with_name_and_phone_once_per_form_and_it_becomes_a_feedback_record_for_the_organiser(client, notice):
    page = client.get(notice.competition.get_public_url()).content.decode()
    assert 'data-testid="objection-form"' in page and 'name="name"' in page and 'name="phone"' in page
    first = _post(client, notice, name="李老师", phone="13912345678", contestant=notice.contestants[1].pk)
    again = _post(client, notice, name="李老师", phone="13912345678", contestant=notice.contestants[1].pk)  # a double click
    assert first.status_code == again.status_code == 302 and first.url == notice.competition.get_public_url()
    objection = Objection.objects.get()
    assert (objection.source, objection.name, objection.phone, objection.raised_by, objection.contestant) == (
        Objection.Source.PUBLIC, "李老师", "13912345678", None, notice.contestants[1])
    feedback = Feedback.objects.get()
    assert objection.feedback_id == feedback.pk and objection.feedback_code == feedback.code
    assert (feedback.kind, feedback.channel, feedback.department_id, feedback.anonymous) == (
        services.OBJECTION_FEEDBACK_KIND, "web", notice.competition.department_id, False)
    assert (feedback.submitter_name, feedback.submitter_contact) == ("李老师", "13912345678")
    assert feedback.source_ref == f"competitions.objection:{objection.pk}"
    assert "2号选手超时未扣分" in feedback.body and notice.competition.title in feedback.title
    # The page says it was recorded; the organiser sees who raised it, and the phone, on the round page.
    assert "异议已登记" in client.get(notice.competition.get_public_url()).content.decode()
    client.force_login(notice.by)
    body = client.get(notice.round.get_absolute_url()).content.decode()
    assert "李老师" in body and "13912345678" in body and feedback.code in body


@pytest.mark.parametrize("data, message", [
    ({"name": "", "phone": "13912345678"}, "这个字段是必填项"),
    ({"name": "李老师", "phone": ""}, "这个字段是必填项"),
    ({"name": "李老师", "phone": "call me"}, "请输入由数字组成的电话号码"),
    ({"name": "李老师", "phone": "13912345678", "text": " "}, "这个字段是必填项"),
], ids=["no name", "no phone", "not a phone number", "no text"])
def test_a_visitor_without_a_name_or_phone_gets_a_message_keeps_what_they_typed_and_nothing_is_saved(client, notice, data, message):
    response = _post(client, notice, **data)
    body = response.content.decode()
    assert response.status_code == 400 and message in body
    assert "objection-public-0001" in body  # the same key: sent again, it records once
    assert not Objection.objects.exists() and not Feedback.objects.exists()


def test_a_signed_in_member_objects_without_typing_a_name_and_is_known_by_their_account(client, notice):
    member = make_member(name="张晓明", phone="13800000001")
    client.force_login(member.user)
    page = client.get(notice.competition.get_public_url()).content.decode()
    assert 'data-testid="objection-form"' in page and 'name="phone"' not in page
    assert _post(client, notice, name="冒名", phone="110").status_code == 302
    objection = Objection.objects.get()
    assert (objection.source, objection.name, objection.phone, objection.raised_by) == (
        Objection.Source.MEMBER, "张晓明", "13800000001", member.user)
    feedback = Feedback.objects.get()
    assert (feedback.submitter_user, feedback.submitter_name) == (member.user, "张晓明")


def test_a_staff_members_objection_from_either_form_becomes_a_feedback_record_too(client, org, notice):
    client.force_login(org.staff_yinshi)
    client.post(reverse("competitions:objection_new", args=[notice.round.pk]), {"text": "评分有误", "submission_key": "objection-staff-1"})
    _post(client, notice, submission_key="objection-staff-2")
    objections = list(Objection.objects.order_by("pk"))
    assert [(o.source, o.name, o.raised_by) for o in objections] == [
        (Objection.Source.STAFF, org.staff_yinshi.staff.name, org.staff_yinshi)] * 2
    assert sorted(Feedback.objects.values_list("pk", flat=True)) == sorted(o.feedback_id for o in objections)
    assert set(Feedback.objects.values_list("submitter_user", flat=True)) == {org.staff_yinshi.pk}


@override_settings(QS_COMPETITIONS_OBJECTION_RATE_PER_VISITOR="2/h")
def test_a_browser_sending_many_objections_is_held_back_with_its_text_kept(client, notice):
    client.get(notice.competition.get_public_url())  # the browser gets its id
    for n in range(2):
        assert _post(client, notice, name="李老师", phone="13912345678", submission_key=f"objection-rate-{n}").status_code == 302
    held = _post(client, notice, name="李老师", phone="13912345678", submission_key="objection-rate-9", text="第三条异议")
    assert held.status_code == 429 and "第三条异议" in held.content.decode() and "请稍候" in held.content.decode()
    assert Objection.objects.count() == 2 and Feedback.objects.count() == 2


def test_objections_are_refused_once_the_notice_is_over_and_the_page_offers_no_form(client, notice):
    Round.objects.filter(pk=notice.round.pk).update(notice_until=timezone.now() - dt.timedelta(minutes=1))
    response = _post(client, notice, name="李老师", phone="13912345678")
    assert response.status_code == 400 and "只在公示期内受理异议" in response.content.decode()
    ROUND.apply(Round.objects.get(pk=notice.round.pk), "finalise", by=notice.by)
    pagecache.clear()
    assert 'data-testid="objection-form"' not in client.get(notice.competition.get_public_url()).content.decode()
    assert _post(client, notice, name="李老师", phone="13912345678").status_code == 400
    assert not Objection.objects.exists() and not Feedback.objects.exists()


def test_the_objection_url_of_an_unpublished_round_or_an_unknown_code_is_a_404_and_a_get_goes_back(client, notice):
    draft, _created = services.create_round(notice.competition, key=None, by=notice.by, name="决赛", name_en="Final",
                                            scoring_opens_at=timezone.now(), scoring_closes_at=timezone.now() + dt.timedelta(hours=1),
                                            advance="", advance_count=None, advance_cutoff=None)
    assert client.post(reverse("competitions:public_objection", args=[notice.competition.code, draft.number]),
                       {"text": "x", "name": "a", "phone": "13912345678"}).status_code == 404
    assert client.post(reverse("competitions:public_objection", args=["nosuchcode", 1]), {"text": "x"}).status_code == 404
    assert client.get(_url(notice)).url == notice.competition.get_public_url()


def test_every_anonymous_visitor_gets_the_cached_page_with_a_fresh_key_and_token(client, notice):
    keys = set()
    for _n in range(2):
        body = client.get(notice.competition.get_public_url()).content.decode()
        assert pagecache.KEY_PLACEHOLDER not in body and pagecache.CSRF_PLACEHOLDER not in body
        keys.add(re.search(r'name="submission_key" value="([^"]+)"', body).group(1))
    assert len(keys) == 2


def test_the_organiser_answers_an_objection_from_the_public(client, notice):
    _post(client, notice, name="李老师", phone="13912345678")
    objection = OBJECTION.apply(Objection.objects.get(), "answer", by=notice.by, answer="已复核，成绩无误。")
    assert objection.status == Objection.Status.ANSWERED
