#!/usr/bin/env python
"""Events benchmarks (issue 16): a registration rush and a check-in upload, on SQLite and PostgreSQL, served as
bench/run.py serves the platform (gunicorn, 2 sync workers, one Celery worker; the PostgreSQL run with Redis).

- **Registration rush**: MEMBERS signed-in members register for one SEATS-seat session as fast as a bounded
  loopback load (CONCURRENCY client threads) lets them — GET the registration page, POST it, success = the redirect
  to the ticket. Reported: flows/s, POST p50/p95/p99, and the ratio to the bare ceiling's POST flows/s (bench/bare:
  the same one-INSERT view in a stock Django project on the same database) measured in interleaved slices of the
  same run; then the checks: nobody over capacity, exactly SEATS confirmed, the waiting list in the order the
  registrations reached the session's lock (no reorder), and how far that order strays from the order the
  clients sent their POSTs (at most the requests in flight).
- **Check-in upload**: SCANS tickets of another session uploaded in one batch (what a door phone sends after an
  offline period), then the same batch again: every scan accepted exactly once, the second upload answered from
  the stored scans; seconds of each upload.

    .venv/bin/python bench/events_rush.py                       # both databases
    .venv/bin/python bench/events_rush.py --db sqlite --members 500 --seats 50 --scans 100   # a quick look

The members sign in through sessions written by the set-up (no password hashing during the rush: it would
measure PBKDF2, not registration)."""

from __future__ import annotations

import argparse
import http.client
import json
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import loadgen  # noqa: E402
from bench import run as bench  # noqa: E402

STAFF, PASSWORD = "bench_head", "bench-pass-2026"
SIGNED_IN_CEILING = "/_bench/ceiling/signed-in/"  # the project's signed-in ceiling (qualityservice/benchceiling)


# --- Set-up and checks (run under Django, in a subprocess with the bench environment) ----------------------------


def setup(members: int, seats: int, scans: int, warm: int) -> dict:
    from bench._django import setup as django_setup

    django_setup()
    import datetime as dt

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.cached_db import SessionStore as CachedStore
    from django.contrib.sessions.backends.db import SessionStore as DbStore
    from django.urls import reverse
    from django.utils import timezone

    from qualityservice.core.roles import Role
    from qualityservice.events import services
    from qualityservice.events.models import Audience, Kind, Registration, RegistrationStatus, Session, new_ticket_code, signed_ticket
    from qualityservice.events.workflows import EVENT
    from qualityservice.members.models import Member, MemberKind, username_for
    from qualityservice.org.models import Department, Staff

    User = get_user_model()
    department = Department.objects.create(code="wuye", name="物业管理中心", kind=Department.Kind.CENTRE)
    head = User.objects.create(username=STAFF, password=make_password(PASSWORD))
    Staff.objects.create(user=head, department=department, name="物业主任", badge_number="B0001", role=Role.HEAD)
    unusable = make_password(None)
    users = User.objects.bulk_create([User(username=username_for(f"R{n:06d}"), password=unusable) for n in range(members + warm)])
    Member.objects.bulk_create([Member(user=u, number=f"R{n:06d}", name=f"抢票同学{n}", kind=MemberKind.STUDENT)
                                for n, u in enumerate(users)])
    store = CachedStore if settings.SESSION_ENGINE.endswith("cached_db") else DbStore
    keys = []
    for user in users:
        session = store()
        session[SESSION_KEY], session[BACKEND_SESSION_KEY] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    event, _c = services.create_event(key="bench-rush", by=head, kind=Kind.OPEN_DAY, department=department, title="抢票开放日",
                                      audience=Audience.MEMBERS)
    now = timezone.now()
    common = {"starts_at": now + dt.timedelta(days=10), "ends_at": now + dt.timedelta(days=10, hours=2), "place": None,
              "location": "报告厅", "registration_opens_at": now - dt.timedelta(hours=1), "registration_closes_at": now + dt.timedelta(days=9)}
    rush, _c = services.create_session(event, key="bench-rush-session", capacity=seats, **common)
    warmup, _c = services.create_session(event, key="bench-warm-session", capacity=seats, **common)
    door, _c = services.create_session(event, key="bench-door-session", capacity=scans, **common)
    EVENT.apply(event, "publish", by=head)
    # The door session's tickets, in their final state (bulk: the set-up is not what is measured).
    Registration.objects.bulk_create([Registration(session=door, name=f"参观者{n}", phone=f"139{n:08d}", code=new_ticket_code(),
                                                   status=RegistrationStatus.CONFIRMED, seq=n + 1, rank=n + 1) for n in range(scans)])
    Session.objects.filter(pk=door.pk).update(general_taken=scans, next_seq=scans + 1)
    tickets = [signed_ticket(code) for code in Registration.objects.filter(session=door).values_list("code", flat=True)]
    return {"register": reverse("events:register", args=[rush.code]), "warmup": reverse("events:register", args=[warmup.code]),
            "sessions": keys[warm:], "warm_sessions": keys[:warm], "rush": rush.pk, "door": door.pk, "tickets": tickets,
            "members": {key: f"R{n:06d}" for n, key in enumerate(keys)}}


def check(rush_pk: int, door_pk: int, sent: list[str]) -> dict:
    """The rush's outcome from the database; ``sent`` the member numbers in the order their POSTs were sent."""
    from bench._django import setup as django_setup

    django_setup()
    from qualityservice.events.models import CheckIn, Registration, Session

    session = Session.objects.get(pk=rush_pk)
    rows = list(Registration.objects.filter(session=session).order_by("seq").values_list("seq", "rank", "status", "user__member__number"))
    confirmed = [r for r in rows if r[2] == "confirmed"]
    waiting = [r for r in rows if r[2] == "waiting"]
    by_rank = [r[0] for r in sorted(waiting, key=lambda r: (r[1], r[0]))]
    position = {number: n for n, number in enumerate(sent)}
    displacement = max((abs(position[number] - n) for n, (_s, _r, _st, number) in enumerate(rows) if number in position), default=0)
    return {
        "registrations": len(rows), "capacity": session.capacity, "general_taken": session.general_taken, "confirmed": len(confirmed),
        "waiting": len(waiting), "over_capacity": max(0, len(confirmed) - session.capacity),
        "seats_before_waiting": bool(not confirmed or not waiting or max(r[0] for r in confirmed) < min(r[0] for r in waiting)),
        "waiting_order_is_arrival_order": by_rank == [r[0] for r in waiting],
        "max_displacement_from_send_order": displacement,
        "door_scans": CheckIn.objects.filter(session_id=door_pk).count(),
        "door_attended": Registration.objects.filter(session_id=door_pk, status="attended").count(),
    }


# --- The run ---------------------------------------------------------------------------------------------------


def django_json(env: dict, *args: str) -> dict:
    proc = subprocess.run([bench.PY, str(Path(__file__)), *args], cwd=ROOT, env=env, text=True, capture_output=True)
    if proc.returncode:
        raise SystemExit(proc.stderr[-3000:])
    return json.loads(proc.stdout)


def registration_flow(path: str, keys: list[str], sent: list[str], members: dict):
    lock = threading.Lock()
    state = {"next": 0}

    def flow(client: loadgen.Client) -> tuple[bool, float]:
        with lock:
            n = state["next"]
            state["next"] += 1
        if n >= len(keys):
            return False, 0.0
        client.cookies = {"sessionid": keys[n]}  # a fresh jar: this member's session, a new CSRF cookie
        status, _, body = client.request("GET", path)
        if status != 200:
            return False, 0.0
        data = {"csrfmiddlewaretoken": client.csrf_from(body), "submission_key": uuid.uuid4().hex}
        with lock:
            sent.append(members[keys[n]])
        start = time.perf_counter()
        status, headers, _ = client.request("POST", path, data)
        elapsed = time.perf_counter() - start
        return status == 302 and "/events/t/" in headers.get("location", ""), elapsed

    return flow


def upload(port: int, door: int, tickets: list[str]) -> tuple[float, dict]:
    client = loadgen.Client(bench.HOST, port)
    client.login(STAFF, PASSWORD)
    status, _, body = client.request("GET", f"/staff/events/sessions/{door}/checkin/")
    token = client.csrf_from(body)
    now_ms = int(time.time() * 1000)
    payload = json.dumps({"device": "bench-door", "scans": [
        {"nonce": f"bench-{n:06d}-{door}", "code": t, "at": now_ms - 60_000 + n, "shown": "accepted", "offline": True}
        for n, t in enumerate(tickets)]}).encode()
    headers = {"Host": f"{bench.HOST}:{port}", "Content-Type": "application/json", "X-CSRFToken": token,
               "Referer": f"http://{bench.HOST}:{port}/", "Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items())}
    conn = http.client.HTTPConnection(bench.HOST, port, timeout=300)
    start = time.perf_counter()
    conn.request("POST", f"/staff/events/sessions/{door}/checkin/upload/", body=payload, headers=headers)
    response = conn.getresponse()
    data = json.loads(response.read() or b"{}")
    elapsed = time.perf_counter() - start
    conn.close()
    client.close()
    if response.status != 200:
        raise SystemExit(f"upload failed: {response.status} {data}")
    return elapsed, data


def run_db(db: str, members: int, seats: int, scans: int, concurrency: int, rounds: int) -> dict:
    env = bench.base_env(db)
    env["QS_EVENTS_RATE_PER_IP"] = env["QS_EVENTS_RATE_PER_VISITOR"] = "100000000/h"
    bench.log(f"{db}: resetting the database")
    bench.reset_database(db, env)
    bench.log(f"{db}: {members} members with sessions, a {seats}-seat session, {scans} door tickets")
    plan = django_json(env, "--setup", str(members), str(seats), str(scans), str(4 * concurrency))
    bench.settle(db, env)
    server = bench.Server(env)
    bare = bench.Server(env, app=bench.BARE_APP)
    worker = bench.Worker(env)
    sent: list[str] = []
    try:
        ceiling = loadgen.submit_flow("/_bench/ceiling/", lambda n: {"payload": f"row {n}"}, __import__("re").compile(r"ticket="))
        warm = registration_flow(plan["warmup"], plan["warm_sessions"], [], plan["members"])
        signed_in = loadgen.signed_in_flow(SIGNED_IN_CEILING, plan["warm_sessions"], __import__("re").compile(r"ticket="))
        for key, port, flow in (("bare_post", bare.port, ceiling), ("signed_in_ceiling", server.port, signed_in),
                                ("registration", server.port, warm)):
            loadgen.run(key, bench.HOST, port, flow, concurrency=concurrency, seconds=30, max_requests=2 * concurrency)
        rush = registration_flow(plan["register"], plan["sessions"], sent, plan["members"])
        results = {k: loadgen.Result(k) for k in ("bare_post", "signed_in_ceiling", "registration")}
        per_slice = -(-members // rounds)
        for n in range(rounds):
            for key, port, flow, budget in (("bare_post", bare.port, ceiling, per_slice),
                                            ("signed_in_ceiling", server.port, signed_in, per_slice),
                                            ("registration", server.port, rush, per_slice)):
                bench.log(f"{db}: {key} (slice {n + 1}/{rounds})")
                r = loadgen.run(key, bench.HOST, port, flow, concurrency=concurrency, seconds=120, max_requests=budget)
                total = results[key]
                total.ok += r.ok
                total.failed += r.failed
                total.seconds += r.seconds
                total.latencies += r.latencies
        bench.log(f"{db}: check-in upload of {scans} scans")
        first, answer = upload(server.port, plan["door"], plan["tickets"])
        again, repeat = upload(server.port, plan["door"], plan["tickets"])
    finally:
        for proc in (worker, bare, server):
            proc.stop()
    checks = django_json(env, "--check", str(plan["rush"]), str(plan["door"]), json.dumps(sent))
    reg, ceil = results["registration"], results["bare_post"]
    return {
        "db": db, "topology": bench.topology(env), "members": members, "seats": seats, "concurrency": concurrency,
        "registration": bench.summary(reg), "bare_post": bench.summary(ceil),
        "ratio_to_bare": round(reg.throughput / ceil.throughput, 2) if ceil.throughput else None,
        # The floor of a signed-in flow in this project (the session, the account, one INSERT): how far it alone is
        # from the bare ceiling, and how far the registration is from it.
        "signed_in_ceiling": bench.summary(results["signed_in_ceiling"]),
        "signed_in_ratio_to_bare": (round(results["signed_in_ceiling"].throughput / ceil.throughput, 2)
                                    if ceil.throughput else None),
        "ratio_to_signed_in": (round(reg.throughput / results["signed_in_ceiling"].throughput, 2)
                               if results["signed_in_ceiling"].throughput else None),
        "checks": checks,
        "checkin": {"scans": scans, "first_upload_s": round(first, 2), "second_upload_s": round(again, 2),
                    "accepted": sum(1 for r in answer["results"] if r["outcome"] == "accepted"),
                    "second_duplicates": sum(1 for r in repeat["results"] if r["duplicate"]), "errors": answer["errors"]},
    }


def markdown(reports: list[dict]) -> str:
    lines = ["| database | registrations/s | POST p50 / p95 / p99 ms | bare ceiling POST flows/s | ratio | signed-in ceiling flows/s "
             "(× bare) | ratio to it | over capacity | confirmed | waiting in arrival order | max drift from send order "
             "| 500-scan upload s (again) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|"]
    for r in reports:
        reg, c, k = r["registration"], r["checks"], r["checkin"]
        lines.append(f"| {r['db']} | {reg['throughput']} | {reg['p50_ms']} / {reg['p95_ms']} / {reg['p99_ms']} | "
                     f"{r['bare_post']['throughput']} | {r['ratio_to_bare']} | "
                     f"{r['signed_in_ceiling']['throughput']} ({r['signed_in_ratio_to_bare']}) | {r['ratio_to_signed_in']} | {c['over_capacity']} | {c['confirmed']}/{r['seats']} | "
                     f"{'yes' if c['waiting_order_is_arrival_order'] and c['seats_before_waiting'] else 'NO'} | "
                     f"{c['max_displacement_from_send_order']} | {k['first_upload_s']} ({k['second_upload_s']}) |")
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--setup":
        print(json.dumps(setup(*(int(a) for a in sys.argv[2:6]))))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--check":
        print(json.dumps(check(int(sys.argv[2]), int(sys.argv[3]), json.loads(sys.argv[4]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--seats", type=int, default=200)
    parser.add_argument("--scans", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    reports = [run_db(db, args.members, args.seats, args.scans, args.concurrency, args.rounds) for db in args.db.split(",")]
    print(json.dumps(reports, ensure_ascii=False, indent=1))
    print(markdown(reports))


if __name__ == "__main__":
    main()
