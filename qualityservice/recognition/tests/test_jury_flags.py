"""Anomaly flags as a gate before the notice, as in the competitions: the confirmed jury sheets are checked by
core.panel.find_anomalies; each flag is stored and shown on the round's page (who scored what, why flagged); the
supervisor clears it with a written reason — accepting the scores, or returning the judge's sheet — recorded in the
round's timeline; a flag whose scores changed no longer applies; publishing the notice is refused, naming how many
flags wait and linking to them, until every flag is cleared."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qualityservice.core.workflow import TransitionError
from qualityservice.recognition import jury, services
from qualityservice.recognition.models import Round
from qualityservice.recognition.results_models import JuryFlag, JurySheet, Result

from .factories_results import round_with_jury, score

pytestmark = pytest.mark.django_db

CLEAR_REASON = "该评委现场核实过候选人的投诉记录，评分有据"


def _flagged(org, *, nominees=3, odd=None, extra_judge=None):
    """Three judges of 集团办公室; the third gives 1 on attitude where the others give 8 (to ``odd`` nominees, the
    first by default): an outlier and a spread on each."""
    rnd, nominations, members = round_with_jury(org, nominees=nominees, votes=[[0]] * 3, winners=1)
    if extra_judge is not None:
        members.append(jury.appoint(rnd, extra_judge, by=org.supervisor))
    services.move_round(rnd, "close_vote", by=org.supervisor)
    odd = range(1) if odd is None else odd
    for i, member in enumerate(members):
        low = i == 2
        score(member, nominations, {n: ((1 if low and n in odd else 8), 8) for n in range(nominees)})
    rnd.refresh_from_db()
    return rnd, nominations, members


def _open(rnd):
    return list(JuryFlag.objects.filter(round=rnd, status="open").order_by("kind"))


def test_it_flags_a_score_far_from_the_panel_and_a_wide_spread_when_the_sheets_are_confirmed(client, org):
    rnd, (a, _b, _c), members = _flagged(org)
    flags = _open(rnd)
    assert [(f.kind, f.nomination_id, f.member_id, f.criterion.code) for f in flags] == [
        ("outlier", a.pk, members[2].pk, "attitude"), ("spread", a.pk, None, "attitude")]
    assert flags[0].detail == {"value": "1.00", "median": "8.00", "distance": "7.00", "limit": "2.50"}
    jury.detect_flags(rnd)  # checking again finds the same flags
    assert JuryFlag.objects.filter(round=rnd).count() == 2
    client.force_login(org.supervisor)
    body = client.get(rnd.get_staff_url()).content.decode()
    assert 'id="flags"' in body and body.count('data-testid="flag"') == 2 and "2项未处理" in body
    judge_name = str(members[2])
    assert f"{judge_name}给候选人1的“服务态度”打了1分；评委组的中位数为8" in body  # who scored what, why flagged
    assert "候选人1，“服务态度”：评委组的评分从1到8" in body


def test_publishing_is_refused_while_a_flag_is_open_and_allowed_once_each_is_cleared_with_a_reason(client, org):
    rnd, _nominations, _members = _flagged(org)
    with pytest.raises(TransitionError, match="2个异常标记尚未处理"):
        services.move_round(rnd, "publish", by=org.supervisor)
    rnd.refresh_from_db()
    assert rnd.status == "judging" and not Result.objects.exists()
    client.force_login(org.supervisor)
    response = client.post(rnd.get_staff_move_url(), {"action": "publish"}, follow=True)
    body = response.content.decode()
    assert "2个异常标记尚未处理：督查员须逐项填写理由后处理。" in body
    assert f'<a href="{rnd.get_staff_url()}#flags" data-testid="flags-link">查看异常标记</a>' in body
    body = client.get(reverse("recognition:round_results", args=[rnd.pk])).content.decode()
    assert "2个异常标记尚未处理" in body and f'href="{rnd.get_staff_url()}#flags" data-testid="flags-link"' in body
    outlier, spread = _open(rnd)
    # No reason: refused, nothing changes.
    response = client.post(outlier.get_clear_url(), {"decision": "accept", "reason": "  "}, follow=True)
    assert "请填写处理异常标记的理由" in response.content.decode()
    assert JuryFlag.objects.get(pk=outlier.pk).status == "open"
    for flag in (outlier, spread):
        response = client.post(flag.get_clear_url(), {"decision": "accept", "reason": CLEAR_REASON})
        assert response.status_code == 302 and response["Location"].endswith("#flags")
    cleared = JuryFlag.objects.get(pk=outlier.pk)
    assert (cleared.status, cleared.reason, cleared.resolved_by) == ("accepted", CLEAR_REASON, org.supervisor)
    body = client.get(rnd.get_staff_url()).content.decode()
    assert 'data-testid="flag-form"' not in body and 'data-testid="open-flags"' not in body
    events = [e.text for e in services.round_timeline(rnd)]
    assert f"异常标记（分数偏离评委组 · 候选人1 · {outlier.member}）：已接受评分：{CLEAR_REASON}" in events
    assert f"异常标记（评委组分歧过大 · 候选人1）：已接受评分：{CLEAR_REASON}" in events
    services.move_round(rnd, "publish", by=org.supervisor)
    rnd.refresh_from_db()
    assert rnd.status == "notice" and Result.objects.filter(round=rnd).count() == 3


def test_a_returned_sheet_goes_back_to_its_judge_and_the_flags_disappear_when_the_judge_scores_again(org):
    rnd, nominations, members = _flagged(org)
    outlier, spread = _open(rnd)
    jury.clear_flag(outlier, "return", by=org.supervisor, reason="请核对对候选人1的服务态度评分")
    sheet = JurySheet.objects.get(member=members[2])
    assert (sheet.status, sheet.version) == ("draft", 2)
    assert JuryFlag.objects.get(pk=outlier.pk).status == "returned"
    assert JuryFlag.objects.get(pk=spread.pk).status == "superseded"  # the panel it was about changed
    with pytest.raises(TransitionError, match="1份评分表未确认"):
        services.move_round(rnd, "publish", by=org.supervisor)
    score(members[2], nominations, {0: (7.5, 8), 1: (8, 8), 2: (8, 8)})  # the judge scores again and confirms
    assert _open(rnd) == []
    texts = [e.text for e in services.round_timeline(rnd)]
    assert any(t.startswith("异常标记（评委组分歧过大 · 候选人1）：不再适用") for t in texts)
    assert any("退回给" in t and "请核对对候选人1的服务态度评分" in t for t in texts)
    services.move_round(rnd, "publish", by=org.supervisor)
    assert Round.objects.get(pk=rnd.pk).status == "notice"


def test_the_same_scores_confirmed_again_after_a_return_are_flagged_again(org):
    rnd, nominations, members = _flagged(org)
    outlier, _spread = _open(rnd)
    jury.clear_flag(outlier, "return", by=org.supervisor, reason="请核对")
    score(members[2], nominations, {0: (1, 8), 1: (8, 8), 2: (8, 8)})  # the same 1 again: a new version, new flags
    assert [f.kind for f in _open(rnd)] == ["outlier", "spread"]
    with pytest.raises(TransitionError, match="2个异常标记尚未处理"):
        services.move_round(rnd, "publish", by=org.supervisor)


# --- The clearing view against every role ----------------------------------------------------------------------

FLAG_VIEWS = ("jury_flag_clear",)  # the staff view this file's matrix covers (test_round_permissions checks)
CLEARS = "clears"
MATRIX = {
    "supervisor": CLEARS,
    "admin": CLEARS,
    "head_wuye": 404,  # the nominees' department
    "head_yinshi": 404,
    "staff_wuye": 404,
    "operator": 404,
    "judge": 404,  # appointed to the round's jury
}


def test_it_sends_anonymous_visitors_to_sign_in_from_the_clearing_view(client, org):
    rnd, _nominations, _members = _flagged(org)
    flag = _open(rnd)[0]
    response = client.post(flag.get_clear_url(), {"decision": "accept", "reason": CLEAR_REASON})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert JuryFlag.objects.get(pk=flag.pk).status == "open"


@pytest.mark.parametrize("who", list(MATRIX))
def test_the_clearing_view_gives_each_role_what_the_matrix_says(client, org, who):
    rnd, _nominations, _members = _flagged(org, extra_judge=org.judge)
    flag = _open(rnd)[0]
    client.force_login(getattr(org, who))
    assert client.get(flag.get_clear_url()).status_code in (404, 405)
    response = client.post(flag.get_clear_url(), {"decision": "accept", "reason": CLEAR_REASON})
    flag.refresh_from_db()
    if MATRIX[who] == CLEARS:
        assert response.status_code == 302 and (flag.status, flag.reason) == ("accepted", CLEAR_REASON)
    else:
        assert response.status_code == 404 and "候选人1" not in response.content.decode()
        assert (flag.status, flag.reason) == ("open", "")
        body = client.get(rnd.get_staff_url()).content.decode()
        assert 'data-testid="flag"' not in body  # the flags are the supervisor's to see


def test_a_flag_is_cleared_only_while_the_jury_scores(org):
    rnd, _nominations, _members = _flagged(org)
    outlier, spread = _open(rnd)
    jury.clear_flag(outlier, "accept", by=org.supervisor, reason=CLEAR_REASON)
    jury.clear_flag(spread, "accept", by=org.supervisor, reason=CLEAR_REASON)
    services.move_round(rnd, "publish", by=org.supervisor)
    late = JuryFlag.objects.create(round=rnd, kind="bias", key="bias:late", detail={})
    with pytest.raises(TransitionError, match="评委评分期间"):
        jury.clear_flag(late, "accept", by=org.supervisor, reason=CLEAR_REASON)
    assert JuryFlag.objects.get(pk=late.pk).status == "open"


# --- The round page does not grow with the nominees and their flags --------------------------------------------


def _page_queries(client, org, nominees):
    rnd, _nominations, _members = _flagged(org, nominees=nominees, odd=range(nominees))
    assert len(_open(rnd)) == 2 * nominees
    client.force_login(org.supervisor)
    counts = {}
    for name, url in (("round", rnd.get_staff_url()), ("jury", reverse("recognition:round_jury", args=[rnd.pk]))):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200 and response.content.decode().count('data-kind="outlier"') == nominees
        counts[name] = len(queries)
    return counts


def test_the_round_page_with_its_flags_costs_the_same_queries_for_3_nominees_as_for_30(client, org):
    few = _page_queries(client, org, 3)
    many = _page_queries(client, org, 30)
    assert few == many, (few, many)
