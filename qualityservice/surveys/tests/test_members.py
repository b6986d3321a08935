"""Surveys for signed-in members (members app): the signed-in audience includes members and can be narrowed
to member types and colleges; one response per member stays a database constraint; the member's page
lists what they answered; closing the account keeps the responses without the account."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from qualityservice.members.models import College
from qualityservice.members.services import close_account
from qualityservice.members.tests.factories import make_member
from qualityservice.surveys.models import Participation, Response, Survey

from .factories import make_survey, valid_post


def start_url(ns):
    return reverse("surveys:start", args=[ns.survey.public_code])


def submit_url(ns):
    return reverse("surveys:submit", args=[ns.survey.public_code])


@pytest.fixture
def student(db):
    return make_member("20230001", "张晓明", college="计算机学院")


@pytest.fixture
def teacher(db):
    return make_member("T0321", "李文华", kind="teacher", college="海洋与大气学院", class_name="")


def narrowed(org, kinds="", colleges=(), title=""):
    ns = make_survey(org, audience=Survey.Audience.SIGNED_IN, member_kinds=kinds)
    ns.survey.member_colleges.set(College.objects.filter(name__in=colleges))
    if title:
        Survey.objects.filter(pk=ns.survey.pk).update(title=title)
    return ns


def test_it_sends_anonymous_visitors_to_the_members_sign_in(client, org):
    ns = make_survey(org, audience=Survey.Audience.SIGNED_IN)
    response = client.get(start_url(ns))
    assert response.status_code == 302 and response["Location"].startswith(reverse("members:signin") + "?next=")


def test_it_lets_a_member_answer_a_signed_in_survey_once(client, org, student):
    ns = make_survey(org, audience=Survey.Audience.SIGNED_IN)
    client.force_login(student.user)
    assert client.post(submit_url(ns), valid_post(ns)).status_code == 302
    assert client.post(submit_url(ns), valid_post(ns)).status_code == 409
    assert Participation.objects.filter(survey=ns.survey, person=f"u:{student.user.pk}").count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():  # the guarantee is the database's
        Participation.objects.create(survey=ns.survey, person=f"u:{student.user.pk}")


def test_it_admits_only_the_chosen_member_types_and_colleges(client, org, student, teacher):
    ns = narrowed(org, kinds="teacher", colleges=["海洋与大气学院"])
    client.force_login(student.user)
    refused = client.get(start_url(ns))
    assert refused.status_code == 403 and "您的账号不在其中" in refused.content.decode()
    assert client.post(submit_url(ns), valid_post(ns)).status_code == 403
    client.force_login(org.staff_wuye)  # a staff account is no member
    assert client.get(start_url(ns)).status_code == 403
    client.force_login(teacher.user)
    assert client.get(start_url(ns)).status_code == 200
    assert client.post(submit_url(ns), valid_post(ns)).status_code == 302
    assert Response.objects.submitted().count() == 1


def test_it_narrows_the_audience_by_a_college_alone(client, org, student, teacher):
    ns = narrowed(org, colleges=["计算机学院"])
    client.force_login(teacher.user)
    assert client.get(start_url(ns)).status_code == 403
    client.force_login(student.user)
    assert client.get(start_url(ns)).status_code == 200


def test_it_narrows_a_signed_in_survey_in_the_settings_form_and_refuses_other_audiences(client, org, student):
    ns = make_survey(org, status=Survey.Status.DRAFT)
    college = College.objects.get(name="计算机学院")
    client.force_login(org.supervisor)
    url = reverse("surveys:edit", args=[ns.survey.pk])
    data = {"title": "学生宿舍满意度", "kind": "custom", "audience": "anyone", "anonymous": "on", "period": "2026",
            "member_kinds": ["student"], "member_colleges": [college.pk]}
    refused = client.post(url, data)
    assert refused.status_code == 200 and "只有面向登录用户的问卷才能限定师生类型或学院" in refused.content.decode()
    data["audience"] = "signed_in"
    assert client.post(url, data).status_code == 302
    ns.survey.refresh_from_db()
    assert ns.survey.member_kind_list == ["student"] and list(ns.survey.member_colleges.all()) == [college]
    assert "仅限以下师生类型" in client.get(url).content.decode()


def test_it_lists_answered_surveys_and_the_open_ones_on_the_members_my_page(client, org, student):
    answered = narrowed(org, title="已答问卷")
    waiting = narrowed(org, kinds="student", title="学生专属问卷")
    narrowed(org, kinds="teacher", title="教师专属问卷")
    client.force_login(student.user)
    client.post(submit_url(answered), valid_post(answered))
    html = client.get(reverse("members:home")).content.decode()
    assert "已答问卷" in html and "学生专属问卷" in html and "教师专属问卷" not in html
    assert waiting.survey.get_public_url() in html


def test_it_keeps_the_response_without_the_account_when_the_account_closes(client, org, student):
    ns = make_survey(org, audience=Survey.Audience.SIGNED_IN, anonymous=False)
    client.force_login(student.user)
    client.post(submit_url(ns), valid_post(ns))
    assert Response.objects.submitted().get().user == student.user
    data = client.get(reverse("members:data_json")).json()
    assert [s["问卷"] for s in data["surveys"]] == ["食堂满意度调查"] and data["survey_answers"]
    counts = close_account(student)
    assert counts["surveys"] == 1
    response = Response.objects.submitted().get()
    assert response.user is None and response.answers.exists()
