#!/usr/bin/env python
"""Recognition benchmark (issue 18): the vote rush and the results pages after the close, on SQLite and PostgreSQL,
served as bench/run.py serves the platform (gunicorn, 2 sync workers, one Celery worker; PostgreSQL with Redis).

- **Vote rush**: ELIGIBLE members may vote (30,000: the voter roll of a campus); CAST of them (3,000) cast their
  ballot as fast as a bounded loopback load (CONCURRENCY client threads) lets them — GET the ballot page, POST two
  choices, success = the page with the receipt. Reported: ballots/s, the seconds the CAST ballots took, POST
  p50/p95/p99, and the ratio to the bare ceiling's POST flows/s (bench/bare: the same one-INSERT view in a stock
  Django project on the same database) measured in interleaved slices of the same run. Then the vote is closed
  and checked: ballots = voter records = acknowledged receipts, 0 duplicate voter records or receipts, every
  acknowledged receipt in the published list (``/recognition/receipts/<round>/``, over HTTP), the list ordered by
  receipt (not by insertion).
- **Results after the close**: two more rounds, closed with 1,000 and 100,000 ballots (bulk-loaded, counted by the
  close); the public receipt page (totals, figures, a receipt check) and the supervisor's results page of each,
  SAMPLES sequential GETs each; p50 and the ratio 100k / 1k (target ≤ 1.5: the pages read stored counters).

    .venv/bin/python bench/recognition_vote_rush.py                       # both databases
    .venv/bin/python bench/recognition_vote_rush.py --db sqlite --eligible 3000 --cast 300 --big 10000   # a quick look

Environment as bench/run.py (``BENCH_PG_DB``, ``BENCH_WORK``, ``BENCH_REDIS_URL`` — give a database and a Redis
number of your own on a shared machine: the run drops and flushes them). Members sign in through sessions written
by the set-up (no password hashing during the rush)."""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import loadgen  # noqa: E402
from bench import run as bench  # noqa: E402

SUPERVISOR, PASSWORD = "bench_supervisor", "bench-pass-2026"
NOMINEES = 10
RECEIPT = re.compile(rb'id="receipt">([0-9A-Z]{12})<')
SIGNED_IN_CEILING = "/_bench/ceiling/signed-in/"  # the project's signed-in ceiling (qualityservice/benchceiling)


# --- Set-up and checks (run under Django, in a subprocess with the bench environment) ----------------------------


def _round(services, Nomination, supervisor, department, title, nominees):
    import datetime as dt

    rnd, _c = services.create_round(key=f"bench-{title}", by=supervisor, title=title, period_start=dt.date(2026, 1, 1),
                                    period_end=dt.date(2026, 12, 31), choices_per_ballot=2, staff_may_vote=False)
    services.move_round(rnd, "open_nominations", by=supervisor)
    made = []
    for n in range(nominees):
        nomination, _c = services.create_nomination(key=f"bench-{title}-{n}", by=supervisor, department=department,
                                                    title=f"候选人{n + 1}")
        Nomination.objects.filter(pk=nomination.pk).update(round=rnd, story="坚持微笑服务，全年零投诉。" * 3)
        services.move(nomination, "submit", by=supervisor)
        made.append(nomination.pk)
    services.move_round(rnd, "review", by=supervisor)
    services.move_round(rnd, "open_vote", by=supervisor)
    return rnd, made


def _bulk_ballots(rnd, nominations, n):
    """``n`` ballots and voter records written directly (the set-up, not what is measured), then the close."""
    from django.db import transaction
    from django.utils import timezone

    from qualityservice.recognition import services
    from qualityservice.recognition.models import Ballot, VoterRecord

    rng = random.Random(n)
    today = timezone.localdate()
    done = 0
    while done < n:
        size = min(5000, n - done)
        with transaction.atomic():
            VoterRecord.objects.bulk_create([VoterRecord(round=rnd, voter=f"bulk-{done + i:064d}"[-64:]) for i in range(size)])
            Ballot.objects.bulk_create([Ballot(round=rnd, choices=sorted(rng.sample(nominations, 2)), receipt=services.new_receipt(),
                                               cast_on=today) for _ in range(size)])
        done += size


def setup(eligible: int, cast: int, warm: int, small: int, big: int) -> dict:
    from bench._django import setup as django_setup

    django_setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.cached_db import SessionStore as CachedStore
    from django.contrib.sessions.backends.db import SessionStore as DbStore
    from django.urls import reverse

    from qualityservice.core.roles import Role
    from qualityservice.members.models import Member, MemberKind, username_for
    from qualityservice.org.models import Department, Staff
    from qualityservice.recognition import services
    from qualityservice.recognition.models import Nomination

    User = get_user_model()
    group = Department.objects.create(code="grp", name="后勤集团", kind=Department.Kind.GROUP)
    department = Department.objects.create(code="wuye", name="物业管理中心", kind=Department.Kind.CENTRE, parent=group)
    supervisor = User.objects.create(username=SUPERVISOR, password=make_password(PASSWORD))
    Staff.objects.create(user=supervisor, department=group, name="督查员", badge_number="S0001", role=Role.SUPERVISOR)
    unusable = make_password(None)
    users = []
    for start in range(0, eligible, 5000):
        batch = User.objects.bulk_create([User(username=username_for(f"V{n:06d}"), password=unusable)
                                          for n in range(start, min(eligible, start + 5000))])
        Member.objects.bulk_create([Member(user=u, number=u.username.removeprefix(username_for("")), name=f"投票同学{start + i}",
                                           kind=MemberKind.STUDENT) for i, u in enumerate(batch)])
        users += batch
    store = CachedStore if settings.SESSION_ENGINE.endswith("cached_db") else DbStore
    keys = []
    for user in users[: cast + warm]:
        session = store()
        session[SESSION_KEY], session[BACKEND_SESSION_KEY] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    rush, choices = _round(services, Nomination, supervisor, department, "2026年度服务明星", NOMINEES)
    warm_round, warm_choices = _round(services, Nomination, supervisor, department, "预热评选", NOMINEES)
    pages = {}
    for size in (small, big):
        rnd, nominations = _round(services, Nomination, supervisor, department, f"已截止评选{size}", NOMINEES)
        _bulk_ballots(rnd, nominations, size)
        services.move_round(rnd, "close_vote", by=supervisor)  # counts the ballots once, into the stored counters
        receipt = rnd.ballots.order_by("receipt").values_list("receipt", flat=True).first()
        pages[str(size)] = {"receipt_page": f"{rnd.get_receipt_url()}?receipt={receipt}",
                            "results_page": reverse("recognition:round_results", args=[rnd.pk])}
    return {"vote": rush.get_vote_url(), "warm_vote": warm_round.get_vote_url(), "choices": choices, "warm_choices": warm_choices,
            "sessions": keys[warm:], "warm_sessions": keys[:warm], "rush": rush.pk, "code": rush.code,
            "receipts_url": reverse("recognition:receipts", args=[rush.code]), "pages": pages}


def close(rush_pk: int) -> dict:
    from bench._django import setup as django_setup

    django_setup()
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from qualityservice.recognition import services
    from qualityservice.recognition.models import Ballot, Round, VoterRecord

    rnd = Round.objects.get(pk=rush_pk)
    services.move_round(rnd, "close_vote", by=get_user_model().objects.get(username=SUPERVISOR))
    return {
        "ballots": Ballot.objects.filter(round=rnd).count(), "voter_records": VoterRecord.objects.filter(round=rnd).count(),
        "duplicate_voters": VoterRecord.objects.filter(round=rnd).values("voter").annotate(n=Count("pk")).filter(n__gt=1).count(),
        "duplicate_receipts": Ballot.objects.values("receipt").annotate(n=Count("pk")).filter(n__gt=1).count(),
        "figures": services.figures(Round.objects.get(pk=rush_pk)),
    }


# --- The run ---------------------------------------------------------------------------------------------------


def django_json(env: dict, *args: str) -> dict:
    proc = subprocess.run([bench.PY, str(Path(__file__)), *args], cwd=ROOT, env=env, text=True, capture_output=True)
    if proc.returncode:
        raise SystemExit(proc.stderr[-3000:])
    return json.loads(proc.stdout)


def vote_flow(path: str, keys: list[str], choices: list[int], receipts: list[str]):
    lock = threading.Lock()
    state = {"next": 0}
    rng = random.Random(18)

    def flow(client: loadgen.Client) -> tuple[bool, float]:
        with lock:
            n = state["next"]
            state["next"] += 1
            picked = rng.sample(choices, 2)
        if n >= len(keys):
            return False, 0.0
        client.cookies = {"sessionid": keys[n]}  # a fresh jar: this member's session
        status, _, body = client.request("GET", path)
        if status != 200:
            return False, 0.0
        data = {"csrfmiddlewaretoken": client.csrf_from(body), "choice": picked}
        start = time.perf_counter()
        status, _headers, body = client.request("POST", path, data)
        elapsed = time.perf_counter() - start
        found = RECEIPT.search(body) if status == 200 else None
        if found:
            with lock:
                receipts.append(found.group(1).decode())
        return bool(found), elapsed

    return flow


def page_times(port: int, pages: dict, samples: int) -> dict:
    client = loadgen.Client(bench.HOST, port)
    client.login(SUPERVISOR, PASSWORD)
    out = {}
    for size, urls in pages.items():
        for name, url in urls.items():
            times = []
            for _ in range(samples + 3):
                start = time.perf_counter()
                status, _h, _b = client.request("GET", url)
                times.append(time.perf_counter() - start)
                if status != 200:
                    raise SystemExit(f"{url}: {status}")
            times = sorted(times[3:])
            out.setdefault(name, {})[size] = round(times[len(times) // 2] * 1000, 2)
    client.close()
    return out


def published(port: int, url: str) -> list[str]:
    client = loadgen.Client(bench.HOST, port)
    status, _h, body = client.request("GET", url)
    client.close()
    if status != 200:
        raise SystemExit(f"{url}: {status}")
    return body.decode().split()


def run_db(db: str, eligible: int, cast: int, concurrency: int, rounds: int, small: int, big: int, samples: int) -> dict:
    env = bench.base_env(db)
    bench.log(f"{db}: resetting the database")
    bench.reset_database(db, env)
    bench.log(f"{db}: {eligible} members, {cast} sessions; closed rounds of {small} and {big} ballots")
    plan = django_json(env, "--setup", str(eligible), str(cast), str(4 * concurrency), str(small), str(big))
    bench.settle(db, env)
    server = bench.Server(env)
    bare = bench.Server(env, app=bench.BARE_APP)
    worker = bench.Worker(env)
    receipts: list[str] = []
    try:
        ceiling = loadgen.submit_flow("/_bench/ceiling/", lambda n: {"payload": f"row {n}"}, re.compile(r"ticket="))
        warm = vote_flow(plan["warm_vote"], plan["warm_sessions"], plan["warm_choices"], [])
        signed_in = loadgen.signed_in_flow(SIGNED_IN_CEILING, plan["warm_sessions"], re.compile(r"ticket="))
        for key, port, flow in (("bare_post", bare.port, ceiling), ("signed_in_ceiling", server.port, signed_in),
                                ("vote", server.port, warm)):
            loadgen.run(key, bench.HOST, port, flow, concurrency=concurrency, seconds=30, max_requests=2 * concurrency)
        rush = vote_flow(plan["vote"], plan["sessions"], plan["choices"], receipts)
        results = {k: loadgen.Result(k) for k in ("bare_post", "signed_in_ceiling", "vote")}
        per_slice = -(-cast // rounds)
        for n in range(rounds):
            for key, port, flow, budget in (("bare_post", bare.port, ceiling, per_slice),
                                            ("signed_in_ceiling", server.port, signed_in, per_slice),
                                            ("vote", server.port, rush, per_slice)):
                bench.log(f"{db}: {key} (slice {n + 1}/{rounds})")
                r = loadgen.run(key, bench.HOST, port, flow, concurrency=concurrency, seconds=120, max_requests=budget)
                total = results[key]
                total.ok += r.ok
                total.failed += r.failed
                total.seconds += r.seconds
                total.latencies += r.latencies
        bench.log(f"{db}: closing the vote")
        checks = django_json(env, "--close", str(plan["rush"]))
        listed = published(server.port, plan["receipts_url"])
        bench.log(f"{db}: results pages after the close")
        pages = page_times(server.port, plan["pages"], samples)
    finally:
        for proc in (worker, bare, server):
            proc.stop()
    vote, ceil = results["vote"], results["bare_post"]
    listed_set = set(listed)
    return {
        "db": db, "topology": bench.topology(env), "eligible": eligible, "cast": cast, "concurrency": concurrency,
        "vote": bench.summary(vote), "bare_post": bench.summary(ceil), "vote_seconds": round(vote.seconds, 1),
        "ratio_to_bare": round(vote.throughput / ceil.throughput, 2) if ceil.throughput else None,
        # The floor of a signed-in flow in this project (the session, the account, one INSERT): how far it alone is
        # from the bare ceiling, and how far the vote is from it.
        "signed_in_ceiling": bench.summary(results["signed_in_ceiling"]),
        "signed_in_ratio_to_bare": (round(results["signed_in_ceiling"].throughput / ceil.throughput, 2)
                                    if ceil.throughput else None),
        "ratio_to_signed_in": (round(vote.throughput / results["signed_in_ceiling"].throughput, 2)
                               if results["signed_in_ceiling"].throughput else None),
        "checks": {**checks, "acknowledged": len(receipts), "acknowledged_unique": len(set(receipts)),
                   "missing_from_published_list": sum(1 for r in receipts if r not in listed_set),
                   "published": len(listed), "published_sorted_by_receipt": listed == sorted(listed)},
        "pages": {name: {**times, "ratio": round(times[str(big)] / times[str(small)], 2)} for name, times in pages.items()},
        "small": small, "big": big,
    }


def markdown(reports: list[dict]) -> str:
    lines = ["| database | ballots/s | seconds for the ballots | POST p50 / p95 / p99 ms | bare ceiling POST flows/s | ratio | "
             "signed-in ceiling flows/s (× bare) | ratio to it | ballots = voter records = receipts | duplicates | missing from the list | receipt page 1k / 100k ms (ratio) | "
             "results page 1k / 100k ms (ratio) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|"]
    for r in reports:
        v, c, p = r["vote"], r["checks"], r["pages"]
        s, b = str(r["small"]), str(r["big"])
        lines.append(f"| {r['db']} | {v['throughput']} | {r['vote_seconds']} | {v['p50_ms']} / {v['p95_ms']} / {v['p99_ms']} | "
                     f"{r['bare_post']['throughput']} | {r['ratio_to_bare']} | "
                     f"{r['signed_in_ceiling']['throughput']} ({r['signed_in_ratio_to_bare']}) | {r['ratio_to_signed_in']} | "
                     f"{c['ballots']} = {c['voter_records']} = {c['acknowledged']} | "
                     f"{c['duplicate_voters'] + c['duplicate_receipts']} | {c['missing_from_published_list']} | "
                     f"{p['receipt_page'][s]} / {p['receipt_page'][b]} ({p['receipt_page']['ratio']}) | "
                     f"{p['results_page'][s]} / {p['results_page'][b]} ({p['results_page']['ratio']}) |")
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--setup":
        print(json.dumps(setup(*(int(a) for a in sys.argv[2:7]))))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--close":
        print(json.dumps(close(int(sys.argv[2]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--eligible", type=int, default=30000)
    parser.add_argument("--cast", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--big", type=int, default=100000)
    parser.add_argument("--samples", type=int, default=30)
    args = parser.parse_args()
    reports = [run_db(db, args.eligible, args.cast, args.concurrency, args.rounds, args.small, args.big, args.samples)
               for db in args.db.split(",")]
    print(json.dumps(reports, ensure_ascii=False, indent=1))
    print(markdown(reports))


if __name__ == "__main__":
    main()
