"""Migration 0007: items still waiting for their deferred first history row get it, as they were received."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("feedback", "0006_submission_key_field")]
AFTER = [("feedback", "0007_history_at_creation")]


@pytest.mark.django_db(transaction=True)
def test_it_writes_the_pending_first_history_rows_and_drops_the_flag(org):
    from qualityservice.feedback.tests.factories import make_feedback

    done = make_feedback(org, title="已有历史")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        Feedback, Historical = old.get_model("feedback", "Feedback"), old.get_model("feedback", "HistoricalFeedback")
        pending = Feedback.objects.create(
            department_id=org.wuye.pk, title="楼道灯坏了", body="三楼", code="PENDING234", rating_token="t" * 20,
            created_by_id=org.operator.pk, history_baseline_pending=True)
        # Flagged by the escalation job since (a queryset update: no history row, the flag still set).
        Feedback.objects.filter(pk=pending.pk).update(is_overdue=True)
        assert not Historical.objects.filter(id=pending.pk).exists()
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(AFTER)
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())  # the current models' columns
    from qualityservice.feedback.models import Feedback as Current

    item = Current.objects.get(pk=pending.pk)
    [row] = item.history.all()
    assert (row.history_type, row.title, row.status, row.is_overdue, row.history_date, row.history_user) == (
        "+", "楼道灯坏了", "received", True, item.created_at, org.operator)
    assert done.history.count() == 1  # items with their row are left alone
