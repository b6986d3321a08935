"""Set up Django for the bench scripts (run from the repository root with the bench environment)."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def fresh_database_env(db: str, *, work: Path, sqlite_name: str, pg_admin_url: str, pg_db: str, cache_name: str) -> dict:
    """The environment of a bench child process on a database of its own, emptied first: the SQLite file
    ``work/sqlite_name`` (and its WAL) removed, or the PostgreSQL database ``pg_db`` dropped and created through
    ``pg_admin_url``; production-like settings with the bench ceiling installed."""
    env = dict(os.environ, QS_BENCH_CEILING="true", DEBUG="false", SECRET_KEY="bench-" + "x" * 60,
               ALLOWED_HOSTS="testserver,127.0.0.1", SECURE_SSL_REDIRECT="false", STATIC_MANIFEST="false",
               CACHE_DIR=str(work / cache_name), DJANGO_SETTINGS_MODULE="config.settings")
    if db == "sqlite":
        work.mkdir(parents=True, exist_ok=True)
        path = work / sqlite_name
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(path)
    else:
        import psycopg

        with psycopg.connect(pg_admin_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {pg_db}")
            conn.execute(f"CREATE DATABASE {pg_db}")
        env["DATABASE_URL"] = pg_admin_url.rsplit("/", 1)[0] + f"/{pg_db}"
    return env
