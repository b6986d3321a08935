#!/usr/bin/env python
"""Time the similar-idea look-up while typing (``/staff/ideas/similar/``, the htmx endpoint under the idea form's
title) at 1,000, 10,000 and 100,000 stored ideas, on a fresh database of each kind, and print a Markdown table
(and the JSON rows).

    .venv/bin/python bench/ideas_similar.py                              # 1k, 10k, 100k; SQLite and PostgreSQL
    .venv/bin/python bench/ideas_similar.py --sizes 1000,10000 --db sqlite --requests 100

Each database is created empty and migrated (SQLite: a file under BENCH_WORK, default var/bench; PostgreSQL:
the database ``qs_ideas_bench`` on BENCH_PG_URL's server, dropped and re-created); then, in a fresh process,
ideas are added to ONE group round — the worst case: every stored idea is a candidate of the round — up to each
size, and at each size a signed-in member of staff asks for the titles a person types, keystroke by keystroke
(prefixes of 2 to 12 characters of realistic titles), through django.test.Client (the whole request: session,
user, the view, the template), wall-clock and the CPU time of this process (the Django side, less sensitive to the
other load of a shared machine) — after the inserts are written back (PostgreSQL and SQLite ANALYZE, the SQLite WAL
checkpointed), on a new connection, as a server would find them. Reported per size: p50 / p95 / max of the request, the queries per request
(constant), the load average, and p95 growth against the smallest size (the issue's target: at most 1.5× from 1k to 100k)."""

from __future__ import annotations

import argparse
import gc
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
PG_DB = "qs_ideas_bench"
TYPED = ["第一餐厅后厨照明改用LED灯", "宿舍报修扫码登记", "食堂剩菜称重公示减少浪费", "公寓卫生间加装节水阀", "班车空驶路线优化",
         "超市冷柜夜间加盖保温帘", "教学楼走廊灯改声控", "维修配件库存预警"]


def child(sizes: list[int], requests: int) -> dict:
    sys.path.insert(0, str(ROOT))
    from bench._django import setup

    setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", "--noinput", verbosity=0)
    from django.contrib.auth import get_user_model

    from qualityservice.ideas import scale
    from qualityservice.ideas.models import Idea, IdeaAuthor, Round
    from qualityservice.org.models import Department, Staff

    group = Department.objects.create(code="group", name="后勤集团", kind=Department.Kind.GROUP)
    centres = [Department.objects.create(code=f"c{i}", name=f"中心{i}", parent=group, kind=Department.Kind.CENTRE) for i in range(8)]
    authors = [Staff.objects.create(department=centres[i % 8], name=f"员工{i}", badge_number=f"B{i:05d}", post="员工") for i in range(200)]
    user = get_user_model().objects.create_user("bench-staff", password="x")
    Staff.objects.create(user=user, department=centres[0], name="提建议的人", badge_number="B99999", post="员工")
    from django.utils import timezone

    today = timezone.localdate()
    round_ = Round.objects.create(title="规模测试轮次", opens_on=today.replace(month=1, day=1), closes_on=today.replace(month=12, day=31))
    client = Client()
    client.force_login(user)
    rng = random.Random(2026)
    typed = [t[:n] for t in TYPED for n in range(2, min(len(t), 12) + 1)]
    rows, made = [], 0
    for size in sizes:
        while made < size:
            batch = min(5000, size - made)
            ideas = Idea.objects.bulk_create([
                Idea(round=round_, department=centres[i % 8], category=rng.choice(["energy", "service", "management"]),
                     title=f"{rng.choice(scale.PLACES)}{rng.choice(scale.THINGS)}{rng.choice(scale.ACTIONS)}", problem="p", proposal="p",
                     benefit_unit="qualitative", expected_note="n") for i in range(batch)], batch_size=2000)
            IdeaAuthor.objects.bulk_create([IdeaAuthor(idea=idea, staff=authors[i % 200], is_lead=True) for i, idea in enumerate(ideas)],
                                           batch_size=2000)
            made += batch
        # As a server would find the data: statistics up to date, the SQLite WAL written back, a new connection and
        # none of the inserted rows left in this process's memory.
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE ideas_idea; ANALYZE ideas_round;")
            else:
                cursor.execute("ANALYZE")
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        del ideas
        connection.close()
        gc.collect()
        for title in typed[:20]:  # warm-up: caches, the query plans
            client.get("/staff/ideas/similar/", {"round": round_.pk, "title": title})
        times, cpu, queries, shown = [], [], set(), 0
        for n in range(requests):
            title = typed[n % len(typed)]
            with CaptureQueriesContext(connection) as captured:
                started, started_cpu = time.perf_counter(), time.process_time()
                response = client.get("/staff/ideas/similar/", {"round": round_.pk, "title": title})
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200
            queries.add(len(captured))
            shown += response.content.decode().count('data-testid="similar-idea"')
            reset_queries()
        times.sort()
        cpu.sort()
        rows.append({"db": connection.vendor, "ideas": Idea.objects.filter(round=round_).count(), "requests": requests,
                     "p50_ms": round(statistics.median(times), 2), "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
                     "max_ms": round(times[-1], 2), "cpu_p95_ms": round(cpu[int(0.95 * (len(cpu) - 1))], 2),
                     "load": round(os.getloadavg()[0], 2), "queries": sorted(queries), "shown_per_request": round(shown / requests, 2)})
    assert Round.objects.count() == 1
    return {"rows": rows}


def run(db: str, sizes: list[int], requests: int) -> list[dict]:
    env = {**os.environ, "DEBUG": "false", "SECRET_KEY": "bench-" + "x" * 60, "ALLOWED_HOSTS": "testserver,127.0.0.1",
           "CACHE_DIR": str(WORK / f"cache-ideas-{db}"), "SECURE_SSL_REDIRECT": "false"}
    env.pop("DATABASE_URL", None)
    WORK.mkdir(parents=True, exist_ok=True)
    if db == "sqlite":
        path = WORK / "ideas-bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        env["SQLITE_PATH"] = str(path)
    else:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{PG_DB}"')
        env["DATABASE_URL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_DB
    out = subprocess.run([sys.executable, __file__, "--child", "--sizes", ",".join(map(str, sizes)), "--requests", str(requests)],
                         env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])["rows"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.child:
        print(json.dumps(child(sizes, args.requests), ensure_ascii=False))
        return
    results = [row for db in args.db.split(",") for row in run(db, sizes, args.requests)]
    print("| database | stored ideas | requests | p50 (ms) | p95 (ms) | max (ms) | p95 growth | CPU p95 (ms, this process) | CPU growth | "
          "queries per request | load average |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        base = next(x for x in results if x["db"] == r["db"])
        print(f"| {r['db']} | {r['ideas']:,} | {r['requests']} | {r['p50_ms']} | {r['p95_ms']} | {r['max_ms']} | "
              f"{r['p95_ms'] / base['p95_ms']:.2f}× | {r['cpu_p95_ms']} | {r['cpu_p95_ms'] / base['cpu_p95_ms']:.2f}× | "
              f"{', '.join(map(str, r['queries']))} | {r['load']} |")
    for r in results:
        print(json.dumps(r, ensure_ascii=False))


if __name__ == "__main__":
    main()
