"""The state machine: one transition function, attributed events, illegal moves refused."""

import pytest
from django.utils import translation

from qualityservice.core.workflow import TransitionError
from qualityservice.feedback import services
from qualityservice.feedback.models import CallbackResult, Feedback, FeedbackEvent, Status
from qualityservice.feedback.services import record_callback
from qualityservice.feedback.workflows import FEEDBACK
from qualityservice.org.models import Staff

from .factories import make_feedback


@pytest.fixture
def fb(org):
    return make_feedback(org)


def staff_of(user):
    return Staff.objects.get(user=user)


def resolve(fb, org):
    services.assign(fb, staff_of(org.staff_wuye), by=org.head_wuye)
    FEEDBACK.apply(fb, "start", by=org.staff_wuye)
    FEEDBACK.apply(fb, "resolve", by=org.staff_wuye, note="已更换灯泡。")
    return fb


def test_it_records_creation_with_a_public_event_and_a_deadline(fb, org):
    assert fb.status == Status.RECEIVED
    assert fb.department == org.wuye
    assert fb.deadline is not None and fb.deadline > fb.created_at
    event = fb.events.get()
    assert event.action == "create" and event.visibility == FeedbackEvent.Visibility.PUBLIC


def test_it_walks_the_whole_loop_and_attributes_every_step(fb, org):
    resolve(fb, org)
    assert fb.status == Status.RESOLVED and fb.resolved_at and fb.resolved_on_time is True
    assert fb.replies.get().is_public
    record_callback(fb, by=org.operator, reached=True, satisfied=5, comment="满意")
    fb.refresh_from_db()
    assert fb.status == Status.CLOSED and fb.callback_result == CallbackResult.SATISFIED and fb.satisfaction == 5
    actions = list(fb.events.values_list("action", "actor__username"))
    assert [a for a, _u in actions] == ["create", "assign", "start", "resolve", "callback_satisfied"]
    assert actions[1][1] == org.head_wuye.username and actions[3][1] == org.staff_wuye.username
    assert fb.history.count() >= 5  # audit history kept


def test_it_starts_the_history_with_the_record_as_received_written_with_it(fb, org):
    [row] = fb.history.all()  # written with the record, in the same transaction
    assert (row.history_type, row.status, row.title, row.history_date) == ("+", Status.RECEIVED, fb.title, fb.created_at)
    assert row.history_user is None  # a public submission: nobody, never the visitor
    services.assign(fb, staff_of(org.staff_wuye), by=org.head_wuye)
    rows = list(fb.history.order_by("history_date", "history_id").values_list("history_type", "status"))
    assert rows == [("+", Status.RECEIVED), ("~", Status.ASSIGNED)]
    Feedback.objects.get(pk=fb.pk).save()
    assert fb.history.filter(history_type="+").count() == 1  # once
    logged = make_feedback(org, channel="hotline", created_by=org.operator, staff=staff_of(org.staff_wuye))
    assert logged.history.get().history_user == org.operator  # the other creation path too, by whoever logged it


def test_it_refuses_an_illegal_move_with_a_clear_message(fb, org):
    with translation.override("en"), pytest.raises(TransitionError, match="not possible while the status is"):
        FEEDBACK.apply(fb, "close", by=org.operator)
    with translation.override("zh-hans"), pytest.raises(TransitionError) as exc:
        FEEDBACK.apply(fb, "close", by=org.operator)
    assert "无法" in exc.value.messages[0] and "已受理" in exc.value.messages[0]
    fb.refresh_from_db()
    assert fb.status == Status.RECEIVED


def test_it_refuses_moves_by_the_wrong_person(fb, org):
    with pytest.raises(TransitionError):
        services.assign(fb, staff_of(org.staff_wuye), by=org.head_yinshi)  # another department
    with pytest.raises(TransitionError):
        FEEDBACK.apply(fb, "merge", by=org.head_wuye, target=make_feedback(org))  # supervisor only
    services.assign(fb, staff_of(org.staff_wuye), by=org.head_wuye)
    with pytest.raises(TransitionError):
        FEEDBACK.apply(fb, "start", by=org.judge)


def test_it_needs_a_reply_text_to_resolve(fb, org):
    with pytest.raises(TransitionError):
        FEEDBACK.apply(fb, "resolve", by=org.head_wuye, note="  ")


def test_it_reopens_to_the_department_on_an_unhappy_callback(fb, org):
    resolve(fb, org)
    record_callback(fb, by=org.operator, reached=True, satisfied=2, comment="灯又坏了")
    fb.refresh_from_db()
    assert fb.status == Status.REOPENED and fb.reopen_count == 1 and fb.department == org.wuye
    assert fb.callback_result == CallbackResult.DISSATISFIED
    assert fb.resolved_at is None


def test_it_closes_as_unreachable_after_n_attempts(fb, org, settings):
    settings.QS_CALLBACK_MAX_ATTEMPTS = 3
    resolve(fb, org)
    record_callback(fb, by=org.operator, reached=False)
    fb.refresh_from_db()
    assert fb.status == Status.CALLBACK
    record_callback(fb, by=org.operator, reached=False)
    record_callback(fb, by=org.operator, reached=False)
    fb.refresh_from_db()
    assert fb.status == Status.CLOSED and fb.callback_result == CallbackResult.UNREACHABLE
    assert fb.callbacks.count() == 3
    with pytest.raises(TransitionError):
        record_callback(fb, by=org.operator, reached=False)


def test_it_transfers_and_recomputes_the_deadline(fb, org):
    services.assign(fb, staff_of(org.staff_wuye), by=org.head_wuye)
    FEEDBACK.apply(fb, "transfer", by=org.supervisor, department=org.yinshi, note="属于餐厅")
    fb.refresh_from_db()
    assert fb.department == org.yinshi and fb.status == Status.RECEIVED and fb.assigned_to is None
    with pytest.raises(TransitionError):
        FEEDBACK.apply(fb, "transfer", by=org.supervisor, department=org.yinshi)  # same department


def test_it_lets_the_operator_route_only_new_items(fb, org):
    FEEDBACK.apply(fb, "transfer", by=org.operator, department=org.yinshi)
    services.assign(fb, staff_of(org.staff_yinshi), by=org.head_yinshi)
    with pytest.raises(TransitionError):
        FEEDBACK.apply(fb, "transfer", by=org.operator, department=org.wuye)


def test_it_merges_duplicates_into_the_kept_item(fb, org):
    keep = make_feedback(org, title="同一盏灯")
    FEEDBACK.apply(fb, "merge", by=org.supervisor, target=keep)
    fb.refresh_from_db()
    assert fb.status == Status.MERGED and fb.merged_into == keep
    assert list(keep.duplicates.all()) == [fb]
    with pytest.raises(TransitionError):
        FEEDBACK.apply(keep, "merge", by=org.supervisor, target=fb)  # into a merged item


def test_it_accepts_the_rating_link_once_and_reopens_when_unhappy(fb, org):
    resolve(fb, org)
    with pytest.raises(TransitionError):
        services.rate_handling(fb, "wrong-token", 5)
    services.rate_handling(fb, fb.rating_token, 1, "没解决")
    fb.refresh_from_db()
    assert fb.status == Status.REOPENED and fb.satisfaction == 1
    with pytest.raises(TransitionError):
        services.rate_handling(fb, fb.rating_token, 5)


def test_it_creates_feedback_idempotently_on_the_submission_key(org):
    a = make_feedback(org, submission_key="k1")
    b = make_feedback(org, submission_key="k1")
    assert a.pk == b.pk and Feedback.objects.count() == 1


def test_it_stores_no_identity_for_anonymous_feedback(org):
    fb = make_feedback(org, anonymous=True, client_ip="10.0.0.1")
    fb.refresh_from_db()
    assert (fb.submitter_name, fb.submitter_contact, fb.client_ip, fb.submitter_user) == ("", "", None, None)


def test_it_routes_by_place_then_triage_as_a_fallback(org, settings):
    settings.QS_FEEDBACK_TRIAGE_DEPARTMENT = "office"
    assert make_feedback(org, department=None, place=org.canteen).department == org.yinshi
    assert make_feedback(org, department=None).department == org.office
    assert make_feedback(org, department=None, staff=staff_of(org.staff_yinshi)).department == org.yinshi


def test_it_lets_other_apps_create_feedback_through_the_stable_signature(org):
    import uuid

    key = uuid.uuid5(uuid.NAMESPACE_URL, "qualityservice:survey-answer:1")
    kwargs = dict(kind="suggestion", channel="survey", department=org.yinshi, title="问卷意见：" + "长" * 300, body="希望增加夜宵",
                  anonymous=True, created_by=org.supervisor, source_ref="survey-answer:1", submission_key=key)
    first = services.create_feedback(**kwargs)
    again = services.create_feedback(**kwargs)
    assert first == again and isinstance(first, services.FeedbackRef)
    record = Feedback.objects.get()
    assert (first.pk, first.code, first.url) == (record.pk, record.code, record.get_absolute_url())
    assert record.channel == "survey" and len(record.title) == 200 and record.events.get().actor == org.supervisor


ACTIONS = ["accept", "assign", "start", "resolve", "callback_unreached", "callback_satisfied", "callback_dissatisfied",
           "close", "reopen", "transfer", "merge"]


@pytest.mark.django_db
def test_it_keeps_the_record_consistent_through_any_sequence_of_moves(org):
    """Property: whatever the supervisor tries, refused moves change nothing and accepted ones
    leave a consistent record with one event per move."""
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hsettings
    from hypothesis import strategies as st

    worker = staff_of(org.staff_wuye)

    @hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=12))
    def run(actions):
        fb = make_feedback(org)
        other = make_feedback(org)
        for action in actions:
            before = (fb.status, fb.events.count())
            params = {"assign": {"staff": staff_of(org.staff_wuye) if fb.department_id == org.wuye.pk else staff_of(org.staff_yinshi)},
                      "transfer": {"department": org.yinshi if fb.department_id == org.wuye.pk else org.wuye},
                      "merge": {"target": other}, "callback_satisfied": {"score": 4},
                      "callback_dissatisfied": {"score": 1}}.get(action, {})
            try:
                FEEDBACK.apply(fb, action, by=org.supervisor, note="说明", **params)
            except TransitionError:
                fb.refresh_from_db()
                assert (fb.status, fb.events.count()) == before
                continue
            fb.refresh_from_db()
            assert fb.events.count() == before[1] + 1
            assert fb.events.last().from_status == before[0] and fb.events.last().to_status == fb.status
            if fb.status == Status.MERGED:
                assert fb.merged_into_id == other.pk
            if fb.status in (Status.RESOLVED, Status.CALLBACK):
                assert fb.resolved_at is not None and fb.replies.filter(is_public=True).exists()
            if fb.status == Status.CLOSED:
                assert fb.closed_at is not None
            if fb.status in (Status.ASSIGNED, Status.IN_PROGRESS) and fb.assigned_to_id:
                assert fb.assigned_to.department_id == fb.department_id
        assert worker.pk  # fixture still valid

    run()
