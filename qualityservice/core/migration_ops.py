"""Migration operations shared by the apps."""

from django.db import migrations


def drop_indexes(*indexes: tuple[str, str, str, bool]):
    """Drop single-column indexes by name — ``(index name, table, column, is a char column)`` — with one ``DROP INDEX``
    each: an ``AlterField(db_index=False)`` of a foreign key would rebuild the whole table on SQLite and drop and
    re-validate the foreign key on PostgreSQL. Pair it with the ``AlterField`` in ``SeparateDatabaseAndState``.
    On PostgreSQL a char column's ``<name>_like`` pattern index (Django adds one) goes too. Reversed, the indexes
    are created again."""

    def forwards(apps, schema_editor):
        quote, pg = schema_editor.quote_name, schema_editor.connection.vendor == "postgresql"
        for name, _table, _column, char in indexes:
            schema_editor.execute(f"DROP INDEX IF EXISTS {quote(name)}")
            if char and pg:
                schema_editor.execute(f"DROP INDEX IF EXISTS {quote(name + '_like')}")

    def backwards(apps, schema_editor):
        quote, pg = schema_editor.quote_name, schema_editor.connection.vendor == "postgresql"
        for name, table, column, char in indexes:
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(table)} ({quote(column)})")
            if char and pg:
                schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {quote(name + '_like')} ON {quote(table)} "
                                      f"({quote(column)} varchar_pattern_ops)")

    return migrations.RunPython(forwards, backwards, elidable=False)
