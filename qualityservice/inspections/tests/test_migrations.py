"""The migration of the submission keys from UUID columns to the platform's submission-key column keeps
every existing key, as its 32 hex digits, on SQLite and on PostgreSQL alike."""

import datetime
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("inspections", "0003_workflow_engine")]
AFTER = [("inspections", "0004_submission_keys")]


@pytest.mark.django_db(transaction=True)
def test_it_converts_existing_uuid_keys_to_hex_strings(org):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    inspection_key, discussion_key = uuid.uuid4(), uuid.uuid4()
    old.get_model("inspections", "Inspection").objects.create(
        department_id=org.wuye.pk, title="迁移前的检查", due_date=datetime.date(2026, 3, 1), submission_key=inspection_key)
    old.get_model("inspections", "Inspection").objects.create(
        department_id=org.wuye.pk, title="没有键的检查", due_date=datetime.date(2026, 3, 1))
    old.get_model("inspections", "DiscussionRecord").objects.create(
        department_id=org.wuye.pk, held_on=datetime.date(2026, 3, 1), participants="甲", summary="乙",
        submission_key=discussion_key)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    from qualityservice.inspections.models import DiscussionRecord, Inspection

    keys = dict(Inspection.objects.values_list("title", "submission_key"))
    assert keys == {"迁移前的检查": inspection_key.hex, "没有键的检查": None}
    assert DiscussionRecord.objects.get().submission_key == discussion_key.hex
    Inspection.objects.filter(title="没有键的检查").update(submission_key="inspection:" + uuid.uuid4().hex)

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)  # and back: keys that are no UUID are cleared, UUIDs stay
    old = executor.loader.project_state(BEFORE).apps
    keys = dict(old.get_model("inspections", "Inspection").objects.values_list("title", "submission_key"))
    assert keys == {"迁移前的检查": inspection_key, "没有键的检查": None}
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
