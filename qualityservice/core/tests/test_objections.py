"""The one objection primitive (core.objections) that competitions, evaluation and recognition share: the app's row
and one feedback record of kind objection once per form, the tracking code written back, anonymous objections
without any identity, the staff member it is about never seeing who raised it; the public form held back by the
rate limit with what was typed kept, bad input refused with a translated message and nothing saved. And the three
apps go through it (a scan of their code)."""

import ast
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from qualityservice.core import objections
from qualityservice.core.models import Notification
from qualityservice.core.registry import optional_function
from qualityservice.evaluation import services as evaluation
from qualityservice.evaluation.models import Objection
from qualityservice.feedback.models import Feedback
from qualityservice.org.models import RequestKind

ROOT = Path(settings.BASE_DIR) / "qualityservice"
APPS = ("competitions", "evaluation", "recognition")


@pytest.fixture
def scheme(org):
    scheme, _created = evaluation.create_scheme(key=None, by=org.supervisor, year=2026, title="2026年度考核")
    return scheme


def _raise(scheme, key="objection-key-0001", *, text="排名有误，请复核", author=None, department=None, about_staff=None,
           tell=None):
    author = author or objections.Author()
    return objections.raise_objection(
        Objection, app="evaluation", key=key, file=optional_function("qualityservice.feedback", "services", "create_feedback"),
        create=lambda stored: Objection.objects.create(scheme=scheme, text=text, name=author.name, contact=author.contact,
                                                       submission_key=stored),
        department=department, title=f"异议：{scheme.title}", body=text, author=author, about_staff=about_staff, tell=tell)


@pytest.mark.django_db
def test_it_makes_one_row_and_one_feedback_record_of_kind_objection_for_a_double_submit(org, scheme):
    tell = objections.Tell(subject="对考核结果的异议", supervisors=True)
    first, created = _raise(scheme, author=objections.Author(name="张老师", contact="13800000000"), department=org.wuye, tell=tell)
    again, created_again = _raise(scheme, author=objections.Author(name="张老师", contact="13800000000"), department=org.wuye, tell=tell)
    assert created and not created_again and again.pk == first.pk
    assert Objection.objects.count() == 1 and Feedback.objects.count() == 1
    feedback = Feedback.objects.get()
    assert (feedback.kind, feedback.channel, feedback.department, feedback.anonymous) == (RequestKind.OBJECTION, "web", org.wuye, False)
    assert (feedback.submitter_name, feedback.submitter_contact, feedback.source_ref) == (
        "张老师", "13800000000", f"evaluation.objection:{first.pk}")
    stored = Objection.objects.get()
    assert (stored.feedback_id, stored.feedback_code, stored.feedback_url) == (feedback.pk, feedback.code, feedback.get_absolute_url())
    assert (first.feedback_id, first.feedback_code) == (feedback.pk, feedback.code)
    told = [n.payload for n in Notification.objects.all() if n.payload["subject"] == "对考核结果的异议"]
    assert [(n["body"], n.get("supervisors")) for n in told] == [("排名有误，请复核", True)]  # once, for the first submit


@pytest.mark.django_db
def test_its_kind_is_the_feedback_kind_the_public_form_never_offers():
    from qualityservice.feedback.forms import PUBLIC_KINDS

    assert objections.KIND == RequestKind.OBJECTION and objections.KIND not in dict(PUBLIC_KINDS)


@pytest.mark.django_db
@pytest.mark.parametrize("user", [None, AnonymousUser()], ids=["no account", "not signed in"])
def test_an_objection_without_a_name_a_contact_or_an_account_is_anonymous_and_stores_no_identity(org, scheme, user):
    _raise(scheme, author=objections.Author(user=user))
    feedback = Feedback.objects.get()
    assert feedback.anonymous
    assert (feedback.submitter_name, feedback.submitter_contact, feedback.submitter_user, feedback.created_by, feedback.client_ip) == (
        "", "", None, None, None)


@pytest.mark.django_db
def test_a_signed_in_author_is_known_by_the_account(org, scheme):
    _raise(scheme, author=objections.Author(name="张晓明", user=org.staff_wuye))
    feedback = Feedback.objects.get()
    assert not feedback.anonymous and (feedback.submitter_user, feedback.submitter_name) == (org.staff_wuye, "张晓明")


@pytest.mark.django_db
def test_the_staff_member_it_is_about_never_sees_who_raised_it_nor_the_tracking_code(client, org, scheme):
    """A contestant who heads the organising department: the record is still routed to the department given (not by
    the person), and they read it without the author's name, phone or tracking code."""
    head = org.head_wuye
    _raise(scheme, author=objections.Author(name="李老师", contact="13912345678"), department=org.wuye, about_staff=head.staff)
    feedback = Feedback.objects.get()
    assert (feedback.department, feedback.about_staff, feedback.staff) == (org.wuye, head.staff, None)
    assert feedback.identity_hidden_from(head) and feedback.code_for(head) == f"#{feedback.pk}"
    assert not feedback.identity_hidden_from(org.supervisor)
    # The heads' notice of the new item names its number, not its code (the head may be among the recipients).
    notices = [n.payload for n in Notification.objects.all()]
    assert notices and not any(feedback.code in n["subject"] + n["body"] + n["url"] for n in notices)
    client.force_login(head)
    with translation.override("zh-hans"):
        page = client.get(reverse("feedback:detail", args=[feedback.pk])).content.decode()
    assert "排名有误" in page and "李老师" not in page and "13912345678" not in page and feedback.code not in page
    client.force_login(org.supervisor)
    page = client.get(reverse("feedback:detail", args=[feedback.pk])).content.decode()
    assert "李老师" in page and "13912345678" in page


@pytest.mark.django_db
def test_without_the_feedback_app_the_row_is_kept_alone(org, scheme):
    row, created = objections.raise_objection(
        Objection, app="evaluation", key=None, file=None, department=None, title="异议", body="排名有误，请复核",
        create=lambda stored: Objection.objects.create(scheme=scheme, text="排名有误，请复核", submission_key=stored))
    assert created and row.feedback_code == "" and not Feedback.objects.exists()


# --- The public form's POST (objections.receive) ---------------------------------------------------------------


class _Form(forms.Form):
    text = forms.CharField(min_length=5)


def _post(text="成绩有误，请复核", ip="10.9.8.7"):
    request = RequestFactory().post("/objection/", {"text": text}, REMOTE_ADDR=ip)
    request.user = AnonymousUser()
    return request, _Form(request.POST)


def test_it_sends_good_input_once_and_answers_200():
    request, form = _post()
    sent, status = objections.receive(request, form, group="test-objection-ok", per_ip="5/h", per_visitor="5/h",
                                      send=lambda data: f"sent {data['text']}")
    assert (sent, status) == ("sent 成绩有误，请复核", 200)


def test_a_visitor_over_the_rate_limit_is_held_back_with_what_they_typed_and_nothing_sent():
    calls = []
    for n in range(3):
        request, form = _post(text=f"第{n}条异议：成绩有误", ip="10.9.8.6")
        with translation.override("zh-hans"):
            sent, status = objections.receive(request, form, group="test-objection-rate", per_ip="2/h", per_visitor="9/h",
                                              send=calls.append)
    assert status == 429 and sent is None and len(calls) == 2
    assert form["text"].value() == "第2条异议：成绩有误"  # rendered again with the form
    with translation.override("zh-hans"):
        assert "短时间内提交了较多异议" in " ".join(form.non_field_errors()) and "请稍候" in " ".join(form.non_field_errors())


def test_bad_input_gets_a_translated_message_and_nothing_is_sent():
    calls = []
    request, form = _post(text="短")
    with translation.override("zh-hans"):
        sent, status = objections.receive(request, form, group="test-objection-bad", per_ip="5/h", per_visitor="5/h",
                                          send=calls.append)
        assert (sent, status, calls) == (None, 400, [])
        assert "至少" in " ".join(form.errors["text"])  # Django's own message, in Chinese


def test_a_refusal_of_the_app_becomes_the_forms_message():
    request, form = _post()

    def refuse(data):
        raise ValidationError("公示已结束，不再受理异议。")

    sent, status = objections.receive(request, form, group="test-objection-refused", per_ip="5/h", per_visitor="5/h", send=refuse)
    assert (sent, status) == (None, 400) and form.non_field_errors() == ["公示已结束，不再受理异议。"]


# --- The three apps go through the primitive ------------------------------------------------------------------


def _app_sources(app):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "tests" not in path.parts and "migrations" not in path.parts:
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def _called(node) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


@pytest.mark.parametrize("app", APPS)
def test_the_app_files_objections_only_through_the_primitive(app):
    """No direct feedback creation (a call of create_feedback or create_record, or kind="objection"
    passed by hand) in the app: its objection goes through core.objections.raise_objection, and its public view
    through core.objections.receive, with the shared form template."""
    direct, used = [], set()
    for path, tree in _app_sources(app):
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _called(node)
            if name in ("create_feedback", "create_record"):
                direct.append(f"{path.name}:{node.lineno} {name}()")
            if any(k.arg == "kind" and isinstance(k.value, ast.Constant) and k.value.value == objections.KIND for k in node.keywords):
                direct.append(f"{path.name}:{node.lineno} kind='objection'")
            if isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) and node.func.value.id == "objections":
                used.add(node.func.attr)
    assert direct == []
    assert {"raise_objection", "receive"} <= used
    templates = [p for p in (ROOT / app / "templates").rglob("*.html") if "core/_objection_form.html" in p.read_text(encoding="utf-8")]
    assert templates, f"{app} renders its public objection form with core/_objection_form.html"


@pytest.mark.django_db
def test_the_apps_pages_hide_the_author_from_the_staff_member_it_is_about_only(org):
    about = org.head_wuye.staff.pk
    assert objections.hidden_from(org.head_wuye, about)
    assert not objections.hidden_from(org.supervisor, about) and not objections.hidden_from(org.head_wuye, None)
    assert not objections.hidden_from(AnonymousUser(), about)
