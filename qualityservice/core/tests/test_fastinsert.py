"""core.fastinsert: a row and its companions in one statement on PostgreSQL (the ORM elsewhere), atomic."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from qualityservice.core.fastinsert import insert_together
from qualityservice.core.models import Notification


def rows(app_label="qs_test", model="thing", codename="see_thing"):
    parent = ContentType(app_label=app_label, model=model)
    child = Permission(name="可以查看", codename=codename)
    note = Notification(payload={"subject": "新投诉", "emails": ["a@example.edu.cn"]})
    return parent, child, note


def test_it_inserts_the_parent_its_children_and_sets_every_key(db):
    parent, child, note = rows()
    insert_together(parent, [(child, "content_type_id"), (note, None)])
    assert parent.pk and child.pk and note.pk and not parent._state.adding
    assert Permission.objects.get(pk=child.pk).content_type_id == parent.pk
    stored = Notification.objects.get(pk=note.pk)
    assert stored.payload["subject"] == "新投诉" and stored.created_at is not None  # defaults and JSON as the ORM does


def test_a_constraint_failure_writes_nothing_and_leaves_the_transaction_usable(db):
    insert_together(rows()[0])
    parent, child, note = rows()  # the same (app_label, model): unique
    with pytest.raises(IntegrityError):
        insert_together(parent, [(child, "content_type_id"), (note, None)])
    assert not Notification.objects.exists() and not Permission.objects.filter(codename="see_thing").exists()
    assert ContentType.objects.filter(app_label="qs_test").count() == 1  # the transaction still works


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_it_is_one_statement_in_autocommit():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: elsewhere the ORM saves the rows in one transaction")
    parent, child, note = rows(app_label="qs_test_ac")
    assert not connection.in_atomic_block
    with CaptureQueriesContext(connection) as ctx:
        insert_together(parent, [(child, "content_type_id"), (note, None)])
    assert len(ctx.captured_queries) == 1 and ctx.captured_queries[0]["sql"].startswith("WITH p AS (INSERT INTO")
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_together(rows(app_label="qs_test_ac")[0])
    Permission.objects.filter(content_type__app_label="qs_test_ac").delete()
    ContentType.objects.filter(app_label="qs_test_ac").delete()
    Notification.objects.all().delete()


def test_inside_a_block_that_rolls_back_as_a_whole_it_can_do_without_its_own_savepoint(db):
    parent, child, note = rows(app_label="qs_test_sp")
    with CaptureQueriesContext(connection) as ctx, transaction.atomic():  # a savepoint inside the test's transaction
        insert_together(parent, [(child, "content_type_id"), (note, None)], savepoint=False)
    assert sum("SAVEPOINT" in q["sql"].upper() for q in ctx.captured_queries) == 2  # the block's own, and its release
    assert Permission.objects.get(pk=child.pk).content_type_id == parent.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_together(rows(app_label="qs_test_sp")[0], savepoint=False)
    assert ContentType.objects.filter(app_label="qs_test_sp").count() == 1  # the block was rolled back, not the test's
