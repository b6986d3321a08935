#!/usr/bin/env python
"""Benchmark suite: serve the platform with gunicorn (2 workers) on 127.0.0.1 against SQLite and
PostgreSQL, drive it with the bounded load generator, and report every figure as a ratio to the
*ceiling* (a minimal view of the same project: one trivial GET, one INSERT per POST); the submissions
also as a ratio to the *bare ceiling* (the same view in a stock Django project, bench/bare/, on the same
database, served the same way).

    .venv/bin/python bench/run.py                      # both databases, sizes 10k,100k,1M
    .venv/bin/python bench/run.py --db postgres --sizes 10000,100000 --seconds 8
    .venv/bin/python bench/run.py --quick              # smoke: tiny data, 1 s per scenario

Results: a Markdown report on stdout and in bench/results/<db>-<timestamp>.md (+ .json).
See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import loadgen  # noqa: E402

PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
GUNICORN = str(Path(PY).parent / "gunicorn")
# Where the run keeps its data and results; the smoke test points these elsewhere so that it never
# touches a real benchmark run (or the test database).
RESULTS = Path(os.environ.get("BENCH_RESULTS", ROOT / "bench" / "results"))
WORK = Path(os.environ.get("BENCH_WORK", ROOT / "var" / "bench"))
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://qs:qs@127.0.0.1:5432/qs")
PG_DB = os.environ.get("BENCH_PG_DB", "qs_bench")
# The PostgreSQL run uses the grown topology: Redis for cache, sessions, rate limits and the Celery
# broker (a database of its own, flushed at the start). "none" keeps the file cache there too.
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
HOST = "127.0.0.1"
BARE_APP = "bench.bare.wsgi"


def log(msg: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def base_env(db: str) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY="bench-secret-key-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        STATIC_MANIFEST="false",
        QS_BENCH_CEILING="true",
        CACHE_DIR=str(WORK / f"cache-{db}"),
        CELERY_QUEUE_DIR=str(WORK / f"queue-{db}"),
        # Background work (notifications) goes through the broker to a real worker process running
        # beside gunicorn on the same cores (Worker below), as in production: its CPU is in the figures.
        CELERY_TASK_ALWAYS_EAGER="false",
        LOG_LEVEL="WARNING",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        # One client address and a few sessions send thousands of forms: lift the abuse limits
        # (their cost — a cache increment per POST — is still paid).
        QS_FEEDBACK_RATE_PER_IP="100000000/h",
        QS_FEEDBACK_RATE_PER_SESSION="100000000/h",
        QS_SURVEY_RATE_PER_IP="100000000/h",
        QS_SURVEY_RATE_PER_BROWSER="100000000/h",
        QS_SURVEY_AUTOSAVE_RATE_PER_BROWSER="100000000/h",
    )
    env.pop("REDIS_URL", None)
    env.pop("CELERY_BROKER_URL", None)
    if db == "postgres" and redis_available():
        env["REDIS_URL"] = BENCH_REDIS_URL
    if db == "sqlite":
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(WORK / "bench.sqlite3")
    else:
        env["DATABASE_URL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_DB
    return env


def redis_available() -> bool:
    if BENCH_REDIS_URL == "none":
        return False
    try:
        import redis

        return bool(redis.Redis.from_url(BENCH_REDIS_URL, socket_timeout=2).ping())
    except Exception:
        return False


def topology(env: dict) -> str:
    cache = "Redis" if env.get("REDIS_URL") else "file cache"
    broker = "Redis" if env.get("REDIS_URL") else "filesystem queue"
    return (f"gunicorn 2 sync workers + 1 Celery worker (solo pool); cache, sessions and rate limits: {cache}; "
            f"Celery broker: {broker}")


def manage(env: dict, *args: str, capture: bool = False) -> str:
    proc = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, text=True, capture_output=capture)
    if proc.returncode:
        if capture:
            print(proc.stdout, proc.stderr, sep="\n", file=sys.stderr)
        raise subprocess.CalledProcessError(proc.returncode, proc.args)
    return proc.stdout if capture else ""


def reset_database(db: str, env: dict) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(WORK / f"cache-{db}", ignore_errors=True)
    shutil.rmtree(WORK / f"queue-{db}", ignore_errors=True)
    (WORK / f"queue-{db}" / "processed").mkdir(parents=True, exist_ok=True)
    if env.get("REDIS_URL"):
        import redis

        redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(WORK / "bench.sqlite3") + suffix).unlink(missing_ok=True)
    else:
        import psycopg

        admin = PG_ADMIN_URL
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{PG_DB}"')
    manage(env, "migrate", "--noinput", "-v0")


def settle(db: str, env: dict) -> None:
    """Bring the database to the steady state a production database is in after a bulk load, so that
    background maintenance does not run during the measurements: VACUUM (ANALYZE) on PostgreSQL
    (autovacuum would do it within minutes; it also sets the visibility map for index-only scans),
    a WAL checkpoint on SQLite."""
    if db == "sqlite":
        import sqlite3

        with sqlite3.connect(env["SQLITE_PATH"]) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return
    import psycopg

    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")


class Server:
    """gunicorn, 2 sync workers, on a free loopback port: the platform (``config.wsgi``) or the bare
    ceiling (``bench.bare.wsgi``, a stock Django project on the same database)."""

    def __init__(self, env: dict, workers: int = 2, app: str = "config.wsgi"):
        self.port = free_port()
        if app == BARE_APP:
            env = dict(env, DJANGO_SETTINGS_MODULE="bench.bare.settings")
        self.proc = subprocess.Popen(
            [GUNICORN, "-w", str(workers), "-k", "sync", "-b", f"{HOST}:{self.port}", "--log-level", "warning",
             "--timeout", "120", app],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with socket.create_connection((HOST, self.port), timeout=1):
                    return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError("gunicorn exited: " + self.proc.stderr.read().decode()[-2000:])
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        stop_group(self.proc)


def stop_group(proc: subprocess.Popen) -> None:
    """Stop a process started in its own session, with its children (gunicorn workers)."""
    if proc.returncode is not None:  # already stopped
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        except ProcessLookupError:
            pass


class Worker:
    """One Celery worker (solo pool) on the run's broker, started with the server: the work the
    requests defer runs during the measurements, on the same cores."""

    def __init__(self, env: dict):
        self.proc = subprocess.Popen(
            [str(Path(PY).parent / "celery"), "-A", "config", "worker", "--pool=solo", "--loglevel=WARNING",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        time.sleep(3)  # its start-up (Django, Celery) must not run during the first measurements

    def stop(self) -> None:
        stop_group(self.proc)


def targets(env: dict) -> dict:
    """Ask the project (bench/targets.py, run under Django) for the URLs to load."""
    out = subprocess.run([PY, str(ROOT / "bench" / "targets.py")], cwd=ROOT, env=env, text=True,
                         capture_output=True, check=True).stdout
    return json.loads(out)


def fmt(x: float | None, digits: int = 1) -> str:
    if x is None or x != x:  # NaN
        return "—"
    return f"{x:.{digits}f}"


def bench_db(db: str, sizes: list[int], seconds: float, concurrency: int, max_requests: int, quick: bool,
             submissions_only: bool = False) -> dict:
    env = base_env(db)
    log(f"{db}: resetting database")
    reset_database(db, env)
    report: dict = {"db": db, "sizes": sizes, "submissions": {}, "pages": {}, "queries": {}, "exports": {},
                    "topology": topology(env)}
    generated = 0
    for index, size in enumerate(sizes):
        log(f"{db}: generating data up to {size} records")
        t0 = time.time()
        out = manage(env, "generate_scale_data", "--feedback", str(size - generated), "--responses", str(size - generated),
                     "--inspections", str(max(0, (size - generated) // 100)), capture=True)
        for line in out.splitlines():
            log(f"{db}: {line}")
        report.setdefault("generation_seconds", {})[size] = round(time.time() - t0, 1)
        report.setdefault("generation_log", {})[size] = out.splitlines()
        t0 = time.time()
        settle(db, env)
        report.setdefault("settle_seconds", {})[size] = round(time.time() - t0, 1)
        generated = size
        tg = targets(env)
        started = []  # stopped in the finally clause, whatever fails
        try:
            server = Server(env)
            started.append(server)
            # The bare ceiling runs beside the platform while the submissions are measured.
            bare = Server(env, app=BARE_APP) if index == 0 else None
            started += [bare] if bare else []
            started.append(Worker(env))
            def run(name, flow, port=server.port, size=size, **kw):
                log(f"{db} @{size:,}: {name}")
                return loadgen.run(name, HOST, port, flow, concurrency=kw.pop("concurrency", concurrency),
                                   seconds=seconds, max_requests=max_requests, **kw)
            if index == 0:
                # Throughput: the two ceilings and the public submissions (measured once, at the smallest size).
                ok_ticket = re.compile(r"ticket=|/t/[A-Za-z0-9]+")
                ceiling_post = loadgen.submit_flow(
                    "/_bench/ceiling/", lambda n: {"payload": f"row {n}"}, re.compile(r"ticket="))
                flows = {
                    "ceiling_get": loadgen.get_flow("/_bench/ceiling/"),
                    "ceiling_post": ceiling_post,
                    "bare_get": (bare.port, loadgen.get_flow("/_bench/ceiling/")),
                    "bare_post": (bare.port, ceiling_post),
                }
                # Every POST carries a fresh submission key (a repeated key is a double submit, answered
                # without an INSERT).
                if tg.get("feedback_form"):
                    fields = tg["feedback_fields"]
                    flows["feedback_submit"] = loadgen.submit_flow(
                        tg["feedback_form"], lambda n, f=fields: {**f, "body": f"{f.get('body', '')} #{n}",
                                                                  "submission_key": uuid.uuid4().hex},
                        re.compile(tg.get("feedback_success", ok_ticket.pattern)))
                if tg.get("survey_form"):
                    flows["survey_submit"] = loadgen.submit_flow(
                        tg["survey_form"], lambda n, f=tg["survey_fields"]: {**f, "submission_key": str(uuid.uuid4())},
                        re.compile(re.escape(tg.get("survey_success", "thanks"))), post_path=tg.get("survey_post"))
                try:
                    subs = interleaved(flows, server.port, seconds, max_requests, concurrency,
                                       rounds=1 if quick else 4)
                finally:
                    bare.stop()
                report["submissions"] = {k: summary(v) for k, v in subs.items()}
            if submissions_only:
                continue
            pages = {"ceiling_get": tg.get("ceiling", "/_bench/ceiling/")}
            pages.update(tg.get("pages", {}))
            for key, path in pages.items():
                login_as = tg.get("page_users", {}).get(key)
                setup = (lambda c, u=login_as, pw=tg["password"]: c.login(u, pw)) if login_as else None
                # Warm both workers (imports, templates, connections) before measuring.
                loadgen.run(key, HOST, server.port, loadgen.get_flow(path), concurrency=2, seconds=seconds,
                            max_requests=6, setup=setup)
                res = run(key, loadgen.get_flow(path), setup=setup, concurrency=2)
                report["pages"].setdefault(key, {})[size] = summary(res)
        finally:
            for proc in reversed(started):
                proc.stop()
        if submissions_only:
            continue
        proc = subprocess.run([PY, str(ROOT / "bench" / "querycounts.py")], cwd=ROOT, env=env, text=True,
                              capture_output=True)
        if proc.returncode == 0:
            report["queries"][size] = json.loads(proc.stdout)
        else:
            log(f"{db}: query counts failed: {proc.stderr.strip()[-300:]}")
            report["queries"][size] = {}
    if not submissions_only and (not quick or os.environ.get("BENCH_EXPORTS")):
        for kind in ("feedback", "surveys"):
            proc = subprocess.run([PY, str(ROOT / "bench" / "export_memory.py"), kind, str(min(100_000, sizes[-1]))],
                                  cwd=ROOT, env=env, text=True, capture_output=True)
            if proc.returncode == 0 and proc.stdout.strip():
                report["exports"][kind] = json.loads(proc.stdout)
            else:
                report["exports"][kind] = {"error": proc.stderr.strip()[-500:]}
    return report


def interleaved(flows: dict, port: int, seconds: float, max_requests: int, concurrency: int, rounds: int) -> dict:
    """Run the scenarios in alternating slices (A B C D A B C D …) so that each sees the same
    background load on a shared machine — the ratios to the ceilings are what matters. Each scenario
    gets ``seconds`` and ``max_requests`` in all, after a short warm-up of both workers. A flow is
    served on ``port`` unless given as ``(port, flow)``."""
    flows = {key: flow if isinstance(flow, tuple) else (port, flow) for key, flow in flows.items()}
    results = {key: loadgen.Result(key) for key in flows}
    for key, (port, flow) in flows.items():
        loadgen.run(key, HOST, port, flow, concurrency=concurrency, seconds=seconds, max_requests=2 * concurrency)
    for _round in range(rounds):
        for key, (port, flow) in flows.items():
            log(f"submissions: {key} (slice {_round + 1}/{rounds})")
            r = loadgen.run(key, HOST, port, flow, concurrency=concurrency, seconds=seconds / rounds,
                            max_requests=max(1, max_requests // rounds))
            total = results[key]
            total.ok += r.ok
            total.failed += r.failed
            total.seconds += r.seconds
            total.latencies += r.latencies
    return results


def summary(r: loadgen.Result) -> dict:
    return {"ok": r.ok, "failed": r.failed, "seconds": round(r.seconds, 2), "throughput": round(r.throughput, 1),
            "p50_ms": round(r.p50, 1), "p95_ms": round(r.p95, 1), "p99_ms": round(r.p99, 1)}


def markdown(report: dict) -> str:
    db, sizes = report["db"], report["sizes"]
    lines = [f"## {db}", ""]
    if report.get("topology"):
        lines += [f"Served by: {report['topology']}.", ""]
    subs = report["submissions"]
    if subs:
        def rate(key):
            return subs.get(key, {}).get("throughput") or float("nan")

        lines += ["### Throughput (flows/s, successes only)", "",
                  "ceiling = the project's ceiling view (its settings and middleware); bare = the same view in a "
                  "stock Django project (bench/bare/) on the same database, served the same way. GET rows are "
                  "compared with the GET ceilings, all others with the POST ceilings.", "",
                  "| scenario | ok | failed | flows/s | p50 ms | p95 ms | p99 ms | ratio to ceiling | ratio to bare ceiling |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for key, s in subs.items():
            kind = "get" if key.endswith("_get") else "post"
            lines.append(f"| {key} | {s['ok']} | {s['failed']} | {fmt(s['throughput'])} | {fmt(s['p50_ms'])} | "
                         f"{fmt(s['p95_ms'])} | {fmt(s['p99_ms'])} | {fmt(s['throughput'] / rate('ceiling_' + kind), 2)} | "
                         f"{fmt(s['throughput'] / rate('bare_' + kind), 2)} |")
        lines.append("")
        verdicts = [f"{key.removesuffix('_submit')} {fmt(rate(key) / rate('bare_post'), 2)}"
                    for key in ("feedback_submit", "survey_submit") if key in subs]
        if verdicts and "bare_post" in subs:
            met = all(rate(key) / rate("bare_post") >= 0.5 for key in ("feedback_submit", "survey_submit") if key in subs)
            lines += [f"Target public submissions ≥ 0.5 × bare ceiling POST: {', '.join(verdicts)} — "
                      f"**{'met' if met else 'missed'}**.", ""]
    if report["pages"]:
        head = " | ".join(f"p50 @{n:,}" for n in sizes)
        growth = " | ".join(f"×@{n:,}" for n in sizes)
        lines += ["### Pages (latency ms; growth = p50 / p50 at the smallest size; ceiling = p50 / ceiling GET p50)", "",
                  f"| page | {head} | {growth} | p95 @{sizes[-1]:,} | ceiling ratio @{sizes[-1]:,} | queries |",
                  "|---|" + "---|" * (2 * len(sizes) + 3)]
        ceiling_p50 = {n: report["pages"].get("ceiling_get", {}).get(n, {}).get("p50_ms") for n in sizes}
        for key, by_size in report["pages"].items():
            p50s = [by_size.get(n, {}).get("p50_ms") for n in sizes]
            base = p50s[0]
            growth_cells = [fmt(p / base, 2) if p and base else "—" for p in p50s]
            last = by_size.get(sizes[-1], {})
            ceil = ceiling_p50.get(sizes[-1])
            qcounts = sorted({report["queries"].get(n, {}).get(key) for n in sizes} - {None})
            lines.append(f"| {key} | " + " | ".join(fmt(p) for p in p50s) + " | " + " | ".join(growth_cells)
                         + f" | {fmt(last.get('p95_ms'))} | {fmt(last.get('p50_ms') / ceil, 1) if ceil and last.get('p50_ms') else '—'}"
                         + f" | {'/'.join(str(q) for q in qcounts) or '—'} |")
        lines.append("")
    if report["exports"]:
        lines += ["### Exports", "", "| export | rows | seconds | peak RSS MB |", "|---|---|---|---|"]
        for kind, e in report["exports"].items():
            if "error" in e:
                lines.append(f"| {kind} | — | — | error: {e['error'][:80]} |")
            else:
                lines.append(f"| {kind} | {e['rows']} | {fmt(e['seconds'])} | {fmt(e['peak_rss_mb'])} |")
        lines.append("")
    if report.get("generation_seconds"):
        lines += ["Data generation (seconds, cumulative steps): " + ", ".join(
            f"{int(k):,}: {v}" for k, v in report["generation_seconds"].items()), ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--max-requests", type=int, default=3000)
    parser.add_argument("--quick", action="store_true", help="smoke run: 200 records, 1 s per scenario")
    parser.add_argument("--submissions-only", action="store_true",
                        help="only the ceiling and the public submissions, at the first size")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    seconds, max_requests = args.seconds, args.max_requests
    if args.quick:
        sizes, seconds, max_requests = [200], 1.0, 50
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for db in args.db.split(","):
        if args.submissions_only:
            sizes = sizes[:1]
        report = bench_db(db, sizes, seconds, args.concurrency, max_requests, args.quick, args.submissions_only)
        text = markdown(report)
        print(text, flush=True)
        (RESULTS / f"{db}-{stamp}.md").write_text(text)
        (RESULTS / f"{db}-{stamp}.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
