"""公示: the public page shows what the supervisor chose (full ranking, grades only, or nothing), each choice
recorded; while the result is on public notice anyone may object there, and the objection becomes a feedback
record of kind objection for the supervisors; the result becomes final by the workflow move."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from qualityservice.core.models import WorkflowEvent
from qualityservice.core.registry import optional_function
from qualityservice.core.workflow import TransitionError
from qualityservice.evaluation import services
from qualityservice.evaluation.models import Objection, Scheme
from qualityservice.evaluation.workflows import SCHEME

pytestmark = pytest.mark.django_db
KEY = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def scheme(org, live):
    live["evaluation.test_rate"] = {org.wuye.pk: Decimal(88), org.yinshi.pk: Decimal(70), org.office.pk: Decimal(50)}
    scheme, _ = services.create_scheme(key=None, by=org.supervisor, year=2026, title="2026年度考核")
    services.set_component(scheme, indicator="evaluation.test_rate", weight=100, floor=0, target=100)
    return SCHEME.apply(scheme, "freeze", by=org.supervisor)


def _objection(**changes):
    return {"text": "物业中心的回访记录不全，满意度偏高", "department": "", "name": "", "contact": "", "submission_key": KEY} | changes


def test_it_shows_the_full_ranking_or_only_the_grades_as_chosen_and_nothing_when_not_public(client, org, scheme):
    url = scheme.get_public_url()
    assert client.get(url).status_code == 404  # frozen, not yet on public notice
    scheme = SCHEME.apply(scheme, "notice", by=org.supervisor, publication="full")
    body = client.get(url).content.decode()
    assert "物业管理中心" in body and "88.00" in body and "良好" in body and "公示中" in body
    scheme = SCHEME.apply(scheme, "publish", by=org.supervisor, publication="grades")
    body = client.get(url).content.decode()
    assert "物业管理中心" in body and "良好" in body and "88.00" not in body and "70.00" not in body
    SCHEME.apply(scheme, "publish", by=org.supervisor, publication="none")
    assert client.get(url).status_code == 404
    assert client.get(reverse("evaluation:public", args=[str(scheme.pk)])).status_code == 404  # never by its id
    events = WorkflowEvent.for_object(scheme)
    assert [(e.action, e.params.get("publication"), e.actor_id) for e in events if e.action != "freeze"] == [
        ("notice", "full", org.supervisor.pk), ("publish", "grades", org.supervisor.pk), ("publish", "none", org.supervisor.pk)]
    client.force_login(org.supervisor)
    page = client.get(scheme.get_absolute_url()).content.decode()
    assert "公开页面显示: 完整排名及得分" in page and "不公开" in page


def test_it_refuses_an_unknown_publication_choice_and_a_head_choosing(org, scheme):
    with pytest.raises(TransitionError):
        SCHEME.apply(scheme, "notice", by=org.supervisor, publication="everything")
    with pytest.raises(TransitionError):
        SCHEME.apply(scheme, "notice", by=org.head_wuye, publication="full")
    assert Scheme.objects.get(pk=scheme.pk).status == "frozen"


def test_an_objection_becomes_one_feedback_record_for_the_supervisors(client, org, scheme, django_capture_on_commit_callbacks):
    org.supervisor.email = "sup@example.edu.cn"
    org.supervisor.save()
    scheme = SCHEME.apply(scheme, "notice", by=org.supervisor, publication="grades")
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(scheme.get_public_url(), _objection(department=org.wuye.pk))
        second = client.post(scheme.get_public_url(), _objection(department=org.wuye.pk))  # sent twice
    objection = Objection.objects.get()
    assert objection.department == org.wuye and objection.feedback_code
    body = first.content.decode()
    assert objection.feedback_code in body and "已收到" in body
    assert objection.feedback_code in second.content.decode()
    status = optional_function("qualityservice.feedback", "services", "public_status")([objection.feedback_code])
    assert objection.feedback_code in status
    assert any("sup@example.edu.cn" in m.to and "异议" in m.subject for m in mail.outbox)
    client.force_login(org.supervisor)
    page = client.get(scheme.get_absolute_url()).content.decode()
    assert "回访记录不全" in page and objection.feedback_code in page


def test_it_asks_the_feedback_app_for_a_record_of_kind_objection_routed_to_the_group_office(org, scheme, monkeypatch):
    from qualityservice.feedback.services import FeedbackRef

    calls = []

    def create_feedback(**fields):
        calls.append(fields)
        return FeedbackRef(pk=7, code="ABCDEFGH23", url="/staff/feedback/7/")

    monkeypatch.setattr(services, "optional_function", lambda app, module, name: create_feedback)
    scheme = SCHEME.apply(scheme, "notice", by=org.supervisor, publication="full")
    services.raise_objection(scheme, key=None, text="排名有误，请复核", name="张老师", contact="13800000000")
    assert len(calls) == 1
    call = calls[0]
    assert (call["kind"], call["department"], call["channel"], call["anonymous"]) == ("objection", None, "web", False)
    assert call["source_ref"].startswith("evaluation.objection:") and "2026年度考核" in call["title"]
    assert Objection.objects.get().feedback_code == "ABCDEFGH23"


def test_it_refuses_an_empty_objection_and_any_objection_once_the_result_is_final(client, org, scheme):
    scheme = SCHEME.apply(scheme, "notice", by=org.supervisor, publication="full")
    body = client.post(scheme.get_public_url(), _objection(text="  ")).content.decode()
    assert "这个字段是必填项" in body or "请写明" in body
    SCHEME.apply(scheme, "finalize", by=org.supervisor)
    response = client.post(scheme.get_public_url(), _objection(), follow=True)
    body = response.content.decode()
    assert "已结束" in body and 'data-testid="objection-form"' not in body and "88.00" in body
    assert not Objection.objects.exists()
    with pytest.raises(Exception, match="已结束"):
        services.raise_objection(Scheme.objects.get(pk=scheme.pk), key=None, text="排名有误，请复核")


@pytest.mark.parametrize("who", [None, "staff_wuye", "head_yinshi", "head_wuye", "operator", "judge", "supervisor"])
def test_everyone_reads_the_public_page_the_same_way(client, org, scheme, who):
    scheme = SCHEME.apply(scheme, "notice", by=org.supervisor, publication="grades")
    if who:
        client.force_login(getattr(org, who))
    body = client.get(scheme.get_public_url()).content.decode()
    assert "饮食服务中心" in body and "88.00" not in body and 'data-testid="objection-form"' in body
