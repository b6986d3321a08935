"""Periodic jobs: escalation of overdue items (once), the published figures aggregate and its pages."""

import datetime as dt

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from qualityservice.feedback import services, tasks
from qualityservice.feedback.models import PublishedFigure, Status
from qualityservice.feedback.workflows import FEEDBACK
from qualityservice.org.models import Staff

from .factories import make_feedback


def overdue_item(org, **kw):
    fb = make_feedback(org, **kw)
    fb.__class__.objects.filter(pk=fb.pk).update(deadline=timezone.now() - dt.timedelta(hours=1))
    return fb


def test_it_flags_and_notifies_an_escalation_once(org, django_capture_on_commit_callbacks):
    fb = overdue_item(org)
    make_feedback(org)  # not due yet
    org.supervisor.email = "sup@example.com"
    org.supervisor.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.escalate_overdue() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.escalate_overdue() == 0  # claimed already
    fb.refresh_from_db()
    assert fb.is_overdue and fb.escalated_at is not None
    assert fb.events.filter(action="escalate").count() == 1
    assert [m.to for m in mail.outbox if fb.code in m.subject] == [["sup@example.com"]]


def test_it_does_not_escalate_resolved_items(org):
    fb = overdue_item(org)
    FEEDBACK.apply(fb, "resolve", by=org.head_wuye, note="好了")
    assert services.escalate_overdue() == 0
    fb.refresh_from_db()
    assert fb.resolved_on_time is False  # answered after the deadline


def test_it_aggregates_received_resolved_on_time_and_satisfaction_figures(org):
    a = make_feedback(org)
    FEEDBACK.apply(a, "resolve", by=org.head_wuye, note="已处理")
    services.record_callback(a, by=org.operator, reached=True, satisfied=4)
    b = overdue_item(org)
    FEEDBACK.apply(b, "resolve", by=org.head_wuye, note="晚了")
    services.record_callback(b, by=org.operator, reached=True, satisfied=2)
    make_feedback(org)
    make_feedback(org, department=org.yinshi)
    assert tasks.refresh_public_figures() == 2
    assert tasks.refresh_public_figures() == 2  # idempotent
    wuye = PublishedFigure.objects.get(department=org.wuye)
    assert (wuye.received, wuye.resolved, wuye.on_time, wuye.rated, wuye.satisfaction_sum) == (3, 1, 1, 2, 6)
    # b was reopened by the unhappy callback: not resolved any more.
    assert wuye.satisfaction == 3.0 and wuye.on_time_rate == 100.0


def test_it_reads_the_aggregate_on_the_public_figures_page_with_fixed_queries(client, org, django_assert_max_num_queries):
    make_feedback(org)
    services.refresh_public_figures()
    with django_assert_max_num_queries(3):
        html = client.get(reverse("feedback:public_figures")).content.decode()
    assert "物业管理中心" in html and 'id="fb-figures-data"' in html
    for i in range(30):
        make_feedback(org, department=[org.wuye, org.yinshi, org.office][i % 3])
    PublishedFigure.objects.create(department=org.wuye, month=dt.date(2026, 1, 1), received=5)
    services.refresh_public_figures()
    with django_assert_max_num_queries(3):
        html = client.get(reverse("feedback:public_figures")).content.decode()
    assert "饮食服务中心" in html and "集团办公室" in html


def test_it_scopes_the_department_figures_page(client, org):
    make_feedback(org)
    services.refresh_public_figures()
    client.force_login(org.head_wuye)
    html = client.get(reverse("feedback:department_figures", args=[org.wuye.pk])).content.decode()
    assert 'data-testid="dept-figures"' in html and timezone.localdate().strftime("%Y-%m") in html
    assert client.get(reverse("feedback:department_figures", args=[org.yinshi.pk])).status_code == 404


def test_it_clears_the_escalation_for_the_new_department_on_transfer(org):
    fb = overdue_item(org)
    services.escalate_overdue()
    FEEDBACK.apply(fb, "transfer", by=org.supervisor, department=org.yinshi)
    fb.refresh_from_db()
    assert fb.escalated_at is None and fb.status == Status.RECEIVED and fb.deadline > timezone.now()
    assert Staff.objects.filter(department=org.yinshi).exists()


def test_it_links_the_department_page_to_its_feedback_figures(client, org):
    client.force_login(org.head_wuye)
    html = client.get(reverse("org:department_detail", args=[org.wuye.pk])).content.decode()
    assert reverse("feedback:department_figures", args=[org.wuye.pk]) in html


def test_it_sends_an_escalation_to_the_supervisors_and_the_head_through_the_outbox(org, django_capture_on_commit_callbacks):
    from qualityservice.core.models import Notification

    fb = overdue_item(org)
    for user, email in ((org.supervisor, "sup@example.com"), (org.head_wuye, "head@example.com"),
                        (org.head_yinshi, "other-head@example.com")):
        user.email = email
        user.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.escalate_overdue() == 1
    [payload] = [n.payload for n in Notification.objects.all() if n.payload.get("supervisors")]
    assert (payload["heads_of"], payload["user_ids"]) == ([org.wuye.pk], [])  # resolved by the worker
    assert fb.code in payload["subject"]
    assert [sorted(m.to) for m in mail.outbox if m.subject == payload["subject"]] == [["head@example.com", "sup@example.com"]]
