"""The benchmark scripts start, serve, load and report (bench/run.py --quick), on the database of
the current test run: SQLite without DATABASE_URL, PostgreSQL with it. The run gets its own
database / directory, never the test database nor a real benchmark run's qs_bench / var/bench."""

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from qualityservice.core.testing import require_service

ROOT = Path(__file__).resolve().parent.parent


def _pg_up(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), timeout=2):
            return True
    except OSError:
        return False


def test_it_runs_a_quick_benchmark_and_reports_the_ceiling_and_the_submissions(tmp_path):
    gunicorn = Path(sys.executable).parent / "gunicorn"
    require_service(gunicorn.exists() or bool(shutil.which("gunicorn")), "gunicorn")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_"))}
    env.update(BENCH_WORK=str(tmp_path / "work"), BENCH_RESULTS=str(tmp_path / "results"))
    database_url = os.environ.get("DATABASE_URL", "")
    db = "postgres" if database_url.startswith("postgres") else "sqlite"
    pg_db = f"qs_bench_smoke_{os.getpid()}"
    admin = ""
    if db == "postgres":
        require_service(_pg_up(database_url), "PostgreSQL")
        parts = urlsplit(database_url)
        admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
        env.update(BENCH_PG_URL=admin, BENCH_PG_DB=pg_db)
    env.pop("DATABASE_URL", None)
    try:
        proc = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--db", db],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=150,
        )
        # The in-process CPU-per-flow tool runs against the same bench database.
        flow_env = dict(env, QS_BENCH_CEILING="true", CELERY_TASK_ALWAYS_EAGER="true", DEBUG="true",
                        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
                        QS_FEEDBACK_RATE_PER_IP="100000/h", QS_FEEDBACK_RATE_PER_SESSION="100000/h",
                        QS_SURVEY_RATE_PER_IP="100000/h", QS_SURVEY_RATE_PER_BROWSER="100000/h")
        flow_env.pop("REDIS_URL", None)
        if db == "postgres":
            flow_env["DATABASE_URL"] = urlunsplit((parts.scheme, parts.netloc, f"/{pg_db}", "", ""))
        else:
            flow_env["SQLITE_PATH"] = str(tmp_path / "work" / "bench.sqlite3")
        flow = subprocess.run([sys.executable, str(ROOT / "bench" / "flow_cpu.py"), "-n", "3"],
                              cwd=ROOT, env=flow_env, capture_output=True, text=True, timeout=120)
        # ... and for the bare ceiling, under its own settings.
        bare_flow = subprocess.run([sys.executable, str(ROOT / "bench" / "flow_cpu.py"), "ceiling", "-n", "3"],
                                   cwd=ROOT, env=dict(flow_env, DJANGO_SETTINGS_MODULE="bench.bare.settings"),
                                   capture_output=True, text=True, timeout=120)
    finally:
        if db == "postgres":
            import psycopg

            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_db}" WITH (FORCE)')
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = proc.stdout
    assert f"## {db}" in report
    for row in ("| ceiling_get |", "| ceiling_post |", "| bare_get |", "| bare_post |", "| feedback_submit |",
                "| survey_submit |", "| feedback_inbox_head |", "| feedback_detail |", "| survey_results |",
                "| evaluation_dashboard |", "| evaluation_department_dashboard |"):
        assert row in report, f"{row} missing from the report:\n{report}"
    assert "ratio to bare ceiling" in report and "Target public submissions ≥ 0.5 × bare ceiling POST" in report
    data = json.loads(next((tmp_path / "results").glob(f"{db}-*.json")).read_text())
    subs = data["submissions"]
    # Every scenario succeeded at least once and none failed (a failure means a broken flow); the bare
    # ceiling served its form and inserted its rows.
    for key in ("ceiling_post", "bare_get", "bare_post", "feedback_submit", "survey_submit"):
        assert subs[key]["ok"] > 0 and subs[key]["failed"] == 0, (key, subs[key])
    assert all(isinstance(n, int) for n in data["queries"]["200"].values()), data["queries"]
    assert flow.returncode == 0, flow.stderr[-3000:]
    for name in ("ceiling", "feedback", "survey"):
        assert f"{name:9s} CPU" in flow.stdout and "ms/flow" in flow.stdout, flow.stdout
    assert bare_flow.returncode == 0, bare_flow.stderr[-3000:]
    assert "ceiling   CPU" in bare_flow.stdout, bare_flow.stdout


@pytest.mark.parametrize("flag", ["--help"])
def test_it_documents_its_options(flag):
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), flag], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0 and "--sizes" in out.stdout and "--quick" in out.stdout


def test_it_runs_the_bare_ceiling_on_the_projects_database_with_stock_connection_handling(monkeypatch, tmp_path):
    """Same file and PRAGMAs as the project, but Django's backend with kept connections whatever the project
    sets: a project that stopped keeping its connections must not pull the bare ceiling down with it."""
    import runpy

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SQLITE_PATH", str(tmp_path / "bench.sqlite3"))
    monkeypatch.setenv("DB_CONN_MAX_AGE", "0")
    project = runpy.run_path(str(ROOT / "config" / "settings.py"))["DATABASES"]["default"]
    bare = runpy.run_path(str(ROOT / "bench" / "bare" / "settings.py"))
    db = bare["DATABASES"]["default"]
    assert project["CONN_MAX_AGE"] == 0 and db["CONN_MAX_AGE"] == 60
    assert db["ENGINE"] == "django.db.backends.sqlite3" and db["NAME"] == project["NAME"]
    assert db["OPTIONS"] == project["OPTIONS"] and "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert bare["MIDDLEWARE"][0] == "django.middleware.security.SecurityMiddleware" and len(bare["MIDDLEWARE"]) == 7


def _own_database_env(tmp_path, name: str) -> tuple[dict, str]:
    """The environment of a bench script run by a test, and its database kind: the test run's kind of database, in
    a PostgreSQL database (``qs_<name>_smoke_<pid>``) or a directory of its own; no Redis (a bench flushes its
    Redis database)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_"))}
    env.update(BENCH_WORK=str(tmp_path / "work"), BENCH_REDIS_URL="none")
    database_url = os.environ.get("DATABASE_URL", "")
    db = "postgres" if database_url.startswith("postgres") else "sqlite"
    if db == "postgres":
        require_service(_pg_up(database_url), "PostgreSQL")
        parts = urlsplit(database_url)
        env.update(BENCH_PG_URL=urlunsplit((parts.scheme, parts.netloc, "/postgres", "", "")),
                   BENCH_PG_DB=f"qs_{name}_smoke_{os.getpid()}")
    env.pop("DATABASE_URL", None)
    return env, db


def test_it_times_a_years_evaluation_and_the_dashboards_at_two_small_sizes(tmp_path):
    """bench/evaluation_scale.py on the database of the test run (its own database or file), two tiny sizes: every
    measure at both sizes, the queries the same at both, the records there."""
    env, db = _own_database_env(tmp_path, "eval_scale")
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "evaluation_scale.py"), "--db", db, "--sizes", "200,400",
                           "--requests", "2"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = json.loads(proc.stdout.strip().splitlines()[-1])
    measures = ("evaluation, last year", "evaluation, current year", "group dashboard", "department dashboard")
    for what in measures:
        found = [r for r in rows if r["what"] == what]
        assert [r["size"] for r in found] == [200, 400], (what, found)
        assert found[0]["queries"] == found[1]["queries"] > 0, (what, found)
        assert f"| {db} | {what} | 400 |" in proc.stdout
    assert rows[-1]["feedback_records"] >= 400 and rows[-1]["survey_answers"] > 0, rows[-1]


@pytest.mark.parametrize("script, args, flow", [
    ("events_rush.py", ["--members", "40", "--seats", "10", "--scans", "10"], "registration"),
    ("recognition_vote_rush.py", ["--eligible", "120", "--cast", "40", "--small", "5", "--big", "12", "--samples", "2"], "vote"),
])
def test_it_runs_a_rush_small_beside_the_bare_and_the_signed_in_ceilings(tmp_path, script, args, flow):
    """A registration rush and a vote rush at a tiny size on the database of the test run: every flow of the rush, of
    the bare ceiling and of the project's signed-in ceiling (the session, the account, one INSERT) succeeded, and the
    report carries the ratios to both."""
    env, db = _own_database_env(tmp_path, flow)
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / script), "--db", db, "--concurrency", "2", "--rounds", "1",
                           *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=400)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout[:proc.stdout.rindex("]") + 1])[0]
    assert report[flow]["ok"] == report["bare_post"]["ok"] == report["signed_in_ceiling"]["ok"] > 0, report
    assert report[flow]["failed"] == report["bare_post"]["failed"] == report["signed_in_ceiling"]["failed"] == 0, report
    assert 0 < report["signed_in_ratio_to_bare"] and 0 < report["ratio_to_signed_in"], report
    assert f"| {db} |" in proc.stdout and "signed-in ceiling" in proc.stdout
