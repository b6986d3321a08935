"""Reopening an item, by any path (the item page's reopen, an unhappy callback, an unhappy rating through the
submitter's link): the same people are told (the department's heads and the assignee) and the answer is owed
within a new deadline from the department's commitment — the old one has passed and would escalate at once."""

import datetime as dt

import pytest
from django.utils import timezone

from qualityservice.core.models import Notification
from qualityservice.feedback import services
from qualityservice.feedback.calendar import compute_deadline
from qualityservice.feedback.models import Feedback, Status
from qualityservice.feedback.workflows import FEEDBACK
from qualityservice.org.models import Staff

from .factories import make_feedback


def profile(user):
    return Staff.objects.get(user=user)


@pytest.fixture
def answered(org):
    """A complaint received twelve days ago, assigned, escalated when its deadline passed, then answered."""
    fb = make_feedback(org, title="宿舍热水不热")
    services.assign(fb, profile(org.staff_wuye), by=org.head_wuye)
    long_ago = timezone.now() - dt.timedelta(days=12)
    Feedback.objects.filter(pk=fb.pk).update(created_at=long_ago, deadline=long_ago + dt.timedelta(days=1))
    assert services.escalate_overdue() == 1
    FEEDBACK.apply(fb, "resolve", by=org.head_wuye, note="已检修热水器。")
    fb.refresh_from_db()
    assert fb.is_overdue and fb.escalated_at is not None
    return fb


def _reopen(path, fb, org):
    if path == "rating link":
        services.rate_handling(fb, fb.rating_token, 1, "还是不热")
    elif path == "callback":
        services.record_callback(fb, by=org.operator, reached=True, satisfied=2, comment="还是不热")
    else:
        FEEDBACK.apply(fb, "reopen", by=org.operator, note="学生来电说还是不热")
    fb.refresh_from_db()
    assert fb.status == Status.REOPENED


PATHS = ["rating link", "callback", "item page"]


@pytest.mark.parametrize("path", PATHS)
def test_it_tells_the_head_and_the_assignee_on_every_reopen(org, answered, path):
    before = Notification.objects.count()
    _reopen(path, answered, org)
    [notice] = Notification.objects.order_by("pk")[before:]
    payload = notice.payload
    assert payload["heads_of"] == [org.wuye.pk] and payload["user_ids"] == [org.staff_wuye.pk]
    assert answered.code in payload["subject"] and "重新打开" in payload["subject"]
    assert payload["body"] == "宿舍热水不热" and payload["url"] == answered.get_absolute_url()
    if path != "item page":
        assert "不满意" in payload["subject"]


def test_it_tells_the_same_people_through_the_rating_link_as_through_the_callback(org):
    def recipients(path):
        fb = make_feedback(org, title=f"经{path}重新打开")
        services.assign(fb, profile(org.staff_wuye), by=org.head_wuye)
        FEEDBACK.apply(fb, "resolve", by=org.head_wuye, note="已处理。")
        before = Notification.objects.count()
        _reopen(path, fb, org)
        return [(n.payload["heads_of"], n.payload["user_ids"], n.payload["subject"].replace(fb.code, "…"))
                for n in Notification.objects.order_by("pk")[before:]]

    assert recipients("rating link") == recipients("callback") != []


@pytest.mark.parametrize("path", PATHS)
def test_it_starts_a_new_deadline_from_the_commitment_on_every_reopen(org, answered, path):
    started = timezone.now()
    _reopen(path, answered, org)
    finished = timezone.now()
    # 投诉24小时内答复 (24 working hours) from the moment of the reopen.
    earliest, latest = (compute_deadline(t, org.wuye.pk, "complaint") for t in (started, finished))
    assert earliest <= answered.deadline <= latest and answered.deadline > finished
    assert (answered.is_overdue, answered.escalated_at, answered.is_late) == (False, None, False)
    assert services.escalate_overdue() == 0  # not escalated again within minutes
    # Escalated again once the new deadline passes.
    assert services.escalate_overdue(now=answered.deadline + dt.timedelta(minutes=1)) == 1
