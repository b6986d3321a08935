"""Timelines in the reader's language: every row of a rectification's timeline and of an inspection's
status history keeps an action and its parameters (never a sentence written in the actor's language) and
is rendered when read; the rows written as sentences before are converted by migration 0007."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone, translation

from qualityservice.inspections import services
from qualityservice.inspections.models import Finding, FindingEvent, Kind
from qualityservice.inspections.workflows import RECTIFICATION, describe_events

from .helpers import answer_all, items_of, make_inspection


def _finding(org, inspector=None):
    inspector = inspector or org.supervisor
    inspection = make_inspection(org.wuye, kind=Kind.SPOT, inspector=inspector, title="物业抽查")
    env = next(i for i in items_of(inspection.template) if i.photo_on_fail)
    answer_all(inspection, inspector, fail={env.pk})
    services.submit_inspection(inspection, inspector)
    return inspection, Finding.objects.get(inspection=inspection)


def _timeline(client, finding) -> str:
    body = client.get(finding.get_absolute_url()).content.decode()
    return body.split('data-testid="timeline"', 1)[1].split("</ol>", 1)[0]


@pytest.mark.django_db
def test_it_records_a_findings_creation_as_an_action_and_renders_it_in_the_readers_language(client, org, settings):
    with translation.override("zh-hans"):  # the inspector writes in Chinese …
        _inspection, finding = _finding(org)
    [event] = finding.events.all()
    assert (event.action, event.params, event.note, event.from_status, event.to_status) == (
        "found", {"title": "物业抽查"}, "", "", "open")
    client.force_login(org.head_wuye)
    assert "在检查“物业抽查”中发现。" in _timeline(client, finding)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # … an English reader reads English
    timeline = _timeline(client, finding)
    assert "Found in inspection “物业抽查”." in timeline and "在检查" not in timeline and "Awaiting rectification" in timeline


@pytest.mark.django_db
def test_it_records_an_escalation_and_a_finding_of_a_correction_as_actions(client, org, settings):
    inspection, finding = _finding(org)
    Finding.objects.filter(pk=finding.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=1))
    assert services.escalate_overdue_rectifications() == 1
    escalation = finding.events.get(action="escalated")
    assert (escalation.note, escalation.params, escalation.from_status, escalation.to_status) == ("", {}, "open", "open")
    passed = next(i for i in items_of(inspection.template) if not i.photo_on_fail and i.pk != finding.answer.item_id)
    services.correct_answer(inspection, passed, result="fail", score=None, reason="复核发现不熟悉规程", user=org.supervisor)
    corrected = Finding.objects.get(answer__item=passed)
    event = corrected.events.get()
    assert (event.action, event.params, event.note, event.actor) == (
        "found_by_correction", {"reason": "复核发现不熟悉规程"}, "", org.supervisor)
    client.force_login(org.supervisor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Overdue: escalated to the supervisor." in _timeline(client, finding)
    assert "Found by a correction: 复核发现不熟悉规程" in _timeline(client, corrected)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert "已逾期：已提交督查员督办。" in _timeline(client, finding)
    assert "更正时发现：复核发现不熟悉规程" in _timeline(client, corrected)


@pytest.mark.django_db
def test_it_renders_the_moves_and_the_inspections_status_history_in_the_readers_language(client, org, settings):
    inspection, finding = _finding(org)
    services.answer_finding(finding, actor=org.head_wuye, measure="增设防滑垫", owner=org.head_wuye.staff,
                            deadline=timezone.localdate())
    services.verify_finding(finding, actor=org.supervisor, accept=False, reason="照片模糊")
    client.force_login(org.supervisor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    timeline = _timeline(client, finding)
    assert f"Rectified: {org.head_wuye.staff.name} responsible, deadline" in timeline
    assert "Sent back for another round" in timeline and "照片模糊" in timeline
    body = client.get(inspection.get_absolute_url()).content.decode()
    history = body.split('data-testid="status-events"', 1)[1].split("</ol>", 1)[0]
    assert "Inspection started" in history and "Inspection submitted" in history and "检查已" not in history
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    body = client.get(inspection.get_absolute_url()).content.decode()
    assert "检查已开始" in body and "检查已提交" in body


@pytest.mark.django_db
def test_it_reads_a_dash_for_a_parameter_a_row_lacks_and_refuses_an_unknown_note():
    with translation.override("en"):
        assert RECTIFICATION.describe("found", {}) == "Found in inspection “—”."
        assert RECTIFICATION.describe("accept", {}) == "Rectification verified"
    from qualityservice.inspections.workflows import record_note

    with pytest.raises(ValueError):
        record_note(Finding(status="open"), "made up")


BEFORE = [("inspections", "0006_english_checklists")]
AFTER = [("inspections", "0007_timeline_actions")]


@pytest.mark.django_db(transaction=True)
def test_it_turns_the_sentences_stored_before_into_actions_and_back(org):
    _inspection, finding = _finding(org)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("inspections", "FindingEvent")
    old.objects.all().delete()
    rows = {
        "zh-found": "在检查“物业六查六看抽查”中发现。",
        "en-found": "Found in inspection “Spot check: dormitory 3”.",
        "zh-correction": "更正时发现：复核发现\n操作规程不熟",
        "en-escalated": "Overdue: escalated to the supervisor.",
        "zh-escalated": "已逾期：已提交督查员督办。",
        "free": "电话通知了主任",
    }
    ids = {key: old.objects.create(finding_id=finding.pk, to_status="open", note=note).pk for key, note in rows.items()}
    answered = old.objects.create(finding_id=finding.pk, action="answer", from_status="open", to_status="submitted",
                                  note="已整改", params={"owner": "甲", "deadline": "2026-01-01"})

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    got = {key: FindingEvent.objects.values_list("action", "params", "note").get(pk=pk) for key, pk in ids.items()}
    assert got == {
        "zh-found": ("found", {"title": "物业六查六看抽查"}, ""),
        "en-found": ("found", {"title": "Spot check: dormitory 3"}, ""),
        "zh-correction": ("found_by_correction", {"reason": "复核发现\n操作规程不熟"}, ""),
        "en-escalated": ("escalated", {}, ""),
        "zh-escalated": ("escalated", {}, ""),
        "free": ("", {}, "电话通知了主任"),  # no sentence of the code: left as it is
    }
    assert FindingEvent.objects.values_list("action", "note").get(pk=answered.pk) == ("answer", "已整改")
    with translation.override("en"):
        texts = [e.text for e in describe_events(list(FindingEvent.objects.filter(pk__in=ids.values()).order_by("pk")))]
    assert texts[:2] == ["Found in inspection “物业六查六看抽查”.", "Found in inspection “Spot check: dormitory 3”."]

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)  # and back: the English sentences
    old = executor.loader.project_state(BEFORE).apps.get_model("inspections", "FindingEvent")
    assert old.objects.get(pk=ids["zh-found"]).note == "Found in inspection “物业六查六看抽查”."
    assert old.objects.get(pk=ids["zh-escalated"]).note == "Overdue: escalated to the supervisor."
    assert old.objects.get(pk=ids["free"]).note == "电话通知了主任"
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_it_gives_existing_checklists_and_the_problems_copied_from_them_their_english(org):
    _inspection, finding = _finding(org)
    edited = Finding.objects.create(inspection=finding.inspection, department=org.wuye, source="item", problem="手写的问题",
                                    answer=None)
    before = [("inspections", "0005_english_text")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    for model, fields in (("ChecklistTemplate", ["name_en", "description_en"]), ("ChecklistSection", ["title_en"]),
                          ("ChecklistItem", ["text_en", "guidance_en"]), ("Finding", ["problem_en"])):
        apps.get_model("inspections", model).objects.update(**dict.fromkeys(fields, ""))  # as before there was English

    executor = MigrationExecutor(connection)
    executor.migrate([("inspections", "0006_english_checklists")])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    from qualityservice.inspections.models import ChecklistItem, ChecklistTemplate

    template = ChecklistTemplate.objects.get(code="six-checks")
    assert template.name_en.startswith("“Six checks")
    assert not ChecklistItem.objects.filter(section__template__code__in=["six-checks", "kitchen-hygiene", "dormitory"],
                                            text_en="").exists()
    finding.refresh_from_db()
    item = finding.answer.item
    assert finding.problem_en == f"{item.section.title_en} · {item.text_en}: 不达标"
    assert Finding.objects.get(pk=edited.pk).problem_en == ""
