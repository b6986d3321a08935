#!/usr/bin/env python
"""Time a year's evaluation (10 departments × 15 indicators, computed from the indicator registry) and the
evaluation's dashboards at growing data sizes, on a fresh database of each kind, and print a Markdown table (and the
JSON rows).

    .venv/bin/python bench/evaluation_scale.py                                  # 10k, 100k, 1M; both databases
    .venv/bin/python bench/evaluation_scale.py --db sqlite --sizes 10000,100000 --requests 20

Each database is created empty and migrated (SQLite: a file under BENCH_WORK, default var/bench; PostgreSQL: the
database BENCH_PG_DB, default ``qs_eval_scale``, on BENCH_PG_URL's server, dropped and re-created), in a fresh
process with the benchmark ceiling installed. The organisation is the demo one plus centres up to 10 departments;
then, cumulatively, ``generate_scale_data --feedback N --responses N`` up to each size (feedback records over 24
months with their timelines, survey answers into one open survey; bulk COPY / executemany, then the apps' own
aggregate refreshes: ``feedback.services.refresh_public_figures``, the surveys' counters and satisfaction index);
the database is settled (PostgreSQL ``VACUUM (ANALYZE)``, SQLite WAL checkpoint) as ``run.py`` does.

At each size, measured in-process:

- **evaluation**: ``evaluation.services.compute`` of a draft scheme of 15 components (the feedback and survey
  indicators and the other apps' scorable ones; linear and rank rules) for the 10 departments, for the **last
  year** (closed: every month from the stored monthly figures) and the **current year** (its month in progress
  read from the items); then the freeze once (scoring and storing the snapshot) of a copy;
- **dashboards**: a signed-in supervisor's ``/staff/evaluation/dashboard/`` (every registered indicator by
  department, the current year) and a department's ``/staff/evaluation/dashboard/<id>/`` (this year beside last
  year) through django.test.Client, interleaved with the ceiling (``/_bench/ceiling/``).

Reported: p50 / p95, this process's CPU p50 (on SQLite the database work is in it; on PostgreSQL the server's is not),
queries (CaptureQueriesContext), the p50 as a ratio to the ceiling's p50 measured at the same
point, and the **growth** of that ratio against the smallest size (target: ≤ 1.5, queries constant)."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(os.environ.get("BENCH_WORK", ROOT / "var" / "bench"))
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://qs:qs@127.0.0.1:5432/qs")
sys.path.insert(0, str(ROOT))
from bench._django import fresh_database_env  # noqa: E402

PG_DB = os.environ.get("BENCH_PG_DB", "qs_eval_scale")
DEPARTMENTS = 10
COMPONENTS = 15
# Scored with a linear rule (zero points, full points); every other component is ranked among the departments.
LINEAR = {"feedback.on_time_rate": (60, 100), "feedback.callback_satisfaction": (3, 5), "feedback.reopened_rate": (20, 0),
          "feedback.complaints_per_100_staff": (50, 0), "surveys.satisfaction_index": (60, 100), "surveys.nps": (-50, 50)}


class _Times(list):
    cpu: list[float]


def _timed(fn, n) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fn()  # warm-up
    with CaptureQueriesContext(connection) as ctx:
        fn()
    queries = len(ctx.captured_queries)
    times, cpu = _Times(), []
    for _ in range(n):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    times.cpu = cpu
    return times, queries


def _get(client, url):
    def fn():
        response = client.get(url, secure=True)  # DEBUG off: HTTPS only
        assert response.status_code == 200, (url, response.status_code)

    return fn


def _settle() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM (ANALYZE)")
        else:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.execute("ANALYZE")


def child(sizes: list[int], requests: int) -> list[dict]:
    sys.path.insert(0, str(ROOT))
    from bench._django import setup

    setup()
    import io

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    call_command("migrate", "--noinput", verbosity=0)
    call_command("generate_scale_data", stdout=io.StringIO())  # no counts: org's demo organisation only
    from qualityservice.core import indicators
    from qualityservice.core.indicators import NEUTRAL
    from qualityservice.core.roles import Role
    from qualityservice.evaluation import services
    from qualityservice.evaluation.workflows import SCHEME
    from qualityservice.org.models import Department, Staff

    group = Department.objects.filter(kind=Department.Kind.GROUP).order_by("pk").first()
    n = 0
    while len(services.departments()) < DEPARTMENTS:
        n += 1
        Department.objects.create(code=f"bench{n}", name=f"基准中心{n}", parent=group, kind=Department.Kind.CENTRE)
    depts = services.departments()[:DEPARTMENTS]
    user = get_user_model().objects.create_user("bench-evaluation-supervisor", password="x")
    Staff.objects.create(department=group, name="督查员", badge_number="BENCH-S1", post="督查", role=Role.SUPERVISOR, user=user)
    client = Client()
    client.force_login(user)

    scorable = [i for i in indicators.all() if i.direction != NEUTRAL]
    first = [i for i in scorable if i.source in ("feedback", "surveys")]
    chosen = (first + [i for i in scorable if i not in first])[:COMPONENTS]
    weights = [100 // len(chosen)] * len(chosen)
    weights[0] += 100 - sum(weights)
    this_year = timezone.localdate().year
    schemes = {}
    for label, year in (("last year", this_year - 1), ("current year", this_year)):
        scheme, _ = services.create_scheme(key=None, by=user, year=year, title=f"bench {label}")
        for indicator, weight in zip(chosen, weights, strict=True):
            floor, target = LINEAR.get(indicator.key, (None, None))
            services.set_component(scheme, indicator=indicator.key, weight=weight, rule="linear" if floor is not None else "rank",
                                   floor=floor, target=target)
        schemes[label] = scheme

    rows = []
    generated = 0
    frozen, generated_before = None, False
    for size in sizes:
        start = time.perf_counter()
        call_command("generate_scale_data", feedback=size - generated, responses=size - generated, stdout=io.StringIO())
        generation = time.perf_counter() - start
        generated = size
        _settle()
        from qualityservice.feedback.models import Feedback
        from qualityservice.surveys.models import Answer

        stored = {"feedback_records": Feedback.objects.count(), "survey_answers": Answer.objects.count()}
        ceiling_a, _ = _timed(_get(client, "/_bench/ceiling/"), requests)
        measured = []
        for label, scheme in schemes.items():
            times, queries = _timed(lambda scheme=scheme: services.compute(scheme, depts=depts), requests)
            measured.append((f"evaluation, {label}", times, queries))
        # The freeze of last year's scheme (a new version of the one frozen at the size before).
        copy = frozen = services.new_version(frozen, by=user, reason=f"bench {size}") if generated_before else schemes["last year"]
        start = time.perf_counter()
        frozen = SCHEME.apply(copy, "freeze", by=user)
        freeze = time.perf_counter() - start
        generated_before = True
        measured.append(("group dashboard",) + _timed(_get(client, "/staff/evaluation/dashboard/"), requests))
        measured.append(("department dashboard",) + _timed(_get(client, f"/staff/evaluation/dashboard/{depts[0].pk}/"), requests))
        ceiling_b, _ = _timed(_get(client, "/_bench/ceiling/"), requests)
        ceiling = statistics.median(ceiling_a + ceiling_b)
        for what, times, queries in measured:
            p50 = statistics.median(times)
            rows.append({"size": size, "what": what, "p50_ms": round(p50 * 1000, 1),
                         "cpu_p50_ms": round(statistics.median(times.cpu) * 1000, 1),
                         "p95_ms": round(sorted(times)[int(0.95 * (len(times) - 1))] * 1000, 1), "queries": queries,
                         "ceiling_p50_ms": round(ceiling * 1000, 2), "ratio_to_ceiling": round(p50 / ceiling, 1),
                         "freeze_ms": round(freeze * 1000, 1), "generation_s": round(generation, 1),
                         "load": round(os.getloadavg()[0], 1), "vendor": connection.vendor, **stored})
    return rows


def run_db(db: str, args) -> list[dict]:
    env = fresh_database_env(db, work=WORK, sqlite_name="evaluation-scale.sqlite3", pg_admin_url=PG_ADMIN_URL, pg_db=PG_DB,
                             cache_name=f"cache-evaluation-scale-{db}")
    try:
        out = subprocess.run([sys.executable, __file__, "--child", "--sizes", args.sizes, "--requests", str(args.requests)],
                             env=env, capture_output=True, text=True, cwd=ROOT)
    finally:
        if db == "postgres" and not args.keep:
            import psycopg

            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
    if out.returncode:
        sys.stderr.write(out.stderr)
        raise SystemExit(out.returncode)
    rows = json.loads(out.stdout.strip().splitlines()[-1])
    for row in rows:
        row["db"] = db
    return rows


def table(rows: list[dict]) -> str:
    lines = ["| db | what | records | p50 ms | p95 ms | CPU p50 ms | queries | ceiling p50 ms | × ceiling | growth | CPU growth "
             "| freeze ms | generation s | load |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    first = {}
    for r in rows:
        base, base_cpu = first.setdefault((r["db"], r["what"]), (r["ratio_to_ceiling"], r["cpu_p50_ms"]))
        growth = r["ratio_to_ceiling"] / base if base else 0
        cpu_growth = r["cpu_p50_ms"] / base_cpu if base_cpu else 0
        lines.append(f"| {r['db']} | {r['what']} | {r['size']:,} | {r['p50_ms']} | {r['p95_ms']} | {r['cpu_p50_ms']} | {r['queries']} "
                     f"| {r['ceiling_p50_ms']} | {r['ratio_to_ceiling']} | {growth:.2f} | {cpu_growth:.2f} | {r['freeze_ms']} "
                     f"| {r['generation_s']} | {r['load']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--sizes", default="10000,100000,1000000", help="feedback records and survey answers (cumulative)")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database afterwards")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child([int(x) for x in args.sizes.split(",")], args.requests)))
        return
    rows = [row for db in args.db.split(",") for row in run_db(db, args)]
    print(table(rows))
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
