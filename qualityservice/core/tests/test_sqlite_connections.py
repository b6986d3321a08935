"""SQLite, the single-server default, keeps one connection per thread between requests (like PostgreSQL)
and drops it when it cannot be trusted. These tests build the settings the way a server does (no
DATABASE_URL) against a file of their own, whatever database the test run uses."""

import runpy
import sqlite3
from pathlib import Path

import pytest
from django.db.utils import ConnectionHandler

SETTINGS = Path(__file__).resolve().parents[3] / "config" / "settings.py"


@pytest.fixture
def sqlite_settings(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("DB_CONN_MAX_AGE", raising=False)
    monkeypatch.setenv("SQLITE_PATH", str(tmp_path / "server.sqlite3"))
    return runpy.run_path(str(SETTINGS))["DATABASES"]["default"]


@pytest.fixture
def server_connection(sqlite_settings, django_db_blocker):
    """The default database as a web worker sees it (a handler of its own: not the test database)."""
    handler = ConnectionHandler({"default": dict(sqlite_settings)})
    conn = handler["default"]
    with django_db_blocker.unblock():
        yield conn
        conn.close()


def end_of_request(conn):
    """What Django does at the end of a request and the start of the next (close_old_connections)."""
    conn.close_if_unusable_or_obsolete()


def test_it_keeps_sqlite_connections_with_health_checks_by_default(sqlite_settings):
    assert sqlite_settings["CONN_MAX_AGE"] == 60
    assert sqlite_settings["CONN_HEALTH_CHECKS"] is True
    assert sqlite_settings["ENGINE"] == "qualityservice.core.sqlite"
    assert sqlite_settings["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_it_reuses_the_connection_of_a_worker_across_requests_with_every_pragma(server_connection):
    server_connection.ensure_connection()
    first = server_connection.connection
    for _request in range(3):
        end_of_request(server_connection)
        with server_connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    assert server_connection.connection is first
    with server_connection.cursor() as cursor:
        pragmas = {name: cursor.execute(f"PRAGMA {name}").fetchone()[0]
                   for name in ("journal_mode", "synchronous", "busy_timeout", "foreign_keys")}
    assert pragmas == {"journal_mode": "wal", "synchronous": 1, "busy_timeout": 20000, "foreign_keys": 1}


def test_it_drops_a_connection_left_inside_a_transaction_so_that_it_does_not_hold_the_write_lock(
        server_connection, sqlite_settings):
    with server_connection.cursor() as cursor:
        cursor.execute("CREATE TABLE t (x INTEGER)")
        cursor.execute("BEGIN IMMEDIATE")  # e.g. raw SQL that never committed
        cursor.execute("INSERT INTO t VALUES (1)")
    end_of_request(server_connection)
    assert server_connection.connection is None
    other = sqlite3.connect(sqlite_settings["NAME"], timeout=0.2)
    other.execute("INSERT INTO t VALUES (2)")  # "database is locked" if the first one still held it
    other.commit()
    assert other.execute("SELECT x FROM t").fetchall() == [(2,)]  # the uncommitted row went with it
    other.close()


def test_it_reopens_a_connection_a_statement_failed_on_before_the_next_request_uses_it(server_connection):
    server_connection.ensure_connection()
    broken = server_connection.connection
    broken.close()  # the driver's connection died under Django (e.g. a disk I/O error)
    server_connection.errors_occurred = True
    end_of_request(server_connection)
    with server_connection.cursor() as cursor:
        assert cursor.execute("SELECT 2").fetchone() == (2,)
    assert server_connection.connection is not broken
    with server_connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_it_health_checks_a_kept_connection_before_a_request_reuses_it(server_connection):
    server_connection.ensure_connection()
    broken = server_connection.connection
    end_of_request(server_connection)  # request over, connection kept
    broken.close()
    with server_connection.cursor() as cursor:  # the next request's first query
        assert cursor.execute("SELECT 3").fetchone() == (3,)
    assert server_connection.connection is not broken
