"""Vetoes (一票否决) from live data, configurable per round: a substantiated complaint about the nominee in the
period; a failed critical inspection item of the nominee's department; the department not eligible in the
year-end evaluation (its service function, or the supervisor's mark on the round while it lists none). The
supervisor confirms or overrides with a written reason, recorded in the nomination's timeline; a vetoed
nomination is not on the ballot."""

import pytest

from qualityservice.core import registry
from qualityservice.core.models import WorkflowEvent
from qualityservice.core.workflow import TransitionError
from qualityservice.recognition import services
from qualityservice.recognition.models import Nomination

from .rounds import complaint_about, failed_critical_inspection, nominate, nominating_round

pytestmark = pytest.mark.django_db


def _review(org, rnd):
    return services.move_round(rnd, "review", by=org.supervisor)


def test_a_substantiated_complaint_vetoes_the_nominee_with_that_reason(org):
    staff = org.staff_wuye.staff
    complaint = complaint_about(org, staff, title="窗口服务态度生硬")
    rnd = nominating_round(org)
    vetoed, clean = nominate(org, rnd, staff=staff), nominate(org, rnd, staff=org.staff_yinshi.staff)
    _review(org, rnd)
    found = services.vetoes(Nomination.objects.filter(pk__in=[vetoed.pk, clean.pk]).select_related("round", "staff", "collective"))
    assert [v.kind for v in found[vetoed.pk]] == ["complaint"] and found[clean.pk] == []
    assert complaint.code in found[vetoed.pk][0].reason and "窗口服务态度生硬" in found[vetoed.pk][0].reason
    services.check_eligibility(vetoed, "confirm", by=org.supervisor)
    services.check_eligibility(clean, "confirm", by=org.supervisor)
    vetoed.refresh_from_db()
    assert vetoed.eligibility == "vetoed" and "窗口服务态度生硬" in vetoed.vetoes[0]["reason"]
    assert Nomination.objects.get(pk=clean.pk).eligibility == "eligible"
    assert list(services.ballot_nominations(rnd)) == [Nomination.objects.get(pk=clean.pk)]
    texts = [e.text for e in services.timeline(vetoed)]
    assert texts[-1].startswith("一票否决：") and "窗口服务态度生硬" in texts[-1]


def test_after_an_override_the_nominee_is_eligible_with_the_reason_recorded(org):
    staff = org.staff_wuye.staff
    complaint_about(org, staff, title="窗口服务态度生硬")
    rnd = nominating_round(org)
    nomination = nominate(org, rnd, staff=staff)
    _review(org, rnd)
    services.check_eligibility(nomination, "confirm", by=org.supervisor)
    with pytest.raises(TransitionError, match="请填写推翻否决的理由"):
        services.check_eligibility(nomination, "override", by=org.supervisor, reason="  ")
    services.check_eligibility(nomination, "override", by=org.supervisor, reason="经复核，投诉系误会，已撤回")
    nomination.refresh_from_db()
    assert nomination.eligibility == "eligible" and nomination in services.ballot_nominations(rnd)
    event = WorkflowEvent.for_object(nomination).filter(field="eligibility").last()
    assert (event.action, event.actor, event.params["reason"]) == ("override", org.supervisor, "经复核，投诉系误会，已撤回")
    text = services.timeline(nomination)[-1].text
    assert "经复核，投诉系误会，已撤回" in text and "窗口服务态度生硬" in text


def test_only_the_supervisor_decides_and_only_during_the_review(org):
    rnd = nominating_round(org)
    nomination = nominate(org, rnd, staff=org.staff_wuye.staff)
    with pytest.raises(TransitionError, match="资格审查阶段"):
        services.check_eligibility(nomination, "confirm", by=org.supervisor)
    _review(org, rnd)
    for user in (org.head_wuye, org.staff_wuye, org.judge):
        with pytest.raises(TransitionError, match="您无权执行"):
            services.check_eligibility(nomination, "confirm", by=user)
    assert Nomination.objects.get(pk=nomination.pk).eligibility == "pending"


def test_a_failed_critical_inspection_item_vetoes_the_departments_nominees(org):
    _inspection, item = failed_critical_inspection(org, org.wuye)
    rnd = nominating_round(org)
    nomination = nominate(org, rnd, staff=org.staff_wuye.staff)
    other = nominate(org, rnd, staff=org.staff_yinshi.staff)
    found = services.vetoes([Nomination.objects.select_related("round", "staff").get(pk=nomination.pk),
                             Nomination.objects.select_related("round", "staff").get(pk=other.pk)])
    assert [v.kind for v in found[nomination.pk]] == ["inspection"] and item.text in found[nomination.pk][0].reason
    assert found[other.pk] == []


def test_a_round_that_switches_a_veto_off_does_not_apply_it(org):
    complaint_about(org, org.staff_wuye.staff)
    failed_critical_inspection(org, org.wuye)
    rnd = nominating_round(org, veto_complaint=False, veto_inspection=False)
    nomination = nominate(org, rnd, staff=org.staff_wuye.staff)
    assert services.vetoes([Nomination.objects.select_related("round", "staff").get(pk=nomination.pk)])[nomination.pk] == []


def test_the_year_end_evaluation_list_vetoes_and_the_supervisors_mark_is_the_fallback(org, monkeypatch):
    rnd = nominating_round(org, not_eligible={str(org.wuye.pk): "安全事故，督查员标记"})
    nomination = Nomination.objects.select_related("round", "staff").get(pk=nominate(org, rnd, staff=org.staff_wuye.staff).pk)
    real = registry.optional_function
    listed = {}

    def fake(app, module, name):
        if name == "not_eligible_departments":
            return lambda year: listed.get(year, {})
        return real(app, module, name)

    monkeypatch.setattr(services, "optional_function", fake)
    reasons = [v.reason for v in services.vetoes([nomination])[nomination.pk]]
    assert reasons == ["部门被标记为不具备评优资格（年度考核）：安全事故，督查员标记"]  # the evaluation lists none: the mark
    listed[rnd.period_end.year] = {org.wuye.pk: "年度考核不合格"}
    reasons = [v.reason for v in services.vetoes([nomination])[nomination.pk]]
    assert reasons == [f"{rnd.period_end.year}年度考核不具备评优资格：年度考核不合格"]
    monkeypatch.setattr(services, "optional_function", lambda app, module, name: None if "evaluation" in app else real(app, module, name))
    assert [v.kind for v in services.vetoes([nomination])[nomination.pk]] == ["evaluation"]  # no evaluation app: the mark


def test_the_check_page_shows_each_veto_and_the_supervisor_overrides_with_a_reason(client, org):
    complaint_about(org, org.staff_wuye.staff, title="窗口服务态度生硬")
    rnd = nominating_round(org)
    nomination = nominate(org, rnd, staff=org.staff_wuye.staff)
    _review(org, rnd)
    client.force_login(org.supervisor)
    body = client.get(rnd.get_check_url()).content.decode()
    assert "窗口服务态度生硬" in body and 'value="override"' in body and 'value="confirm"' in body
    body = client.post(rnd.get_check_url(), {"nomination": nomination.pk, "action": "override", "reason": ""}, follow=True).content.decode()
    assert "请填写推翻否决的理由" in body
    assert Nomination.objects.get(pk=nomination.pk).eligibility == "pending"
    client.post(rnd.get_check_url(), {"nomination": nomination.pk, "action": "override", "reason": "投诉已查明不属实"})
    assert Nomination.objects.get(pk=nomination.pk).eligibility == "eligible"
    body = client.get(nomination.get_absolute_url()).content.decode()
    assert "投诉已查明不属实" in body
