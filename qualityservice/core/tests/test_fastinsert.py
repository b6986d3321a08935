"""core.fastinsert: a row, its companions, many rows and counter upserts in one statement on PostgreSQL (the ORM
elsewhere), atomic, with every column and default taken from the models."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from qualityservice.core.fastinsert import Upsert, insert_together, upsert
from qualityservice.core.models import Notification
from qualityservice.org.models import Department


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


def test_it_writes_nothing_on_a_constraint_failure_and_leaves_the_transaction_usable(db):
    insert_together(rows()[0])
    parent, child, note = rows()  # the same (app_label, model): unique
    with pytest.raises(IntegrityError):
        insert_together(parent, [(child, "content_type_id"), (note, None)])
    assert not Notification.objects.exists() and not Permission.objects.filter(codename="see_thing").exists()
    assert ContentType.objects.filter(app_label="qs_test").count() == 1  # the transaction still works


@pytest.mark.django_db(transaction=True)
def test_it_is_one_statement_in_autocommit_on_postgresql():
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


def test_it_does_without_its_own_savepoint_inside_a_block_that_rolls_back_as_a_whole(db):
    parent, child, note = rows(app_label="qs_test_sp")
    with CaptureQueriesContext(connection) as ctx, transaction.atomic():  # a savepoint inside the test's transaction
        insert_together(parent, [(child, "content_type_id"), (note, None)], savepoint=False)
    assert sum("SAVEPOINT" in q["sql"].upper() for q in ctx.captured_queries) == 2  # the block's own, and its release
    assert Permission.objects.get(pk=child.pk).content_type_id == parent.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_together(rows(app_label="qs_test_sp")[0], savepoint=False)
    assert ContentType.objects.filter(app_label="qs_test_sp").count() == 1  # the block was rolled back, not the test's


# --- Several rows at once and counters (Upsert) -------------------------------------------------------

def department_counter(code: str, n: int, **fields) -> Upsert:
    """A stand-in counter table: org.Department keyed by its unique code, ``sort_order`` as the counter."""
    return Upsert(Department, key=("code",), add=("sort_order",), rows=[{"code": code, "name": f"部门{code}", "sort_order": n, **fields}])


def test_it_adds_to_counters_and_gives_every_field_a_row_does_not_name_its_python_default(db):
    upsert(department_counter("fi-a", 5))
    upsert(department_counter("fi-a", 7), department_counter("fi-b", 1))
    a = Department.objects.get(code="fi-a")
    assert a.sort_order == 12 and Department.objects.get(code="fi-b").sort_order == 1
    assert (a.kind, a.is_active, a.name_en, a.parent_id) == (Department.Kind.CENTRE, True, "", None)  # model defaults


def test_it_writes_many_rows_pointing_at_the_parent_and_the_counters_with_it(db):
    parent = ContentType(app_label="qs_test_many", model="thing")
    perms = [Permission(name=f"权限{i}", codename=f"many_{i}") for i in range(3)]
    insert_together(parent, many=[(perms, "content_type_id")], upserts=[department_counter("fi-many", 2)])
    assert parent.pk and all(p.pk for p in perms) and {p.content_type_id for p in perms} == {parent.pk}
    stored = dict(Permission.objects.filter(content_type=parent).values_list("pk", "codename"))
    assert stored == {p.pk: p.codename for p in perms}  # each instance got its own row's id
    assert Department.objects.get(code="fi-many").sort_order == 2


def test_it_writes_nothing_when_a_counter_cannot_be_written(db):
    parent = ContentType(app_label="qs_test_fail", model="thing")
    with pytest.raises(IntegrityError):
        insert_together(parent, many=[([Permission(name="x", codename="fail_x")], "content_type_id")],
                        upserts=[department_counter("fi-neg", -1)])  # a positive counter below zero
    assert not ContentType.objects.filter(app_label="qs_test_fail").exists()
    assert not Permission.objects.filter(codename="fail_x").exists() and not Department.objects.filter(code="fi-neg").exists()
    with pytest.raises(ValueError, match="unknown fields"):
        upsert(department_counter("fi-typo", 1, sortorder=3))


@pytest.mark.django_db(transaction=True)
def test_it_writes_rows_and_counters_in_one_postgresql_statement_with_columns_from_the_models():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: elsewhere the ORM saves the rows and the counters in one transaction")
    parent = ContentType(app_label="qs_test_one", model="thing")
    perms = [Permission(name=f"权限{i}", codename=f"one_{i}") for i in range(4)]
    try:
        with CaptureQueriesContext(connection) as ctx:
            insert_together(parent, many=[(perms, "content_type_id")], upserts=[department_counter("fi-one", 3)],
                            shared_lock=424242)
        assert len(ctx.captured_queries) == 1
        sql = ctx.captured_queries[0]["sql"]
        columns = re.search(r'INSERT INTO "org_department" \(([^)]*)\)', sql).group(1)
        expected = [f.column for f in Department._meta.local_concrete_fields if f is not Department._meta.auto_field]
        assert [c.strip('" ') for c in columns.split(",")] == expected  # every column, none listed by hand
        assert "pg_advisory_xact_lock_shared" in sql
        department = Department.objects.get(code="fi-one")
        assert (department.sort_order, department.kind, department.is_active) == (3, Department.Kind.CENTRE, True)
        assert Permission.objects.filter(content_type=parent).count() == 4
    finally:
        Permission.objects.filter(content_type__app_label="qs_test_one").delete()
        ContentType.objects.filter(app_label="qs_test_one").delete()
        Department.objects.filter(code="fi-one").delete()


def test_it_writes_a_new_records_first_history_row_with_it_and_the_rows_in_one_statement_each_on_sqlite(db):
    from django.utils import timezone

    from qualityservice.core.fastinsert import History
    from qualityservice.org.models import Staff

    dept = Department.objects.create(code="qs-hist", name="历史部")
    staff = Staff(department=dept, name="王师傅", badge_number="H-001", post="维修工")
    at = timezone.now()
    with CaptureQueriesContext(connection) as ctx:
        insert_together(staff, history=History(at=at, reason="imported"))
    [row] = staff.history.all()
    assert (row.id, row.name, row.history_type, row.history_change_reason, row.history_date) == (
        staff.pk, "王师傅", "+", "imported", at)
    assert row.created_at == Staff.objects.get(pk=staff.pk).created_at  # auto_now_add: the value inserted
    inserts = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith(("INSERT", "WITH"))]
    assert len(inserts) == (1 if connection.vendor == "postgresql" else 2), inserts


def test_it_finds_the_history_model_once_not_through_simple_historys_manager_on_every_insert(db, monkeypatch):
    from django.utils import timezone
    from simple_history.manager import HistoryDescriptor

    from qualityservice.core.fastinsert import History
    from qualityservice.org.models import Staff

    dept = Department.objects.create(code="qs-hist2", name="历史二部")
    insert_together(Staff(department=dept, name="甲", badge_number="H-101", post="维修工"), history=History(at=timezone.now()))
    managers = []
    original = HistoryDescriptor.__get__
    monkeypatch.setattr(HistoryDescriptor, "__get__", lambda self, *a: managers.append(1) or original(self, *a))
    staff = Staff(department=dept, name="乙", badge_number="H-102", post="维修工")
    insert_together(staff, history=History(at=timezone.now()))
    assert managers == []  # each access builds a manager class (~0.2 ms)
    assert [row.name for row in staff.history.all()] == ["乙"]
