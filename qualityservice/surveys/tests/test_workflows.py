"""Every status of the surveys app moves through core's one workflow engine (core.workflow)."""

import pytest
from django.apps import apps

from qualityservice.core import workflow
from qualityservice.core.workflow import TransitionError
from qualityservice.surveys.models import Response, Survey, SurveyStatusLog
from qualityservice.surveys.tests.factories import shipped_template
from qualityservice.surveys.workflows import RESPONSE, SURVEY

from .factories import make_survey


def test_it_registers_a_workflow_for_every_status_field_of_the_app():
    for model in apps.get_app_config("surveys").get_models():
        for field in model._meta.concrete_fields:
            if field.name == "status" and not model._meta.label.startswith("surveys.Historical"):
                assert workflow.for_field(model, "status") is not None, model._meta.label
    assert workflow.for_field(Survey) is SURVEY and workflow.for_field(Response) is RESPONSE


def test_it_records_who_moved_a_survey_in_its_log_and_its_history(org):
    ns = make_survey(org, status=Survey.Status.DRAFT)
    SURVEY.apply(ns.survey, "open", by=org.supervisor)
    SURVEY.apply(ns.survey, "close", by=org.supervisor)
    SURVEY.apply(ns.survey, "reopen", by=org.supervisor)
    assert ns.survey.status == Survey.Status.OPEN
    log = list(SurveyStatusLog.objects.filter(survey=ns.survey).order_by("at", "pk").values_list("from_status", "to_status", "by"))
    assert log == [("draft", "open", org.supervisor.pk), ("open", "closed", org.supervisor.pk), ("closed", "open", org.supervisor.pk)]
    statuses = list(ns.survey.history.order_by("history_date", "history_id").values_list("status", flat=True))
    assert statuses[-3:] == ["open", "closed", "open"]  # the engine saves the row: simple-history sees every move


def test_it_lets_only_supervisors_move_a_survey(org):
    ns = make_survey(org, status=Survey.Status.OPEN)
    with pytest.raises(TransitionError) as refused:
        SURVEY.apply(ns.survey, "close", by=org.head_yinshi)
    assert refused.value.messages == ["您无权执行“结束”。"]
    ns.survey.refresh_from_db()
    assert ns.survey.status == Survey.Status.OPEN and not SurveyStatusLog.objects.exists()


def test_it_refuses_to_open_a_survey_without_questions_or_a_template(org):
    empty = Survey.objects.create(title="空问卷", period="2026")
    with pytest.raises(TransitionError) as refused:
        SURVEY.apply(empty, SURVEY.action_for(empty, "open"), by=org.supervisor)
    assert "至少" in refused.value.messages[0]
    template = shipped_template("nps")
    with pytest.raises(TransitionError) as refused:
        SURVEY.apply(template, SURVEY.action_for(template, "open"), by=org.supervisor)
    assert "模板" in refused.value.messages[0]
    empty.refresh_from_db()
    template.refresh_from_db()
    assert empty.status == template.status == Survey.Status.DRAFT and not SurveyStatusLog.objects.exists()


def test_it_turns_a_draft_into_a_response_through_the_engine_and_refuses_a_second_submit(org):
    ns = make_survey(org)
    draft = Response.objects.create(survey=ns.survey, draft_key="k1")
    RESPONSE.apply(draft, "submit", system=True, fields={"draft_key": None, "respondent_type": "staff"})
    assert (draft.status, draft.draft_key, draft.respondent_type) == (Response.Status.SUBMITTED, None, "staff")
    with pytest.raises(TransitionError):
        RESPONSE.apply(draft, "submit", system=True, fields={})
    assert RESPONSE.allowed(org.supervisor, Response(status=Response.Status.DRAFT)) == []  # no staff action
