"""The feedback workflow on the platform's one engine (core.workflow): registered, the only code that
moves a status, its events keep the move's parameters, the special rules are the transitions' checks."""

import ast
import pathlib

import pytest
from django.utils import translation

from qualityservice.core import workflow
from qualityservice.core.workflow import TransitionError
from qualityservice.feedback import services
from qualityservice.feedback.models import Feedback, FeedbackEvent, Status
from qualityservice.feedback.workflows import FEEDBACK, event_label
from qualityservice.org.models import Staff

from .factories import make_feedback

APP = pathlib.Path(__file__).resolve().parent.parent


def staff_of(user):
    return Staff.objects.get(user=user)


def test_it_registers_the_feedback_workflow_with_the_engine():
    assert workflow.for_field(Feedback) is FEEDBACK
    assert {t.action for t in FEEDBACK.transitions} == {
        "accept", "assign", "start", "resolve", "callback_unreached", "callback_satisfied", "callback_dissatisfied",
        "rated", "close", "reopen", "transfer", "request_transfer", "accept_transfer", "decline_transfer", "merge"}


def test_it_keeps_the_parameters_of_each_move_and_only_the_note_people_wrote(org):
    fb = make_feedback(org)
    worker = staff_of(org.staff_wuye)
    with translation.override("en"):
        services.assign(fb, worker, by=org.head_wuye, note="请今天处理")
        FEEDBACK.apply(fb, "transfer", by=org.supervisor, department=org.yinshi)
    assign, transfer = FeedbackEvent.objects.filter(feedback=fb, action__in=["assign", "transfer"]).order_by("pk")
    assert assign.params == {"staff_id": worker.pk, "name": worker.name}
    assert assign.note == "请今天处理" and assign.visibility == "public"
    assert transfer.params == {"from_id": org.wuye.pk, "from": org.wuye.name, "to_id": org.yinshi.pk, "to": org.yinshi.name}
    assert transfer.note == ""  # the sentence is rendered from the parameters (test_timeline.py)
    assert (transfer.from_status, transfer.to_status, transfer.actor, transfer.actor_name) == (
        Status.ASSIGNED, Status.RECEIVED, org.supervisor, staff_of(org.supervisor).name)


def test_it_records_the_submitters_rating_as_theirs_with_its_score(org):
    fb = make_feedback(org)
    FEEDBACK.apply(fb, "resolve", by=org.head_wuye, note="已处理。")
    with translation.override("en"):
        services.rate_handling(fb, fb.rating_token, 2, "还是不行")
    event = fb.events.get(action="rated")
    assert (event.actor, event.actor_name, event.params) == (None, "Submitter", {"score": 2, "actor": "submitter"})
    assert event.to_status == Status.REOPENED and event.note == "还是不行"


def test_it_labels_buttons_with_verbs_and_the_timeline_with_what_happened(org):
    with translation.override("en"):
        assert FEEDBACK.label("accept") == "Accept" and event_label("accept") == "Accepted"
        assert event_label("create") == "Received" and event_label("mail_reply") == "E-mail reply received"
    with translation.override("zh-hans"):
        assert FEEDBACK.label("accept") != "Accept" and event_label("accept") != "Accepted"


def test_it_raises_the_engines_error_on_a_refused_move_and_changes_nothing(org):
    fb = make_feedback(org)
    with pytest.raises(TransitionError) as exc:
        FEEDBACK.apply(fb, "start", by=org.staff_wuye)  # not assigned: the status allows it, the rule does not
    assert exc.value.messages and isinstance(exc.value, workflow.TransitionError)
    services.assign(fb, staff_of(org.head_wuye), by=org.head_wuye)
    assert not FEEDBACK.may(org.staff_wuye, "start", fb)  # staff only on their own items
    assert FEEDBACK.may(org.head_wuye, "start", fb)
    fb.refresh_from_db()
    assert fb.status == Status.ASSIGNED and fb.events.count() == 2


def test_it_does_not_let_the_person_concerned_close_or_call_back_their_own_item(org):
    fb = make_feedback(org, staff=staff_of(org.head_wuye))
    FEEDBACK.apply(fb, "resolve", by=org.supervisor, note="已处理。")
    fb.refresh_from_db()
    assert {"close", "callback_satisfied", "merge"} & FEEDBACK.allowed_actions(org.head_wuye, fb) == set()
    assert "close" in FEEDBACK.allowed_actions(org.operator, fb)
    with pytest.raises(TransitionError):
        FEEDBACK.apply(fb, "close", by=org.head_wuye)


def _status_writes(path: pathlib.Path) -> list[str]:
    """Assignments to ``.status`` and ``.update(status=…)`` calls in a module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AugAssign) else []
        for target in targets:
            for t in (target.elts if isinstance(target, ast.Tuple) else [target]):
                if isinstance(t, ast.Attribute) and t.attr == "status":
                    found.append(f"{path.name}:{node.lineno}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("update", "bulk_update"):
            if any(k.arg == "status" for k in node.keywords) or any(
                    isinstance(a, ast.Constant) and a.value == "status" for arg in node.args
                    for a in (arg.elts if isinstance(arg, ast.List | ast.Tuple) else [arg])):
                found.append(f"{path.name}:{node.lineno}")
    return found


def test_it_finds_no_code_of_the_app_writing_a_status_outside_the_engine():
    # demo.py builds its records unsaved, each in the state its story ends in (creation with a status).
    modules = [p for p in APP.glob("*.py") if p.name not in ("demo.py",)] + list((APP / "management").rglob("*.py"))
    assert [w for p in modules for w in _status_writes(p)] == []


def test_it_finds_no_import_of_the_services_or_the_workflow_in_the_models():
    tree = ast.parse((APP / "models.py").read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not imported & {"services", "workflows", "qualityservice.feedback.services", "qualityservice.feedback.workflows"}
