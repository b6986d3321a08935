"""Insert a new row together with the rows that go with it, in ONE statement on PostgreSQL.

A public submission writes a record, its first timeline event and a notification (outbox) row — or a
survey response, its answers and the result counters it adds to. Through the ORM that is BEGIN, one
INSERT per table and COMMIT, each compiled one by one. On PostgreSQL, data-modifying CTEs do it in one
statement, atomic by itself:

    WITH p AS (INSERT INTO parent (…) VALUES (…) RETURNING id),
         c0 AS (INSERT INTO child (…, parent_id) SELECT …, p.id FROM p RETURNING id),
         m0 AS (INSERT INTO line (…, parent_id) SELECT v.*, p.id FROM p CROSS JOIN (VALUES (…), (…)) v RETURNING id),
         u0 AS (INSERT INTO counter (…) VALUES (…), (…) ON CONFLICT (key) DO UPDATE SET n = counter.n + excluded.n)
    SELECT p.id, c0.id, ARRAY(SELECT id FROM m0) FROM p, c0

Column lists, placeholders and values come from the models: Django's own insert compiler for instances
(``pre_save`` for auto_now fields, ``get_db_prep_save`` conversions), the model's fields and their
defaults for the counter rows of an :class:`Upsert` — so a field added to a model is written like
``save()`` writes it, with its default, and no caller lists columns by hand. Where a value comes out of
a ``SELECT`` (the rows that point at the parent) it is cast to its column's type, so a NULL or a string
does not arrive as ``text``.

Model signals are not sent, on any database: use it only for models without receivers that matter (the
callers document theirs). On other databases (SQLite) each row is one ``INSERT … RETURNING`` whose SQL is
built once per model, with the same values, and the counters are upserted, in one transaction. Inside an outer transaction the statement runs in a savepoint, so that a failure (a unique
key) leaves the outer transaction usable, as ``atomic()`` would.

``shared_lock``: the statement first takes ``pg_advisory_xact_lock_shared(key)`` (every row it writes
depends on it), so a job holding the exclusive lock of that key (:func:`advisory_lock`) runs alone
against these writers and no one else. SQLite needs no such lock: its write transactions (``IMMEDIATE``)
are serialised anyway.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Model
from django.db.models.sql import InsertQuery
from django.db.models.sql.compiler import SQLInsertCompiler


@dataclass
class Upsert:
    """Rows added to counters: ``INSERT … ON CONFLICT (key) DO UPDATE SET c = t.c + excluded.c`` for each
    field ``c`` of ``add``. ``key``: the field names of a unique constraint of ``model`` (the conflict
    target); ``rows``: one dict per counter row, by field name or attname — every other field of the
    model gets its default. Rows are written in key order, so two writers lock counter rows in the same
    order (no deadlock); two rows with the same key in one Upsert are not allowed (sum them first)."""

    model: type[Model]
    key: Sequence[str]
    add: Sequence[str]
    rows: list[dict] = field(default_factory=list)


_FIELDS: dict = {}


def _db():
    """The default connection itself: the ``connection`` proxy costs a context-local look-up per attribute,
    and the hot path reads a few hundred."""
    return connections[DEFAULT_DB_ALIAS]


_CASTS: dict = {}


def _fields(model: type[Model], skip: str | None = None) -> list:
    """The columns an INSERT of ``model`` writes: its concrete fields but the auto id (and ``skip``).
    Kept per model: the hot path asks for the same few on every submission."""
    key = (model, skip)
    fields = _FIELDS.get(key)
    if fields is None:
        meta = model._meta
        fields = _FIELDS[key] = [f for f in meta.local_concrete_fields
                                 if f is not meta.auto_field and f.attname != skip and not getattr(f, "generated", False)]
    return fields


def _compiled(objs: Sequence[Model], fields: list) -> tuple[list[list[str]], list[list]]:
    """(placeholders, params) per instance, from Django's insert compiler (``pre_save``, then the field's
    preparation) — except a plain int/str/None of a plain field without its own ``pre_save``, taken as it is."""
    connection = _db()
    query = InsertQuery(type(objs[0]))
    query.insert_values(fields, objs)
    compiler = query.get_compiler(connection=connection)
    plain = _plain_attnames(type(objs[0]), fields)
    values = []
    for obj in objs:
        row = []
        for f, attname in zip(fields, plain, strict=True):
            if attname is not None:
                value = getattr(obj, attname)
                if value is None or type(value) in (int, str):
                    row.append(value)
                    continue
            row.append(compiler.prepare_value(f, compiler.pre_save_val(f, obj)))
        values.append(row)
    return _assemble(compiler, fields, values)


_PLAIN_ATTNAMES: dict = {}


def _plain_attnames(model: type[Model], fields: list) -> list:
    """Per field: its attname when the field is plain (see ``_PLAIN_TYPES``) and keeps Django's own ``pre_save``,
    else None."""
    key = (model, tuple(fields))
    found = _PLAIN_ATTNAMES.get(key)
    if found is None:
        from django.db.models import Field

        found = _PLAIN_ATTNAMES[key] = [
            f.attname if ((f.target_field if f.is_relation else f).get_internal_type() in _PLAIN_TYPES
                          and type(f).pre_save is Field.pre_save) else None
            for f in fields
        ]
    return found


def _assemble(compiler, fields: list, values: list[list]) -> tuple[list[list[str]], list[list]]:
    """One placeholder per value and row, as the generic insert compiler makes them (PostgreSQL's own turns
    several rows into UNNEST arrays, which a VALUES list cannot take). Plain values — the usual case — get
    ``%s`` without a round through the compiler."""
    if any(hasattr(f, "get_placeholder") for f in fields) or any(hasattr(v, "as_sql") for row in values for v in row):
        placeholders, params = SQLInsertCompiler.assemble_as_sql(compiler, fields, values)
        return [list(p) for p in placeholders], [list(p) for p in params]
    marks = ["%s"] * len(fields)
    return [marks for _row in values], [list(row) for row in values]


def _row_value(f, row: dict):
    if f.name in row:
        return row[f.name]
    if f.attname in row:
        return row[f.attname]
    return f.get_default()


# Column types whose plain Python values (int, str, None) the field's get_db_prep_save would only wrap or
# copy: the hot path passes them as they are (a cast or the target column gives the type).
_PLAIN_TYPES = {"AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField", "SmallIntegerField",
                "PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField", "CharField", "TextField",
                "SlugField"}
_PLANS: dict = {}
_MISSING = object()


@dataclass(frozen=True)
class _Plan:
    """What an Upsert of one model needs, worked out once per (model, key, counters, database)."""

    fields: list
    lookup: list  # per field: (name, attname, plain) — plain: a plain int/str/None value needs no preparation
    key_index: list
    simple: bool  # every placeholder is a plain %s
    head: str  # INSERT INTO t (columns)
    conflict: str  # ON CONFLICT (key) DO UPDATE SET …
    unnest: str | None  # PostgreSQL: UNNEST(CAST(%s AS type[]), …) AS u, when the column types allow it


def _plan(upsert: Upsert) -> _Plan:
    connection = _db()
    cache_key = (upsert.model, tuple(upsert.key), tuple(upsert.add), connection.vendor)
    plan = _PLANS.get(cache_key)
    if plan is not None:
        return plan
    qn = connection.ops.quote_name
    model = upsert.model
    meta = model._meta
    fields = _fields(model)
    index = {f.name: i for i, f in enumerate(fields)} | {f.attname: i for i, f in enumerate(fields)}
    table = qn(meta.db_table)
    keys = ", ".join(qn(meta.get_field(k).column) for k in upsert.key)
    sets = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in (qn(meta.get_field(a).column) for a in upsert.add))
    simple = not any(hasattr(f, "get_placeholder") for f in fields)
    unnest = None
    if connection.vendor == "postgresql" and simple and all(
            (f.target_field if f.is_relation else f).get_internal_type() in connection.data_types for f in fields):
        unnest = "UNNEST(" + ", ".join(f"CAST(%s AS {_cast_type(f, connection)}[])" for f in fields) + ") AS u"
    plan = _PLANS[cache_key] = _Plan(
        fields=fields,
        lookup=[(f.name, f.attname, (f.target_field if f.is_relation else f).get_internal_type() in _PLAIN_TYPES)
                for f in fields],
        key_index=[index[k] for k in upsert.key], simple=simple,
        head=f"INSERT INTO {table} ({', '.join(qn(f.column) for f in fields)})",
        conflict=f"ON CONFLICT ({keys}) DO UPDATE SET {sets}", unnest=unnest,
    )
    return plan


def _upsert_rows(upsert: Upsert, plan: _Plan) -> list[list]:
    """The Upsert's rows as prepared values in the plan's column order, sorted by key; a field a row does not
    name gets its default."""
    connection = _db()
    known = {name for name, _attname, _plain in plan.lookup} | {attname for _name, attname, _plain in plan.lookup}
    values = []
    for row in upsert.rows:
        if not row.keys() <= known:
            raise ValueError(f"{upsert.model._meta.label}: unknown fields {sorted(set(row) - known)}")
        prepared = []
        for f, (name, attname, plain) in zip(plan.fields, plan.lookup, strict=True):
            value = row.get(name, _MISSING)
            if value is _MISSING:
                value = row.get(attname, _MISSING)
                if value is _MISSING:
                    value = f.get_default()
            if not (plain and (value is None or type(value) in (int, str))):
                value = f.get_db_prep_save(value, connection)
            prepared.append(value)
        values.append(prepared)
    index = plan.key_index
    values.sort(key=lambda v: [(v[i] is None, v[i]) for i in index])
    return values


def _cast(marks: list[str], fields: list) -> list[str]:
    """Placeholders of values read through a SELECT, cast to their columns' types."""
    connection = _db()
    return [f"CAST({m} AS {_cast_type(f, connection)})" for m, f in zip(marks, fields, strict=True)]


def _cast_type(f, connection) -> str:
    """The column's type without its parameters (``varchar``, not ``varchar(10)``: a cast to the latter
    would cut a value that is too long instead of refusing it), as Django's own bulk insert casts."""
    key = (f, connection.vendor)
    cast = _CASTS.get(key)
    if cast is None:
        cast = _CASTS[key] = f.db_type(connection).split("(")[0]
    return cast


def _unnestable(fields: list, placeholders: list[list[str]], connection) -> bool:
    """Whether the rows can go as one array per column (the conditions of Django's bulk insert on
    PostgreSQL): plain placeholders, column types that have arrays."""
    return all(m == "%s" for row in placeholders for m in row) and all(
        (f.target_field if f.is_relation else f).get_internal_type() in connection.data_types for f in fields)


def _rows_source(fields: list, placeholders: list[list[str]], params: list[list]) -> tuple[str, list]:
    """PostgreSQL: the rows as a FROM item ``u`` — ``UNNEST(CAST(%s AS type[]), …)``, one array per column,
    so the statement's text (and its prepared plan) is the same whatever the number of rows; else a
    VALUES list with each value cast."""
    connection = _db()
    if _unnestable(fields, placeholders, connection):
        arrays = [list(column) for column in zip(*params, strict=True)] if params else [[] for _f in fields]
        return ("UNNEST(" + ", ".join(f"CAST(%s AS {_cast_type(f, connection)}[])" for f in fields) + ") AS u", arrays)
    rows = ", ".join("(" + ", ".join(_cast(marks, fields)) + ")" for marks in placeholders)
    return f"(VALUES {rows}) AS u", [value for row in params for value in row]


def upsert_sql(upsert: Upsert, after: str | None = None) -> tuple[str, list]:
    """The statement of one Upsert (PostgreSQL, SQLite ≥ 3.24). ``after``: the name of a CTE the rows
    are selected from (so they are written only once it has run; PostgreSQL only)."""
    plan = _plan(upsert)
    values = _upsert_rows(upsert, plan)
    if not plan.simple:
        compiler = InsertQuery(upsert.model).get_compiler(connection=_db())
        placeholders, values = _assemble(compiler, plan.fields, values)
    else:
        placeholders = [["%s"] * len(plan.fields)] * len(values)
    if after and plan.unnest:
        source = f"SELECT u.* FROM {after} CROSS JOIN {plan.unnest}"
        params = [list(column) for column in zip(*values, strict=True)]
    elif after:
        rows = ", ".join("(" + ", ".join(_cast(marks, plan.fields)) + ")" for marks in placeholders)
        source = f"SELECT u.* FROM {after} CROSS JOIN (VALUES {rows}) AS u"
        params = [value for row in values for value in row]
    else:
        source = "VALUES " + ", ".join("(" + ", ".join(marks) + ")" for marks in placeholders)
        params = [value for row in values for value in row]
    return f"{plan.head} {source} {plan.conflict}", params


def upsert(*upserts: Upsert) -> None:
    """Add the counter rows, one statement per table, in the order given (the callers' lock order). Run it
    inside the transaction that writes what the counters count."""
    connection = _db()
    with connection.cursor() as cursor:
        for item in upserts:
            if item.rows:
                cursor.execute(*upsert_sql(item))


def advisory_lock(key: int, *, shared: bool = False) -> None:
    """PostgreSQL: take the transaction-level advisory lock ``key`` (exclusive, or shared by any number of
    writers), released at commit or rollback. Call it inside ``transaction.atomic()``. Elsewhere nothing
    (SQLite serialises write transactions)."""
    connection = _db()
    if connection.vendor != "postgresql":
        return
    if not connection.in_atomic_block:
        raise RuntimeError("advisory_lock needs a transaction: it is released when the transaction ends")
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [key])


def _one_statement(parent: Model, children: list[tuple[Model, str | None]],
                   many: list[tuple[list[Model], str | None]], upserts: list[Upsert], shared_lock: int | None,
                   history: History | None = None):
    connection = _db()
    qn = connection.ops.quote_name
    fields = _fields(type(parent))
    (marks,), (params,) = _compiled([parent], fields)  # sets the parent's auto_now(_add) values
    if history is not None:
        children.append((history.row(parent), "id"))
    pk = qn(parent._meta.pk.column)
    cols = ", ".join(qn(f.column) for f in fields)
    ctes = []
    if shared_lock is not None:
        ctes.append("l AS (SELECT pg_advisory_xact_lock_shared(%s))")
        params = [shared_lock, *params]
        ctes.append(f"p AS (INSERT INTO {qn(parent._meta.db_table)} ({cols}) SELECT {', '.join(_cast(marks, fields))} "
                    f"FROM l RETURNING {pk})")
    else:
        ctes.append(f"p AS (INSERT INTO {qn(parent._meta.db_table)} ({cols}) VALUES ({', '.join(marks)}) RETURNING {pk})")
    for i, (child, fk) in enumerate(children):
        c_fields = _fields(type(child), skip=fk)
        (c_marks,), (c_params,) = _compiled([child], c_fields)
        table, c_pk = qn(child._meta.db_table), qn(child._meta.pk.column)
        c_cols = [qn(f.column) for f in c_fields]
        if fk:
            column = qn(child._meta.get_field(fk.removesuffix("_id")).column)
            ctes.append(f"c{i} AS (INSERT INTO {table} ({', '.join([*c_cols, column])}) "
                        f"SELECT {', '.join([*_cast(c_marks, c_fields), 'p.' + pk])} FROM p RETURNING {c_pk})")
        elif shared_lock is not None:
            ctes.append(f"c{i} AS (INSERT INTO {table} ({', '.join(c_cols)}) SELECT {', '.join(_cast(c_marks, c_fields))} "
                        f"FROM p RETURNING {c_pk})")
        else:
            ctes.append(f"c{i} AS (INSERT INTO {table} ({', '.join(c_cols)}) VALUES ({', '.join(c_marks)}) RETURNING {c_pk})")
        params += c_params
    returned_many = []
    for i, (objs, fk) in enumerate(many):
        if not objs:
            continue
        model = type(objs[0])
        m_fields = _fields(model, skip=fk)
        m_marks, m_params = _compiled(objs, m_fields)
        table, m_pk = qn(model._meta.db_table), qn(model._meta.pk.column)
        m_cols = [qn(f.column) for f in m_fields]
        rows, m_flat = _rows_source(m_fields, m_marks, m_params)
        if fk:
            m_cols.append(qn(model._meta.get_field(fk.removesuffix("_id")).column))
            select = f"SELECT u.*, p.{pk} FROM p CROSS JOIN {rows}"
        else:
            select = f"SELECT u.* FROM p CROSS JOIN {rows}"
        ctes.append(f"m{i} AS (INSERT INTO {table} ({', '.join(m_cols)}) {select} RETURNING {m_pk})")
        params += m_flat
        returned_many.append((f"m{i}", m_pk, objs, fk))
    for i, item in enumerate(upserts):
        if item.rows:
            sql, u_params = upsert_sql(item, after="p")
            ctes.append(f"u{i} AS ({sql})")
            params += u_params
    returned = [("p", pk)] + [(f"c{i}", qn(child._meta.pk.column)) for i, (child, _fk) in enumerate(children)]
    columns = [f"{name}.{col}" for name, col in returned] + [f"ARRAY(SELECT {col} FROM {name})" for name, col, _o, _f in returned_many]
    sql = f"WITH {', '.join(ctes)} SELECT {', '.join(columns)} FROM {', '.join(name for name, _col in returned)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = list(cursor.fetchone())
    ids, many_ids = row[:len(returned)], row[len(returned):]
    return ids, [(objs, fk, list(new_ids)) for (_n, _c, objs, fk), new_ids in zip(returned_many, many_ids, strict=True)]


@dataclass
class History:
    """The audit history's first row ("+") of a new parent whose model has django-simple-history's
    ``HistoricalRecords``, written with it (``insert_together(obj, history=History(at=now, by=user))``). It is
    built as ``bulk_history_create`` builds it, from the parent's values as inserted (``auto_now_add`` fields
    included), so the two rows agree."""

    at: object
    by: object = None
    reason: str = ""

    def row(self, instance: Model):
        model = _history_model(type(instance))
        return model(history_date=self.at, history_user=self.by, history_type="+", history_change_reason=self.reason,
                     **{f.attname: getattr(instance, f.attname) for f in model.tracked_fields})


_HISTORY_MODELS: dict = {}


def _history_model(model: type[Model]) -> type[Model]:
    """The historical model of ``model``, found once per model: django-simple-history's class attribute
    (``Model.history``) builds a new manager class on every access (``from_queryset``, ~0.2 ms)."""
    found = _HISTORY_MODELS.get(model)
    if found is None:
        from simple_history.utils import get_history_model_for_model

        found = _HISTORY_MODELS[model] = get_history_model_for_model(model)
    return found


_INSERT_SQL: dict = {}


def _insert_each(objs: Sequence[Model]) -> None:
    """Databases without data-modifying CTEs (SQLite): one ``INSERT … VALUES (…), (…) RETURNING`` per batch of
    rows of one model, its SQL built once per model and row count, its values from the same compiler path as
    the single statement (:func:`_compiled`) — no ``save()``, so no signals, as on PostgreSQL. Sets each
    instance's primary key (rows come back in the order given, as Django's own ``bulk_create`` relies on)."""
    connection = _db()
    model = type(objs[0])
    fields = _fields(model)
    marks, params = _compiled(objs, fields)
    batch = max(1, 999 // max(1, len(fields)))
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch):
            rows_marks, rows_params = marks[start:start + batch], params[start:start + batch]
            key = (model, tuple(tuple(m) for m in rows_marks))
            sql = _INSERT_SQL.get(key)
            if sql is None:
                qn = connection.ops.quote_name
                values = ", ".join(f"({', '.join(m)})" for m in rows_marks)
                sql = _INSERT_SQL[key] = (
                    f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
                    f"VALUES {values} RETURNING {qn(model._meta.pk.column)}")
            cursor.execute(sql, [value for row in rows_params for value in row])
            for obj, (new_id,) in zip(objs[start:start + batch], cursor.fetchall(), strict=True):
                _mark_saved(obj, new_id)


def _mark_saved(obj: Model, new_id) -> None:
    connection = _db()
    obj.pk = new_id
    obj._state.adding = False
    obj._state.db = connection.alias


def insert_together(parent: Model, children: Iterable[tuple[Model, str | None]] = (), *,
                    many: Iterable[tuple[Sequence[Model], str | None]] = (), upserts: Iterable[Upsert] = (),
                    shared_lock: int | None = None, savepoint: bool = True, history: History | None = None) -> None:
    """Insert ``parent``, ``children``, the rows of ``many`` and add the counters of ``upserts``, atomically.

    Each child is (instance, fk attname or None): with an attname (e.g. "feedback_id") the child's foreign
    key is set to the parent's new id. ``many``: (instances of one model, fk attname or None), one
    multi-row INSERT each. ``upserts``: :class:`Upsert` counters, written in the order given. Sets the
    primary keys on every instance. Raises IntegrityError (nothing written) on a constraint.
    ``savepoint=False`` inside an atomic block that is rolled back as a whole when this fails (e.g. the
    ``create`` of ``core.submissions.create_once``): no savepoint of its own, two statements fewer.
    ``history``: the parent's first audit-history row (:class:`History`), written as the last child."""
    connection = _db()
    children, upserts = list(children), list(upserts)
    many = [(list(objs), fk) for objs, fk in many]
    if connection.vendor != "postgresql":
        with transaction.atomic(savepoint=savepoint):
            _insert_each([parent])
            if history is not None:
                children.append((history.row(parent), "id"))
            for child, fk in children:
                if fk:
                    setattr(child, fk, parent.pk)
                _insert_each([child])
            for objs, fk in many:
                if fk:
                    for obj in objs:
                        setattr(obj, fk, parent.pk)
                if objs:
                    _insert_each(objs)
            upsert(*upserts)
        return
    if connection.in_atomic_block and savepoint:
        with transaction.atomic():  # a savepoint: a failure leaves the caller's transaction usable
            ids, many_ids = _one_statement(parent, children, many, upserts, shared_lock, history)
    else:  # autocommit: its own transaction
        ids, many_ids = _one_statement(parent, children, many, upserts, shared_lock, history)
    for obj, new_id in zip([parent, *(c for c, _fk in children)], ids, strict=True):
        _mark_saved(obj, new_id)
    for child, fk in children:
        if fk:
            setattr(child, fk, parent.pk)
    for objs, fk, new_ids in many_ids:
        for obj, new_id in zip(objs, new_ids, strict=True):
            _mark_saved(obj, new_id)
            if fk:
                setattr(obj, fk, parent.pk)
