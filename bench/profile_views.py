#!/usr/bin/env python
"""Profile one benchmark scenario in-process with pyinstrument (pip install pyinstrument) and print
the call tree plus the SQL queries of one request. Uses the same targets as bench/run.py.

    python bench/profile_views.py feedback_submit [-n 200]
    python bench/profile_views.py survey_submit
    python bench/profile_views.py feedback_inbox_head      # any page key of bench/targets.py

Run under Django with the bench environment (see bench/README.md)."""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._django import setup


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario")
    parser.add_argument("-n", type=int, default=100)
    parser.add_argument("--sql", action="store_true", help="print the SQL of one request")
    parser.add_argument("--explain", type=int, default=0, metavar="N",
                        help="print the plans (EXPLAIN ANALYZE) of the N slowest SELECTs of one request")
    args = parser.parse_args()
    setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    from bench.targets import compute

    tg = compute()
    client = Client(HTTP_HOST="127.0.0.1")
    if args.scenario == "feedback_submit":
        def once():
            r = client.post(tg["feedback_form"], {**tg["feedback_fields"], "submission_key": uuid.uuid4().hex})
            assert r.status_code == 302, r.status_code
    elif args.scenario == "survey_submit":
        def once():
            client.get(tg["survey_form"])
            r = client.post(tg["survey_post"], {**tg["survey_fields"], "submission_key": str(uuid.uuid4())})
            assert r.status_code == 302, r.status_code
    else:
        path = tg["pages"][args.scenario]
        user = tg["page_users"].get(args.scenario)
        if user:
            client.force_login(get_user_model().objects.get(username=user))

        def once():
            r = client.get(path)
            assert r.status_code == 200, r.status_code
    once()
    with CaptureQueriesContext(connection) as ctx:
        once()
    print(f"{len(ctx.captured_queries)} queries in one request")
    if args.sql:
        for q in ctx.captured_queries:
            print(f"  {q['time']}s  {q['sql'][:400]}")
    if args.explain:
        selects = sorted((q for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")),
                         key=lambda q: -float(q["time"]))[:args.explain]
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
        with connection.cursor() as cursor:
            for q in selects:
                print(f"\n--- {q['time']}s: {q['sql'][:600]}")
                cursor.execute(prefix + q["sql"])
                for row in cursor.fetchall():
                    print("   ", " | ".join(str(c) for c in row))
    if args.n <= 0:
        return
    profiler = Profiler(interval=0.0005)
    start = time.perf_counter()
    profiler.start()
    for _i in range(args.n):
        once()
    profiler.stop()
    print(f"{args.n} requests in {time.perf_counter() - start:.2f}s")
    print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
