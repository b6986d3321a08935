"""Insert a new row together with the rows that go with it, in ONE statement on PostgreSQL.

A public submission writes a record, its first timeline event and a notification (outbox) row.
Through the ORM that is BEGIN, three INSERTs and COMMIT: five round trips and three INSERTs compiled
one by one. On PostgreSQL, data-modifying CTEs do it in one statement, atomic by itself:

    WITH p AS (INSERT INTO parent (…) VALUES (…) RETURNING id),
         c0 AS (INSERT INTO child (…, parent_id) SELECT …, p.id FROM p RETURNING id),
         c1 AS (INSERT INTO other (…) VALUES (…) RETURNING id)
    SELECT p.id, c0.id, c1.id FROM p, c0, c1

Column lists, placeholders and values come from Django's own insert compiler (``pre_save`` for
auto_now fields, ``get_db_prep_save`` conversions), so a field added to a model is handled like in
``save()``. Model signals are not sent: use it only for models without receivers that matter (the
callers document theirs). On other databases the instances are saved by the ORM in one transaction.
Inside an outer transaction the statement runs in a savepoint, so that a failure (a unique key) leaves
the outer transaction usable, as ``atomic()`` would.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Model
from django.db.models.sql import InsertQuery


def _insert_parts(obj: Model, skip: str | None = None) -> tuple[list[str], list[str], list]:
    """(quoted columns, placeholders, params) of ``obj``'s INSERT, without its auto id and ``skip``."""
    meta = obj._meta
    fields = [f for f in meta.local_concrete_fields
              if f is not meta.auto_field and f.attname != skip and not getattr(f, "generated", False)]
    query = InsertQuery(type(obj))
    query.insert_values(fields, [obj])
    compiler = query.get_compiler(connection=connection)
    values = [compiler.prepare_value(f, compiler.pre_save_val(f, obj)) for f in fields]
    placeholders, params = compiler.assemble_as_sql(fields, [values])
    qn = connection.ops.quote_name
    return [qn(f.column) for f in fields], list(placeholders[0]), list(params[0])


def _one_statement(parent: Model, children: list[tuple[Model, str | None]]) -> list[int]:
    qn = connection.ops.quote_name
    cols, marks, params = _insert_parts(parent)
    pk = qn(parent._meta.pk.column)
    ctes = [f"p AS (INSERT INTO {qn(parent._meta.db_table)} ({', '.join(cols)}) VALUES ({', '.join(marks)}) RETURNING {pk})"]
    for i, (child, fk) in enumerate(children):
        c_cols, c_marks, c_params = _insert_parts(child, skip=fk)
        table, c_pk = qn(child._meta.db_table), qn(child._meta.pk.column)
        if fk:
            column = qn(child._meta.get_field(fk.removesuffix("_id")).column)
            ctes.append(f"c{i} AS (INSERT INTO {table} ({', '.join([*c_cols, column])}) "
                        f"SELECT {', '.join([*c_marks, 'p.' + pk])} FROM p RETURNING {c_pk})")
        else:
            ctes.append(f"c{i} AS (INSERT INTO {table} ({', '.join(c_cols)}) VALUES ({', '.join(c_marks)}) RETURNING {c_pk})")
        params += c_params
    returned = [("p", pk)] + [(f"c{i}", qn(child._meta.pk.column)) for i, (child, _fk) in enumerate(children)]
    sql = (f"WITH {', '.join(ctes)} SELECT {', '.join(f'{name}.{col}' for name, col in returned)} "
           f"FROM {', '.join(name for name, _col in returned)}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchone())


def insert_together(parent: Model, children: list[tuple[Model, str | None]] = (), *, savepoint: bool = True) -> None:
    """Insert ``parent`` and ``children`` atomically. Each child is (instance, fk attname or None):
    with an attname (e.g. "feedback_id") the child's foreign key is set to the parent's new id.
    Sets the primary keys on every instance. Raises IntegrityError (nothing written) on a constraint.
    ``savepoint=False`` inside an atomic block that is rolled back as a whole when this fails (e.g. the
    ``create`` of ``core.submissions.create_once``): no savepoint of its own, two statements fewer."""
    children = list(children)
    if connection.vendor != "postgresql":
        with transaction.atomic(savepoint=savepoint):
            parent.save(force_insert=True)
            for child, fk in children:
                if fk:
                    setattr(child, fk, parent.pk)
                child.save(force_insert=True)
        return
    if connection.in_atomic_block and savepoint:
        with transaction.atomic():  # a savepoint: a failure leaves the caller's transaction usable
            ids = _one_statement(parent, children)
    else:
        ids = _one_statement(parent, children)  # autocommit: the statement is its own transaction
    for obj, new_id in zip([parent, *(c for c, _fk in children)], ids, strict=True):
        obj.pk = new_id
        obj._state.adding = False
        obj._state.db = connection.alias
    for child, fk in children:
        if fk:
            setattr(child, fk, parent.pk)
