"""Django's PostgreSQL backend, with a health check that costs no round trip on a sound idle connection.

``CONN_HEALTH_CHECKS`` makes Django call ``is_usable()`` before the first query of every request that
reuses a kept connection; Django's answer is a ``SELECT 1`` round trip — about a tenth of the CPU of a
request that does one INSERT (bench/README.md). Here, a connection is taken as usable without asking the
server when

- psycopg knows it neither closed nor broken,
- it is idle outside a transaction (as a kept connection between requests is), and
- nothing has arrived on its socket since its last answer (a poll with no wait).

A server that restarts, fails over or ends the session (``pg_terminate_backend``) sends an error and
closes the socket: the socket turns readable, and the connection gets Django's ``SELECT 1``, fails it
and is replaced before the request's first query — as before. Anything else unusual (a transaction left
open, a message waiting) gets the ``SELECT 1`` as well. A server that vanishes without a word (a host
gone, no FIN) is noticed by the request's first query instead of the check: that request is answered
with the 503 page (``core.middleware.ServiceUnavailableMiddleware``) and the connection closed at its end
(Django checks a connection again after an error); the next request reconnects.
"""

import select

from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLDatabaseWrapper
from psycopg.pq import TransactionStatus


class DatabaseWrapper(PostgreSQLDatabaseWrapper):
    def is_usable(self) -> bool:
        conn = self.connection
        if conn is None:
            return False
        try:
            if conn.closed or conn.broken:
                return False
            if conn.info.transaction_status == TransactionStatus.IDLE:
                poller = select.poll()
                poller.register(conn.fileno(), select.POLLIN | select.POLLPRI)
                if not poller.poll(0):
                    return True  # sound and idle: nothing to ask the server
        except (OSError, ValueError, self.Database.Error):
            return False
        return super().is_usable()
