"""PostgreSQL keeps its connections with a health check that asks the server only when the connection's
socket shows that something happened to it (core/postgresql/base.py): no SELECT 1 round trip per request,
and a connection the server ended is still replaced before the request's first query."""

import runpy
from pathlib import Path

import pytest
from django.db import connection
from django.db.utils import ConnectionHandler

SETTINGS = Path(__file__).resolve().parents[3] / "config" / "settings.py"

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL backend's health check")


def test_it_uses_the_projects_postgresql_backend_with_health_checks(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://qs:qs@127.0.0.1:5432/qs_example")
    db = runpy.run_path(str(SETTINGS))["DATABASES"]["default"]
    assert db["ENGINE"] == "qualityservice.core.postgresql" and db["CONN_HEALTH_CHECKS"] is True
    bare = runpy.run_path(str(SETTINGS.parents[1] / "bench" / "bare" / "settings.py"))["DATABASES"]["default"]
    assert bare["ENGINE"] == "django.db.backends.postgresql"  # the bare ceiling keeps stock Django's


@pytest.fixture
def server_connection(db, django_db_blocker):
    """The test database as a web worker sees it: a handler of its own, a kept connection."""
    handler = ConnectionHandler({"default": {**connection.settings_dict, "CONN_MAX_AGE": 60,
                                             "CONN_HEALTH_CHECKS": True}})
    conn = handler["default"]
    with django_db_blocker.unblock():
        yield conn
        conn.close()


def next_request(conn):
    """What Django does between two requests (close_old_connections), then the request's first query."""
    conn.close_if_unusable_or_obsolete()
    with conn.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def round_trips(conn, monkeypatch):
    """Count Django's own health check (the SELECT 1 of the stock backend)."""
    from django.db.backends.postgresql.base import DatabaseWrapper

    calls = []
    original = DatabaseWrapper.is_usable
    monkeypatch.setattr(DatabaseWrapper, "is_usable", lambda self: calls.append(1) or original(self))
    return calls


@postgresql_only
def test_it_reuses_a_sound_idle_connection_without_asking_the_server(server_connection, monkeypatch):
    pid = next_request(server_connection)
    calls = round_trips(server_connection, monkeypatch)
    assert [next_request(server_connection) for _request in range(3)] == [pid] * 3
    assert calls == []


@postgresql_only
def test_it_replaces_a_connection_the_server_ended_before_the_requests_first_query(server_connection, monkeypatch):
    pid = next_request(server_connection)
    calls = round_trips(server_connection, monkeypatch)
    with connection.cursor() as cursor:  # another session ends this one, as a restart or a failover does
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    import time

    time.sleep(0.2)  # the server's goodbye reaches the socket
    new_pid = next_request(server_connection)
    assert new_pid != pid and calls == [1]


@postgresql_only
def test_it_asks_the_server_about_a_connection_left_inside_a_transaction(server_connection, monkeypatch):
    next_request(server_connection)
    calls = round_trips(server_connection, monkeypatch)
    server_connection.connection.execute("BEGIN")  # not Django's: a transaction nobody owns
    assert server_connection.is_usable() is True and calls == [1]
    server_connection.connection.execute("ROLLBACK")
