#!/usr/bin/env python
"""Time the evaluation's ranking page and what-if view with many departments and indicators, on a fresh database of
each kind, and print a Markdown table (and the JSON rows), each figure also as a ratio to the ceiling measured in
the same run.

    .venv/bin/python bench/evaluation_ranking.py                                   # 10/60/200 × 15/50; both databases
    .venv/bin/python bench/evaluation_ranking.py --db sqlite --departments 10,60 --indicators 15 --requests 30

Each database is created empty and migrated (SQLite: a file under BENCH_WORK, default var/bench; PostgreSQL: the
database ``qs_evaluation_bench`` on BENCH_PG_URL's server, dropped and re-created), in a fresh process with the
benchmark ceiling installed (``QS_BENCH_CEILING=true``). For each number of indicators K, synthetic indicators are
registered whose ``compute`` returns stored values (the registry contract: the evaluation reads aggregates only —
what is measured here is the evaluation itself: scoring, the snapshot and the pages); for each number of departments
D, D centres exist and two schemes of K components (linear and rank rules, a gate, a bonus, a veto): one frozen and
on public notice (its ranking page: ``/staff/evaluation/schemes/<id>/``), one a draft (its what-if view with other
weights). A signed-in supervisor asks for each page through django.test.Client (the whole request), after a warm-up;
and, interleaved, for the ceiling (``/_bench/ceiling/``, a trivial view of the same project). Reported: p50 / p95 of
each page, queries per request, the freeze (scoring and storing the snapshot) once, the ratio of each p50 to the
ceiling's p50 measured at the same point, and the growth of the ratio against the smallest D."""

from __future__ import annotations

import argparse
import json
import os
import random
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

PG_DB = "qs_evaluation_bench"


def _timed(client, url, params, n) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, params, secure=True)  # warm-up (DEBUG off: HTTPS only)
    times = []
    with CaptureQueriesContext(connection) as ctx:
        client.get(url, params, secure=True)
    queries = len(ctx.captured_queries)
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url, params, secure=True)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return times, queries


def child(departments: list[int], indicator_counts: list[int], requests: int) -> list[dict]:
    sys.path.insert(0, str(ROOT))
    from bench._django import setup

    setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", "--noinput", verbosity=0)
    from qualityservice.core import indicators
    from qualityservice.core.indicators import HIGHER_BETTER, LOWER_BETTER, Indicator
    from qualityservice.core.roles import Role
    from qualityservice.evaluation import services
    from qualityservice.evaluation.workflows import SCHEME
    from qualityservice.org.models import Department, Staff

    rng = random.Random(20)
    values: dict[str, dict[int, float | None]] = {}

    def compute_for(key):
        return lambda ids, period: {d: values.get(key, {}).get(d) for d in ids}

    group = Department.objects.create(code="group", name="后勤集团", kind=Department.Kind.GROUP)
    user = get_user_model().objects.create_user("bench-supervisor", password="x")
    Staff.objects.create(department=group, name="督查员", badge_number="S0001", post="督查", role=Role.SUPERVISOR, user=user)
    client = Client()
    client.force_login(user)
    rows = []
    made = 0
    years = iter(range(1901, 2100))
    key_sets = {}
    for k in indicator_counts:
        key_sets[k] = [f"evaluation.bench_{k}_{i}" for i in range(k)]
        for i, key in enumerate(key_sets[k]):
            indicators.register(Indicator(key=key, label=f"指标{i}", definition="基准测试用指标", unit="%",
                                          direction=LOWER_BETTER if i % 5 == 4 else HIGHER_BETTER, source="evaluation",
                                          compute=compute_for(key)))
    for n in departments:  # D departments exist for every K measured at D
        while made < n:
            Department.objects.create(code=f"c{made}", name=f"中心{made:03d}", parent=group, kind=Department.Kind.CENTRE)
            made += 1
        for k in indicator_counts:
            keys = key_sets[k]
            ids = [d.pk for d in services.departments()]
            for i, key in enumerate(keys):
                values[key] = {d: None if (d + i) % 11 == 0 else round(rng.uniform(40, 100), 1) for d in ids}
            weight = [round(100 / k, 2)] * k
            weight[0] = round(100 - sum(weight[1:]), 2)
            schemes = []
            for label in ("published", "draft"):
                scheme, _ = services.create_scheme(key=None, by=user, year=next(years), title=f"{label} {k}×{n}")
                for i, (key, w) in enumerate(zip(keys, weight, strict=True)):
                    lower = i % 5 == 4
                    services.set_component(scheme, indicator=key, weight=w, rule="rank" if i % 3 == 2 else "linear",
                                           floor=100 if lower else 40, target=40 if lower else 100)
                services.set_gate(scheme, indicator=keys[1], minimum=50)
                services.add_adjustment(scheme, key=None, by=user, department=Department.objects.get(pk=ids[0]), points=2, reason="表彰")
                services.add_veto(scheme, key=None, by=user, department=Department.objects.get(pk=ids[1]), reason="事故")
                schemes.append(scheme)
            start = time.perf_counter()
            published = SCHEME.apply(schemes[0], "freeze", by=user)
            freeze = time.perf_counter() - start
            published = SCHEME.apply(published, "notice", by=user, publication="full")
            trial = {f"weight-{key}": str(w) for key, w in zip(keys, weight, strict=True)}
            trial[f"weight-{keys[0]}"], trial[f"weight-{keys[1]}"] = str(weight[0] + weight[1]), "0.01"
            trial[f"weight-{keys[0]}"] = str(round(float(trial[f"weight-{keys[0]}"]) - 0.01, 2))
            ceiling_a, _ = _timed(client, "/_bench/ceiling/", {}, requests)
            ranking, ranking_q = _timed(client, published.get_absolute_url(), {}, requests)
            ceiling_b, _ = _timed(client, "/_bench/ceiling/", {}, requests)
            whatif, whatif_q = _timed(client, f"/staff/evaluation/schemes/{schemes[1].pk}/what-if/", trial, requests)
            ceiling = statistics.median(ceiling_a + ceiling_b)
            for page, times, queries in (("ranking", ranking, ranking_q), ("what-if", whatif, whatif_q)):
                p50 = statistics.median(times)
                rows.append({"indicators": k, "departments": n, "page": page, "p50_ms": round(p50 * 1000, 1),
                             "p95_ms": round(sorted(times)[int(0.95 * (len(times) - 1))] * 1000, 1), "queries": queries,
                             "ceiling_p50_ms": round(ceiling * 1000, 2), "ratio_to_ceiling": round(p50 / ceiling, 1),
                             "freeze_ms": round(freeze * 1000, 1), "load": round(os.getloadavg()[0], 1)})
    return rows


def run_db(db: str, args) -> list[dict]:
    env = fresh_database_env(db, work=WORK, sqlite_name="evaluation-bench.sqlite3", pg_admin_url=PG_ADMIN_URL, pg_db=PG_DB,
                             cache_name=f"cache-evaluation-{db}")
    out = subprocess.run([sys.executable, __file__, "--child", "--departments", args.departments, "--indicators", args.indicators,
                          "--requests", str(args.requests)], env=env, capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        sys.stderr.write(out.stderr)
        raise SystemExit(out.returncode)
    rows = json.loads(out.stdout.strip().splitlines()[-1])
    for row in rows:
        row["db"] = db
    return rows


def table(rows: list[dict]) -> str:
    lines = ["| db | indicators | departments | page | p50 ms | p95 ms | queries | ceiling p50 ms | × ceiling | growth | freeze ms | load |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    first = {}
    for r in rows:
        base = first.setdefault((r["db"], r["indicators"], r["page"]), r["ratio_to_ceiling"])
        lines.append(f"| {r['db']} | {r['indicators']} | {r['departments']} | {r['page']} | {r['p50_ms']} | {r['p95_ms']} | {r['queries']} "
                     f"| {r['ceiling_p50_ms']} | {r['ratio_to_ceiling']} | {r['ratio_to_ceiling'] / base:.2f} | {r['freeze_ms']} | {r['load']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--departments", default="10,60,200")
    parser.add_argument("--indicators", default="15,50")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        rows = child([int(x) for x in args.departments.split(",")], [int(x) for x in args.indicators.split(",")], args.requests)
        print(json.dumps(rows))
        return
    rows = [row for db in args.db.split(",") for row in run_db(db, args)]
    print(table(rows))
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
