"""Django's SQLite backend, made safe to keep one connection per thread between requests
(``CONN_MAX_AGE``): reopening the file and re-running the PRAGMAs on every request cost the
single-server default more than half of its throughput.

Django's SQLite ``is_usable()`` always answers True, so ``CONN_HEALTH_CHECKS`` alone never closes a
kept connection. Here a connection is dropped (and reopened with every ``init_command`` PRAGMA on its
next use) when

- a statement fails on it (``SELECT 1`` is the health check before a request reuses it, and the check
  after a request in which a database error occurred), or
- it is left inside a transaction Django does not know about (a raw ``BEGIN`` never committed): with
  ``transaction_mode=IMMEDIATE`` that transaction would hold the write lock, and every other process
  would wait ``busy_timeout`` and fail, until the worker restarts.
"""

from django.db.backends.sqlite3.base import Database
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabaseWrapper


class DatabaseWrapper(SQLiteDatabaseWrapper):
    def _leaked_transaction(self) -> bool:
        """Inside a transaction no atomic block owns (or closed underneath: drop that one too)."""
        if self.connection is None or self.in_atomic_block:
            return False
        try:
            return self.connection.in_transaction
        except Database.Error:
            return True

    def is_usable(self) -> bool:
        if self._leaked_transaction():
            return False
        try:
            self.connection.execute("SELECT 1").fetchone()
        except Database.Error:
            return False
        return True

    def close_if_unusable_or_obsolete(self) -> None:
        """At the start and end of every request (``close_old_connections``)."""
        if self._leaked_transaction():
            self.close()
            return
        super().close_if_unusable_or_obsolete()
