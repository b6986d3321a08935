#!/usr/bin/env python
"""Scale-out drill: two app servers behind nginx, shared PostgreSQL and Redis, two Celery workers and
one beat on 127.0.0.1 (bench/drill/topology.py) — loaded through nginx while parts are broken on purpose.

    .venv/bin/python bench/drill/run.py            # the whole drill (make drill), ~4–6 minutes
    .venv/bin/python bench/drill/run.py --quick    # smaller counts, for iterating (~3 minutes)
    .venv/bin/python bench/drill/run.py --keep     # leave the installation up afterwards (scripts/scaleout.py down)

Steps (each with its assertions; bench/README.md "Scale-out drill"):

1. load across servers   2,000 public submissions (feedback form, survey), both app servers serve;
                         each acknowledged one stored once, each notification mailed once
2. kill an app server    SIGKILL mid-load: nginx fails over; at most the in-flight requests fail and
                         their retries (same submission key) create no duplicate
3. kill a worker         SIGKILL mid-delivery: the other worker delivers the rest, nothing twice
4. restart PostgreSQL    requests during the outage get the translated 503 page, never a 500; the app
                         servers reconnect by themselves; nothing acknowledged is lost
5. restart Redis         no error during the outage; sessions, page cache and rate limits work after it;
                         the outbox delivers what was queued meanwhile
6. shared state          page-cache invalidation seen by the other server within the documented second;
                         a session valid on both; rate limits counted across both; periodic jobs once

The visitors are many (a fresh browser and a loopback address of its own for each submission), so the
production rate limits stay as they are and count as they would on a campus. A report (figures per step)
is printed and written to bench/results/drill-<timestamp>.md and .json. Exit status 1 when an assertion
fails. Without nginx (and not root, so it cannot be installed) the drill is skipped with a message.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.drill import client as web  # noqa: E402
from bench.drill.topology import BIN, NGINX, PG_BIN, REDIS, Topology, TopologyError, wait_until  # noqa: E402

RESULTS = Path(os.environ.get("DRILL_RESULTS", ROOT / "bench" / "results"))
CONCURRENCY = int(os.environ.get("DRILL_CONCURRENCY", "8"))
SMTP_RCPT_DELAY_MS = 5  # a relay's recipient check: a delivery is mostly waiting on the server
JOB_TIMEOUT = 60.0  # a visitor retries one submission (with the same key) for at most this long
STEP_LOAD_LIMIT = 150.0  # no load runs longer than this
OUTAGE_SECONDS = 4.0  # PostgreSQL and Redis stay down this long
TIME_BUDGET = 10 * 60  # the whole drill, start-up and teardown included
TRANSLATED_503 = "服务暂时不可用"  # the 503 page's title in the default language (core/503.html)
SIGNED_IN = 'action="/accounts/logout/"'  # the sign-out button: on every staff page, only when signed in


def stored_key(job) -> str:
    """The submission key a record of ``job`` is stored under: the form's key scoped by the project's own
    helper, as the feedback form ("web") and the survey answer ("response") store it."""
    from qualityservice.core.submissions import scoped

    return scoped("web" if job.kind == "feedback" else "response", job.key)


def log(msg: str) -> None:
    print(f"[drill {datetime.now():%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


# --- Visitors --------------------------------------------------------------------------------------


@dataclass
class Job:
    """One submission a visitor wants acknowledged."""

    kind: str  # "feedback" | "survey"
    step: str
    n: int
    key: str = ""
    marker: str = ""
    ack: str | None = None  # the tracking code (feedback) or "thanks" (survey)
    ack_at: float | None = None
    first_post_failed: bool = False
    first_failure_at: float | None = None  # when the first POST came back without an acknowledgement
    final: int | None = None  # a status that ends the attempts without an acknowledgement
    attempts: int = 0

    def __post_init__(self):
        self.key = uuid.uuid4().hex if self.kind == "feedback" else str(uuid.uuid4())
        self.marker = f"#drill-{self.step}-{self.n}-{self.key[:8]}"


@dataclass
class Hit:
    at: float
    method: str
    kind: str
    status: int
    translated: bool = False  # a 503 carrying the translated page and Retry-After
    error: str = ""


class Load:
    """Visitors submitting ``jobs`` through nginx from ``concurrency`` threads. Each visitor is a fresh
    browser from an address of its own: it GETs the form, POSTs it, and on anything but an
    acknowledgement POSTs the same form again (same submission key) with a growing pause, for at most
    JOB_TIMEOUT — as a person pressing Submit again would."""

    def __init__(self, drill: Drill, jobs: list[Job], concurrency: int = CONCURRENCY, pace: float = 0.0):
        self.drill, self.jobs, self.concurrency, self.pace = drill, jobs, concurrency, pace
        self.todo: queue.Queue[Job] = queue.Queue()
        for job in jobs:
            self.todo.put(job)
        self.lock = threading.Lock()
        self.hits: list[Hit] = []
        self.acked = 0
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []
        self.deadline = time.monotonic() + STEP_LOAD_LIMIT

    def start(self) -> Load:
        self.threads = [threading.Thread(target=self._worker, daemon=True) for _ in range(self.concurrency)]
        for t in self.threads:
            t.start()
        return self

    def join(self) -> Load:
        for t in self.threads:
            t.join(timeout=max(1.0, self.deadline - time.monotonic() + JOB_TIMEOUT + 10))
        return self

    def run(self) -> Load:
        return self.start().join()

    def _worker(self) -> None:
        while not self.stop.is_set() and time.monotonic() < self.deadline:
            try:
                job = self.todo.get_nowait()
            except queue.Empty:
                return
            try:
                self._submit(job)
            except Exception as exc:  # a bug in the drill must not hang it
                log(f"visitor error: {exc!r}")
            if self.pace:
                self.stop.wait(self.pace)

    def _record(self, method: str, job: Job, r: web.Response) -> None:
        translated = r.status == 503 and TRANSLATED_503 in r.text() and "retry-after" in r.headers
        with self.lock:
            self.hits.append(Hit(r.at, method, job.kind, r.status, translated, r.error))

    def _submit(self, job: Job) -> None:
        d = self.drill
        target = d.targets[job.kind]
        browser = web.Browser(d.topo.https_port, cafile=d.topo.state["cert"])
        token, pause, end = None, 0.2, time.monotonic() + JOB_TIMEOUT
        try:
            while time.monotonic() < min(end, self.deadline + JOB_TIMEOUT):
                if token is None:
                    r = browser.get(target["form"])
                    self._record("GET", job, r)
                    if r.status != 200:
                        time.sleep(pause)
                        pause = min(1.0, pause * 2)
                        continue
                    token = browser.csrf(r.body)
                r = browser.post(target["post"], d.body(job, token))
                job.attempts += 1
                self._record("POST", job, r)
                if r.status in (302, 303) and target["success"].search(r.location):
                    match = re.search(r"/t/([A-Z0-9]+)/", r.location)
                    job.ack, job.ack_at = (match.group(1) if match else "thanks"), r.at
                    with self.lock:
                        self.acked += 1
                    return
                if job.attempts == 1:
                    job.first_post_failed, job.first_failure_at = True, r.at
                if r.status in (400, 403, 404, 409, 410, 429):  # an answer, not an outage: pressing again will not help
                    job.final = r.status
                    return
                time.sleep(pause)
                pause = min(1.0, pause * 2)
        finally:
            browser.close()


# --- The drill -------------------------------------------------------------------------------------


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""


@dataclass
class Step:
    key: str
    title: str
    figures: dict = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str = ""

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        self.checks.append(Check(name, bool(ok), detail))
        log(f"  {'ok  ' if ok else 'FAIL'} {name}{(' — ' + detail) if detail else ''}")
        return bool(ok)

    @property
    def ok(self) -> bool:
        return not self.error and all(c.ok for c in self.checks)


class Drill:
    def __init__(self, topo: Topology, quick: bool):
        self.topo, self.quick = topo, quick
        self.n = {"load": 400 if quick else 2000, "kill_app": 240 if quick else 600, "kill_worker": 240 if quick else 400,
                  "pg": 240 if quick else 600, "redis": 240 if quick else 600, "after": 60 if quick else 200}
        self.targets: dict = {}
        self.steps: list[Step] = []
        self.sink_offset = 0
        self.sink: list[dict] = []
        self.pk_start = 0  # the last outbox row before the first step

    # -- data the drill needs, on top of the demo data
    def prepare(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db import connections
        from django.db.models import F, Value
        from django.db.models.functions import Concat

        from bench import targets
        from qualityservice.surveys.models import Question
        from qualityservice.surveys.scale import bench_survey

        # Every account gets an address, so that every notification has a recipient to be counted.
        get_user_model().objects.filter(email="").update(email=Concat(F("username"), Value("@example.edu.cn")))
        survey = bench_survey()
        tg = targets.compute()
        text_q = Question.objects.filter(survey=survey, kind=Question.Kind.TEXT).values_list("pk", flat=True).first()
        self.targets = {
            "feedback": {"form": tg["feedback_form"], "post": tg["feedback_form"], "fields": tg["feedback_fields"],
                         "success": re.compile(tg["feedback_success"])},
            "survey": {"form": tg["survey_form"], "post": tg["survey_post"], "fields": tg["survey_fields"],
                       "success": re.compile(re.escape(tg["survey_success"])), "text": f"q{text_q}"},
        }
        self.password = tg["password"]
        connections.close_all()

    def body(self, job: Job, token: str) -> dict:
        t = self.targets[job.kind]
        data = {**t["fields"], "csrfmiddlewaretoken": token, "submission_key": job.key}
        if job.kind == "feedback":
            data["body"] = f"{data.get('body', '')} {job.marker}"
        else:
            data[t["text"]] = job.marker
        return data

    def jobs(self, step: str, n: int, kinds=("feedback", "survey")) -> list[Job]:
        return [Job(kinds[i % len(kinds)], step, i) for i in range(n)]

    # -- what the database holds
    def verify(self, jobs: list[Job]) -> dict:
        """Per submission: stored (found by its key), duplicated (its marker stored more than once),
        lost (acknowledged, not stored), a tracking code that differs from the acknowledged one."""
        from django.db import connections

        from qualityservice.feedback.models import Feedback
        from qualityservice.surveys.models import Answer
        from qualityservice.surveys.models import Response as SurveyResponse

        fb = [j for j in jobs if j.kind == "feedback"]
        sv = [j for j in jobs if j.kind == "survey"]
        codes: dict[str, str] = {}
        stored_at: dict[str, float] = {}
        for i in range(0, len(fb), 500):
            chunk = [stored_key(j) for j in fb[i:i + 500]]
            for key, code, at in Feedback.objects.filter(submission_key__in=chunk).values_list("submission_key", "code", "created_at"):
                codes[key], stored_at[key] = code, at.timestamp()
        survey_keys: set[str] = set()
        for i in range(0, len(sv), 500):
            chunk = [stored_key(j) for j in sv[i:i + 500]]
            for key, at in SurveyResponse.objects.filter(submission_key__in=chunk, status="submitted").values_list(
                    "submission_key", "submitted_at"):
                survey_keys.add(key)
                stored_at[key] = at.timestamp()
        markers: collections.Counter = collections.Counter()
        steps = {j.step for j in jobs}
        for step in steps:
            for body in Feedback.objects.filter(body__contains=f"#drill-{step}-").values_list("body", flat=True):
                markers.update(re.findall(r"#drill-\S+", body))
            for text in Answer.objects.filter(text__contains=f"#drill-{step}-").values_list("text", flat=True):
                markers.update(re.findall(r"#drill-\S+", text))
        connections.close_all()
        stored = lost = mismatch = unacked_stored = 0
        for j in jobs:
            found = (stored_key(j) in codes) if j.kind == "feedback" else (stored_key(j) in survey_keys)
            stored += found
            if j.ack and not found:
                lost += 1
            if found and not j.ack:
                unacked_stored += 1
            if j.kind == "feedback" and j.ack and found and codes[stored_key(j)] != j.ack:
                mismatch += 1
        duplicates = sum(c - 1 for c in markers.values() if c > 1)
        retried = [j for j in jobs if j.first_post_failed and j.ack]
        # A failed POST whose request had committed before it failed: the retry got that record back.
        kept = sum(1 for j in retried if stored_at.get(stored_key(j), float("inf"))
                   <= (j.first_failure_at or 0))
        return {"retried_after_a_failure": len(retried), "stored_by_the_failed_request": kept,"submissions": len(jobs), "acknowledged": sum(1 for j in jobs if j.ack), "stored": stored,
                "duplicates": duplicates, "lost": lost, "code_mismatch": mismatch, "stored_unacknowledged": unacked_stored,
                "not_acknowledged": sum(1 for j in jobs if not j.ack),
                "ended_without_ack": dict(collections.Counter(str(j.final) for j in jobs if j.final and not j.ack))}

    @staticmethod
    def http_figures(load: Load, since: float | None = None, until: float | None = None) -> dict:
        hits = [h for h in load.hits if (since is None or h.at >= since) and (until is None or h.at <= until)]
        by = collections.Counter(h.status for h in hits)
        return {"requests": len(hits), "posts": sum(1 for h in hits if h.method == "POST"),
                "5xx": {str(k): v for k, v in sorted(by.items()) if k >= 500},
                "no_response": by.get(0, 0), "no_response_why": dict(collections.Counter(f"{h.method} {h.error}"[:90] for h in hits if h.status == 0)),
                "429": by.get(429, 0),
                "503_translated": sum(1 for h in hits if h.status == 503 and h.translated),
                "failed_posts": sum(1 for h in hits if h.method == "POST" and h.status not in (302, 303))}

    # -- notifications
    def max_notification_pk(self) -> int:
        from django.db import connections
        from django.db.models import Max

        from qualityservice.core.models import Notification

        value = Notification.objects.aggregate(m=Max("pk"))["m"] or 0
        connections.close_all()
        return value

    def read_sink(self) -> list[dict]:
        path = self.topo.dir / "mail.jsonl"
        with open(path, encoding="utf-8") as f:
            f.seek(self.sink_offset)
            data = f.read()
        end = data.rfind("\n") + 1
        self.sink_offset += len(data[:end].encode("utf-8"))
        self.sink += [json.loads(line) for line in data[:end].splitlines() if line.strip()]
        return self.sink

    def outbox(self, pk_from: int, pk_to: int | None = None) -> list:
        from django.db import connections

        from qualityservice.core.models import Notification

        qs = Notification.objects.filter(pk__gt=pk_from)
        if pk_to is not None:
            qs = qs.filter(pk__lte=pk_to)
        rows = list(qs.values("pk", "payload", "sent_at", "created_at", "attempts"))
        connections.close_all()
        return rows

    def mail_state(self, pk_from: int, pk_to: int | None = None) -> dict:
        """The outbox rows of a window against the messages the sink accepted: undelivered (a recipient
        but no message), repeated (the same row's message accepted more than once)."""
        from qualityservice.core.notifications import _recipients

        rows = self.outbox(pk_from, pk_to)
        wanted = {r["pk"] for r, to in zip(rows, _recipients([r["payload"] for r in rows]), strict=True) if to}
        by_subject = {r["payload"].get("subject"): r["pk"] for r in rows}
        handoffs: collections.Counter = collections.Counter()
        ports: dict[int, list] = collections.defaultdict(list)
        for m in self.read_sink():
            match = re.search(r"qs-notification\.(\d+)\.", m.get("mid", ""))
            pk = int(match.group(1)) if match else by_subject.get(m.get("subject"))
            if pk in wanted:
                handoffs[pk] += 1
                ports[pk].append((m["t"], m["port"]))
        return {"rows": len(rows), "unsent": sum(1 for r in rows if r["sent_at"] is None), "with_recipients": len(wanted),
                "delivered": len(handoffs), "undelivered": len(wanted - set(handoffs)),
                "repeated": sum(c - 1 for c in handoffs.values()), "ports": ports}

    def wait_mail(self, pk_from: int, pk_to: int | None = None, timeout: float = 90.0) -> tuple[dict, float]:
        start = time.monotonic()
        state = self.mail_state(pk_from, pk_to)
        while (state["unsent"] or state["undelivered"]) and time.monotonic() - start < timeout:
            time.sleep(0.5)
            state = self.mail_state(pk_from, pk_to)
        return state, time.monotonic() - start

    @staticmethod
    def mail_figures(state: dict) -> dict:
        return {k: state[k] for k in ("rows", "with_recipients", "delivered", "undelivered", "repeated", "unsent")}

    def mail_checks(self, step: Step, state: dict, max_repeated: int = 0) -> None:
        step.check("every notification row of the step is marked sent", state["unsent"] == 0, f"{state['unsent']} unsent")
        step.check("every notification with a recipient reached the mail server", state["undelivered"] == 0,
                   f"{state['delivered']} of {state['with_recipients']}")
        step.check("no notification mailed twice" + (f" (at most {max_repeated}: the message in flight)" if max_repeated else ""),
                   state["repeated"] <= max_repeated, f"{state['repeated']} repeated")

    # -- nginx's access log: which app server answered
    def access_offset(self) -> int:
        path = self.topo.dir / "nginx" / "logs" / "access.log"
        return path.stat().st_size if path.exists() else 0

    def served(self, offset: int, since: float | None = None, method: str = "POST") -> collections.Counter:
        path = self.topo.dir / "nginx" / "logs" / "access.log"
        out: collections.Counter = collections.Counter()
        with open(path, encoding="utf-8", errors="replace") as f:
            f.seek(offset)
            for line in f:
                parts = line.split(" ")
                if len(parts) < 6 or parts[2] != method or (since and float(parts[0]) < since):
                    continue
                upstream = line.split('"')[1].split(",")[-1].strip()
                port = upstream.rpartition(":")[2]
                name = next((f"app{i + 1}" for i, p in enumerate(self.topo.state["ports"]["apps"]) if str(p) == port), upstream)
                out[name] += 1
        return out

    def first_ack_after(self, jobs: list[Job], t: float) -> float | None:
        times = [j.ack_at for j in jobs if j.ack_at and j.ack_at >= t]
        return round(min(times) - t, 2) if times else None

    def submission_checks(self, step: Step, v: dict) -> None:
        step.check("every submission acknowledged (after the visitor's retries)", v["not_acknowledged"] == 0,
                   f"{v['acknowledged']} of {v['submissions']}" + (f", ended by {v['ended_without_ack']}" if v["ended_without_ack"] else ""))
        step.check("every acknowledged submission stored", v["lost"] == 0, f"{v['lost']} lost")
        step.check("nothing stored twice", v["duplicates"] == 0, f"{v['duplicates']} duplicates")
        step.check("the stored tracking code is the acknowledged one", v["code_mismatch"] == 0, f"{v['code_mismatch']} differ")

    # -- steps
    def run_step(self, key: str, title: str, fn) -> Step:
        step = Step(key, title)
        log(f"step {key}: {title}")
        start = time.monotonic()
        try:
            fn(step)
        except Exception as exc:
            step.error = f"{type(exc).__name__}: {exc}"
            log(f"  ERROR {step.error}\n{traceback.format_exc()}")
        step.seconds = round(time.monotonic() - start, 1)
        self.steps.append(step)
        return step

    def step_load(self, step: Step) -> None:
        pk0, offset = self.max_notification_pk(), self.access_offset()
        jobs = self.jobs("s1", self.n["load"])
        t0, cpu0, me0 = time.time(), self.topo.cpu(), time.process_time()
        load = Load(self, jobs).run()
        elapsed = time.time() - t0
        state, waited = self.wait_mail(pk0)  # the workers' share: until every mail is out
        cpu1, me1 = self.topo.cpu(), time.process_time()
        v = self.verify(jobs)
        served = self.served(offset)
        acked = max(1, v["acknowledged"])
        # CPU per acknowledged submission (a GET of the form and its POST), per component of the installation.
        cpu = {name: round((cpu1.get(name, 0) - cpu0.get(name, 0)) * 1000 / acked, 2) for name in cpu1}
        cpu["installation"] = round(sum(v for k, v in cpu.items() if k != "smtp"), 2)
        cpu["visitors (drill)"] = round((me1 - me0) * 1000 / acked, 2)
        step.figures = {**self.http_figures(load), **v, "seconds_load": round(elapsed, 1),
                        "submissions_per_s": round(v["acknowledged"] / elapsed, 1) if elapsed else None,
                        "served_by": dict(served), "mail": self.mail_figures(state), "mail_drain_s": round(waited, 1),
                        "cpu_ms_per_submission": cpu}
        self.submission_checks(step, v)
        total = sum(served.values())
        step.check("both app servers served the POSTs", len(served) == 2 and min(served.values()) >= 0.2 * total, str(dict(served)))
        step.check("no 5xx", not step.figures["5xx"] and not step.figures["no_response"], str(step.figures["5xx"]))
        self.mail_checks(step, state)

    def step_kill_app(self, step: Step) -> None:
        pk0, offset = self.max_notification_pk(), self.access_offset()
        jobs = self.jobs("s2", self.n["kill_app"])
        load = Load(self, jobs).start()
        wait_until(lambda: load.acked >= len(jobs) // 4, 60, "a quarter of the submissions")
        t_kill = self.topo.kill("app1")
        log(f"  app1 killed (SIGKILL) after {load.acked} acknowledgements")
        load.join()
        v = self.verify(jobs)
        after = self.http_figures(load, since=t_kill - 0.5)
        served_after = self.served(offset, since=t_kill + 0.5)
        t_restart = time.time()
        self.topo.start_app(1)
        # nginx retries a failed server after fail_timeout (10 s): wait until app1 answers through nginx again.
        probe = web.Browser(self.topo.https_port, cafile=self.topo.state["cert"])
        back_offset = self.access_offset()

        def app1_back() -> bool:
            probe.get("/feedback/new/")
            return self.served(back_offset, method="GET").get("app1", 0) > 0

        wait_until(app1_back, 40, "app1 back in nginx's rotation", interval=0.3)
        probe.close()
        state, waited = self.wait_mail(pk0)
        step.figures = {**self.http_figures(load), **v, "failed_posts_after_kill": after["failed_posts"],
                        "failover_s": self.first_ack_after(jobs, t_kill), "served_after_kill": dict(served_after),
                        "app1_back_in_rotation_s": round(time.time() - t_restart, 1), "mail": self.mail_figures(state)}
        self.submission_checks(step, v)
        step.check("at most the in-flight requests failed", after["failed_posts"] <= CONCURRENCY,
                   f"{after['failed_posts']} failed POSTs, {CONCURRENCY} visitors in flight at most")
        step.check("after the kill only app2 answered", set(served_after) == {"app2"}, str(dict(served_after)))
        step.check("no 500", "500" not in step.figures["5xx"], str(step.figures["5xx"]))
        self.mail_checks(step, state)

    def step_kill_worker(self, step: Step) -> None:
        pk0 = self.max_notification_pk()
        self.read_sink()
        seen = len(self.sink)
        jobs = self.jobs("s3", self.n["kill_worker"], kinds=("feedback",))
        load = Load(self, jobs).start()
        ports = {self.topo.procs[f"worker{i}"]["smtp_port"]: f"worker{i}" for i in (1, 2)}

        def delivering() -> str | None:
            recent = self.read_sink()[seen:]
            now = time.time()
            for port, name in ports.items():
                mine = [m for m in recent if m["port"] == port]
                if len(mine) >= 20 and now - mine[-1]["t"] < 0.3:
                    return name
            return None

        victim = None

        def found() -> bool:
            nonlocal victim
            victim = delivering()
            return victim is not None

        wait_until(found, 90, "a worker in the middle of a delivery", interval=0.05)
        pending = self.mail_state(pk0)
        t_kill = self.topo.kill(victim)
        other = "worker2" if victim == "worker1" else "worker1"
        log(f"  {victim} killed (SIGKILL) mid-delivery ({pending['delivered']} of {pending['rows']} delivered so far)")
        load.join()
        # A trickle of visitors keeps kicking the delivery while the dead worker's lease runs out.
        trickle = Load(self, self.jobs("s3t", 120, kinds=("feedback",)), concurrency=1, pace=0.5).start()
        state, waited = self.wait_mail(pk0, timeout=120)
        trickle.stop.set()
        trickle.join()
        state, _ = self.wait_mail(pk0, timeout=30)
        victim_port = self.topo.procs[victim]["smtp_port"]
        late = [m for m in self.sink[seen:] if m["port"] == victim_port and m["t"] > t_kill + 0.2]
        last = max((t for hits in state["ports"].values() for t, _p in hits), default=t_kill)
        v = self.verify(jobs + [j for j in trickle.jobs if j.attempts])
        step.figures = {**self.http_figures(load), **v, "killed": victim, "mail": self.mail_figures(state),
                        "delivered_before_kill": pending["delivered"], "recovery_s": round(last - t_kill, 1)}
        self.submission_checks(step, v)
        step.check(f"after the kill only {other} delivered", not late, f"{len(late)} messages from the dead worker's port")
        self.mail_checks(step, state, max_repeated=1)
        self.topo.start_worker(int(victim[-1]))

    def _outage(self, step: Step, name: str, stop, start) -> tuple[Load, float, float]:
        pk0 = self.max_notification_pk()
        pids = {n: self.topo.procs[n]["pid"] for n in ("app1", "app2")}
        jobs = self.jobs(name, self.n["pg" if name == "s4" else "redis"])
        load = Load(self, jobs).start()
        wait_until(lambda: load.acked >= len(jobs) // 4, 60, "a quarter of the submissions")
        t_down = time.time()
        stop()
        time.sleep(OUTAGE_SECONDS)
        start()
        t_up = time.time()
        log(f"  down {t_up - t_down:.1f} s")
        load.join()
        # Visitors go on arriving after the restart: the servers serve them as before.
        after = Load(self, self.jobs(f"{name}a", self.n["after"])).run()
        v = self.verify(jobs + after.jobs)
        during = self.http_figures(load, since=t_down, until=t_up + 2)
        state, waited = self.wait_mail(pk0, timeout=120)
        load.hits += after.hits
        # When the outbox caught up: the last mail of a notification written before the service was back.
        outage_rows = {r["pk"] for r in self.outbox(pk0) if r["created_at"].timestamp() <= t_up}
        mails = [t for pk, hits in state["ports"].items() if pk in outage_rows for t, _port in hits]
        step.figures = {**self.http_figures(load), **v, "outage_s": round(t_up - t_down, 1), "during_outage": during,
                        "recovery_s": self.first_ack_after(jobs + after.jobs, t_up), "mail": self.mail_figures(state),
                        "outbox_caught_up_s": round(max(mails) - t_up, 1) if mails else None}
        self.submission_checks(step, v)
        step.check("no 500 (no traceback page)", "500" not in step.figures["5xx"], str(step.figures["5xx"]))
        step.check("the app servers were not restarted", all(self.topo.procs[n]["pid"] == p and self.topo.running(n)
                                                            for n, p in pids.items()))
        self.mail_checks(step, state)
        return load, t_down, t_up

    def step_postgres(self, step: Step) -> None:
        load, t_down, t_up = self._outage(step, "s4", self.topo.stop_postgres, self.topo.start_postgres)
        f = step.figures
        translated = self.http_figures(load)["503_translated"]
        step.check("requests during the outage got the translated 503 page (with Retry-After)",
                   f["during_outage"]["5xx"].get("503", 0) > 0 and translated == f["5xx"].get("503", 0),
                   f"{translated} translated of {f['5xx'].get('503', 0)} 503s")
        step.check("only 503s, no other 5xx", set(f["5xx"]) <= {"503"}, str(f["5xx"]))
        step.check("recovered by themselves within 15 s", f["recovery_s"] is not None and f["recovery_s"] <= 15, f"{f['recovery_s']} s")

    def step_redis(self, step: Step) -> None:
        staff = web.Browser(self.topo.https_port, cafile=self.topo.state["cert"])
        signed_in = staff.login("supervisor", self.password).status == 302
        load, t_down, t_up = self._outage(step, "s5", self.topo.stop_redis, self.topo.start_redis)
        f = step.figures
        step.check("no 5xx during the outage", not f["5xx"] and not f["no_response"], str(f["5xx"]))
        page = staff.get("/staff/")
        step.check("a session signed in before the outage is still valid", signed_in and page.status == 200
                   and SIGNED_IN in page.text(), f"GET /staff/ → {page.status}")
        staff.close()
        # Rate limits count again: one browser, one address, the survey's production limit per browser.
        limit = int(os.environ.get("QS_SURVEY_RATE_PER_BROWSER", "10/h").split("/")[0])
        acks, statuses, _jobs = self.one_browser("s5rl", "survey", limit + 3)
        f["rate_limit_after_restart"] = {"sent": limit + 3, "acknowledged": acks, "statuses": statuses}
        step.check(f"rate limits count again after the restart ({limit} per browser)", acks == limit and statuses.get("429") == 3,
                   f"{acks} acknowledged, {statuses}")

    def one_browser(self, step: str, kind: str, count: int, servers: list[int] | None = None) -> tuple[int, dict, list[Job]]:
        """``count`` submissions from one browser at one address: through nginx, or alternating between
        the app servers ``servers`` (ports, straight)."""
        source = web.next_source()
        if servers:
            browsers = [web.Browser(p, source=source, direct=True, origin_port=self.topo.https_port) for p in servers]
            for b in browsers[1:]:
                b.cookies = browsers[0].cookies
        else:
            browsers = [web.Browser(self.topo.https_port, source=source, cafile=self.topo.state["cert"])]
        target = self.targets[kind]
        page = browsers[0].get(target["form"])
        token = browsers[0].csrf(page.body)
        statuses: collections.Counter = collections.Counter()
        acks = 0
        jobs = [Job(kind, step, i) for i in range(count)]
        for i, job in enumerate(jobs):
            r = browsers[i % len(browsers)].post(target["post"], self.body(job, token))
            ok = r.status in (302, 303) and bool(target["success"].search(r.location))
            acks += ok
            statuses[f"{r.status}@app{servers.index(browsers[i % len(browsers)].port) + 1}" if servers and not ok else
                     ("ack" if ok else str(r.status))] += 1
        for b in browsers:
            b.close()
        return acks, dict(statuses), jobs

    def step_shared(self, step: Step) -> None:
        from django.db import connections

        from qualityservice.core import pagecache
        from qualityservice.org.models import Department

        p1, p2 = self.topo.state["ports"]["apps"]
        f = step.figures
        # (a) A page-cache invalidation made on app1 is seen by app2 within VERSION_RECHECK.
        wuye = Department.objects.get(code="wuye")
        connections.close_all()
        anon2 = web.Browser(p2, direct=True, origin_port=self.topo.https_port)
        for _ in range(4):  # both of app2's workers have the form cached
            anon2.get("/feedback/new/")
        admin1 = web.Browser(p1, direct=True, origin_port=self.topo.https_port)
        r = admin1.login("admin", self.password)
        step.check("admin signs in on app1", r.status == 302, f"{r.status}")
        edit = f"/staff/org/departments/{wuye.pk}/edit/"
        page = admin1.get(edit)
        fields = web.form_fields(page.body)
        new_name = f"{fields.get('name', wuye.name)}·演练{int(time.time()) % 10000}"
        fields["name"] = new_name
        saved = admin1.post(edit, fields)
        t_saved = time.time()
        seen_after = None
        while time.time() - t_saved < 10:
            if new_name in anon2.get("/feedback/new/").text():
                seen_after = round(time.time() - t_saved, 2)
                break
            time.sleep(0.05)
        consistent = all(new_name in anon2.get("/feedback/new/").text() for _ in range(6))
        f["page_cache"] = {"saved": saved.status, "seen_on_app2_after_s": seen_after, "documented_s": pagecache.VERSION_RECHECK}
        step.check("a department renamed on app1 shows on app2's cached form within the documented second (+0.5 s)",
                   saved.status == 302 and seen_after is not None and seen_after <= pagecache.VERSION_RECHECK + 0.5 and consistent,
                   f"seen after {seen_after} s (documented {pagecache.VERSION_RECHECK} s)")
        anon2.close()
        # (b) The session signed in on app1 is valid on app2, and signing out on app2 ends it on app1.
        admin2 = web.Browser(p2, direct=True, origin_port=self.topo.https_port)
        admin2.cookies = admin1.cookies
        on2 = admin2.get("/staff/")
        step.check("the session signed in on app1 is valid on app2", on2.status == 200 and SIGNED_IN in on2.text(), f"{on2.status}")
        out = admin2.post("/accounts/logout/", {"csrfmiddlewaretoken": admin2.csrf(on2.body)})
        again = admin1.get("/staff/")
        step.check("signed out on app2, the session is gone on app1", out.status == 302 and again.status == 302
                   and "/accounts/login/" in again.location, f"logout {out.status}, then app1 {again.status}")
        admin1.close()
        admin2.close()
        # (c) The per-browser limit counts across both servers.
        limit = int(os.environ.get("QS_FEEDBACK_RATE_PER_SESSION", "20/h").split("/")[0])
        acks, statuses, jobs = self.one_browser("s6rl", "feedback", limit + 5, servers=[p1, p2])
        v = self.verify(jobs)
        f["rate_limit_across"] = {"sent": limit + 5, "acknowledged": acks, "stored": v["stored"], "statuses": statuses}
        step.check(f"rate limit counted across both servers ({limit} per browser, alternating)",
                   acks == limit and v["stored"] == limit and statuses.get("429@app1", 0) + statuses.get("429@app2", 0) == 5
                   and statuses.get("429@app1", 0) > 0 and statuses.get("429@app2", 0) > 0, str(statuses))
        # (d) Periodic jobs: one beat; the escalation run at once on both workers escalates and mails each item once.
        self.periodic(step)

    def periodic(self, step: Step) -> None:
        from django.db import connections
        from django.db.models import Count
        from django.utils import timezone

        from config.celery import app
        from qualityservice.core.models import Notification
        from qualityservice.feedback import services
        from qualityservice.feedback.models import Channel, Feedback, FeedbackEvent
        from qualityservice.org.models import Department

        dept = Department.objects.get(code="wuye")
        refs = [services.create_feedback(kind="complaint", channel=Channel.WEB, department=dept, title=f"演练逾期 {i}",
                                         body="楼道灯坏了。#drill-s6-overdue", anonymous=True) for i in range(6)]
        items = list(Feedback.objects.filter(pk__in=[ref.pk for ref in refs]))  # create_feedback returns a FeedbackRef
        Feedback.objects.filter(pk__in=[i.pk for i in items]).update(deadline=timezone.now() - timezone.timedelta(hours=1))
        pk0 = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        connections.close_all()
        for _ in range(4):
            app.send_task("feedback.escalate_overdue")
        def escalated() -> bool:
            done = Feedback.objects.filter(pk__in=[i.pk for i in items], escalated_at__isnull=False).count()
            connections.close_all()
            return done == len(items)

        wait_until(escalated, 60, "the overdue items escalated", interval=0.5)
        time.sleep(2)  # the other runs finish
        events = dict(collections.Counter(FeedbackEvent.objects.filter(feedback__in=[i.pk for i in items], action="escalate")
                                          .values_list("feedback_id", flat=True)))
        urls = {i.get_absolute_url() for i in items}
        rows = [n for n in Notification.objects.filter(pk__gt=pk0) if n.payload.get("url") in urls]
        twice = (FeedbackEvent.objects.filter(action="escalate").values("feedback_id").annotate(n=Count("pk"))
                 .filter(n__gt=1).count())
        connections.close_all()
        state, _ = self.wait_mail(min(n.pk for n in rows) - 1 if rows else pk0, timeout=90)
        mine = {n.pk for n in rows}
        repeated = sum(len(hits) - 1 for pk, hits in state["ports"].items() if pk in mine)
        delivered = sum(1 for pk in mine if pk in state["ports"])
        f = step.figures
        f["escalation"] = {"items": len(items), "escalate_events": sum(events.values()), "notifications": len(rows),
                           "mailed": delivered, "repeated": repeated, "items_escalated_twice_anywhere": twice}
        step.check("four escalation runs at once on two workers: each overdue item escalated once",
                   len(events) == len(items) and set(events.values()) == {1} and twice == 0, str(f["escalation"]))
        step.check("one escalation notification per item, mailed once", len(rows) == len(items) and delivered == len(items)
                   and repeated == 0, f"{len(rows)} rows, {delivered} mailed, {repeated} repeated")
        # A second beat on the same schedule refuses to start (core/beat.py).
        proc = subprocess.run([str(BIN / "celery"), "-A", "config", "beat", "--loglevel=INFO",
                               f"--schedule={self.topo.dir / 'celerybeat-schedule'}"], cwd=ROOT, env=self.topo.env(),
                              capture_output=True, text=True, timeout=90)
        step.check("a second beat refuses to start", proc.returncode != 0 and "another scheduler is running" in proc.stdout + proc.stderr,
                   f"exit {proc.returncode}")
        # The beat sent each periodic job once per period, and each sent task ran on one worker only.
        beat_log = self.topo.log("beat").read_text(errors="replace")
        sends = collections.defaultdict(list)
        for stamp, name in re.findall(r"\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),\d+: INFO/MainProcess\] Scheduler: Sending due task (\S+)", beat_log):
            sends[name].append(datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S").timestamp())
        from django.conf import settings

        too_soon = {name: [round(b - a) for a, b in zip(ts, ts[1:], strict=False) if b - a < settings.CELERY_BEAT_SCHEDULE[name]["schedule"] - 2]
                    for name, ts in sends.items() if name in settings.CELERY_BEAT_SCHEDULE}
        too_soon = {k: v for k, v in too_soon.items() if v}
        ids = [set(re.findall(r"Task core\.deliver_pending_notifications\[([0-9a-f-]+)\] received", self.topo.log(f"worker{i}").read_text(errors="replace")))
               for i in (1, 2)]
        f["beat"] = {"sent": {k: len(v) for k, v in sends.items()}, "tasks_on_both_workers": len(ids[0] & ids[1])}
        beat_up = time.time() - self.topo.procs["beat"]["started"]
        step.check("the beat sent each periodic job at most once per period", not too_soon and (sends or beat_up < 70),
                   f"{f['beat']['sent']} in {beat_up:.0f} s")
        step.check("each delivery task ran on one worker only", not (ids[0] & ids[1]), f"{len(ids[0])} + {len(ids[1])} tasks")

    def final(self, step: Step) -> None:
        """After every step: nothing left in the outbox, no message mailed twice over the whole drill."""
        state, waited = self.wait_mail(self.pk_start, timeout=60)
        step.figures = {"mail": self.mail_figures(state)}
        kills = sum(1 for s in self.steps if s.key == "3")
        step.check("the outbox is empty: every notification of the drill sent", state["unsent"] == 0, f"{state['unsent']} unsent")
        step.check("every notification of the drill with a recipient reached the mail server", state["undelivered"] == 0,
                   f"{state['delivered']} of {state['with_recipients']}")
        step.check("repeated messages: at most one per killed worker", state["repeated"] <= kills, f"{state['repeated']}")


# --- Report ----------------------------------------------------------------------------------------


def report(drill: Drill, started: float, setup_s: float, topo: Topology) -> str:
    ok = all(s.ok for s in drill.steps)
    ports = topo.state.get("ports", {})
    lines = [f"# Scale-out drill — {datetime.fromtimestamp(started):%Y-%m-%d %H:%M} — {'PASSED' if ok else 'FAILED'}", "",
             f"nginx → 2 gunicorn app servers ({topo.state.get('gunicorn_workers')} workers × 2 threads each), PostgreSQL 15 "
             f"(own cluster), Redis, 2 Celery workers (concurrency 1), 1 beat, SMTP sink ({SMTP_RCPT_DELAY_MS} ms per recipient); "
             f"{CONCURRENCY} visitors at a time, each submission from a fresh browser and address; DEBUG=false, production rate limits. "
             f"Ports: nginx {ports.get('https')}, apps {ports.get('apps')}. Start-up {setup_s:.0f} s, whole drill "
             f"{time.time() - started:.0f} s.", "",
             "| step | requests | submissions | acknowledged | stored | duplicates | lost | 5xx by code | failed POSTs | mails (repeated) | recovery | result |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for s in drill.steps:
        f = s.figures
        mail = f.get("mail", {})
        rec = f.get("recovery_s", f.get("failover_s"))
        five = ", ".join(f"{k}: {v}" for k, v in f.get("5xx", {}).items()) or "—"
        if f.get("no_response"):
            five += f", no response: {f['no_response']}"
        lines.append(f"| {s.key}. {s.title} | {f.get('requests', '—')} | {f.get('submissions', '—')} | {f.get('acknowledged', '—')} | "
                     f"{f.get('stored', '—')} | {f.get('duplicates', '—')} | {f.get('lost', '—')} | {five} | {f.get('failed_posts', '—')} | "
                     f"{mail.get('delivered', '—')} ({mail.get('repeated', '—')}) | {f'{rec} s' if rec is not None else '—'} | "
                     f"{'ok' if s.ok else 'FAILED'} ({s.seconds:.0f} s) |")
    lines += ["", "## Assertions", ""]
    for s in drill.steps:
        lines.append(f"**{s.key}. {s.title}**" + (f" — error: `{s.error}`" if s.error else ""))
        for c in s.checks:
            lines.append(f"- {'✔' if c.ok else '✘ FAILED'} {c.name}" + (f" ({c.detail})" if c.detail else ""))
        extra = {k: v for k, v in s.figures.items() if k not in ("requests", "posts", "submissions", "acknowledged", "stored",
                                                                  "duplicates", "lost", "5xx", "failed_posts")}
        if extra:
            lines.append(f"- figures: `{json.dumps(extra, ensure_ascii=False, default=str)}`")
        lines.append("")
    return "\n".join(lines)


# --- Main ------------------------------------------------------------------------------------------


def preflight() -> str | None:
    """None when the drill can run; else why not."""
    missing = [what for what, path in (("nginx", NGINX), ("initdb", str(PG_BIN / "initdb")), ("redis-server", REDIS))
               if not (path and os.path.exists(path))]
    if not shutil.which("openssl"):
        missing.append("openssl")
    try:
        import aiosmtpd  # noqa: F401
    except ImportError:
        missing.append("aiosmtpd (pip install -r requirements-dev.txt)")
    if missing:
        return "missing " + ", ".join(missing)
    if not web.free_loopback_ok():
        return "cannot bind to 127.0.x.y addresses"
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller counts (for iterating on the drill)")
    parser.add_argument("--keep", action="store_true", help="leave the installation running (scripts/scaleout.py down --dir …)")
    parser.add_argument("--dir", help="the installation's directory (default: a new temporary one)")
    parser.add_argument("--steps", default="1,2,3,4,5,6", help="which steps, e.g. 1,4")
    args = parser.parse_args()
    why = preflight()
    if why:
        if os.environ.get("CI"):
            print(f"drill: cannot run: {why} (run `make system` as root)", file=sys.stderr)
            return 1
        print(f"SKIPPED: scale-out drill ({why}; as root `make system` installs nginx)", file=sys.stderr)
        return 0
    started = time.time()
    directory = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="qs-drill-", dir=ROOT / "var" if (ROOT / "var").exists() else None))
    (ROOT / "staticfiles").mkdir(exist_ok=True)  # STATIC_ROOT: whitenoise warns in every process when it is missing
    topo = Topology(directory)
    drill = Drill(topo, args.quick)
    wanted = set(args.steps.split(","))
    text = ""
    try:
        log(f"starting the installation in {directory}")
        topo.up(seed=True, smtp_delay_ms=SMTP_RCPT_DELAY_MS)
        setup_s = time.time() - started
        log(f"up in {setup_s:.0f} s: https://127.0.0.1:{topo.https_port}/")
        os.environ.update(topo.env())
        import django

        django.setup()
        drill.prepare()
        drill.pk_start = drill.max_notification_pk()
        plan = [("1", "load across servers", drill.step_load), ("2", "kill an app server", drill.step_kill_app),
                ("3", "kill a worker mid-delivery", drill.step_kill_worker), ("4", "restart PostgreSQL", drill.step_postgres),
                ("5", "restart Redis", drill.step_redis), ("6", "shared state", drill.step_shared)]
        for key, title, fn in plan:
            if key not in wanted:
                continue
            if time.time() - started > TIME_BUDGET:
                drill.steps.append(Step(key, title, error="time budget spent"))
                continue
            drill.run_step(key, title, fn)
        drill.run_step("∑", "whole drill", drill.final)
        text = report(drill, started, setup_s, topo)
    except (TopologyError, Exception) as exc:
        log(f"drill aborted: {exc}\n{traceback.format_exc()}")
        text = report(drill, started, time.time() - started, topo) + f"\n\nAborted: {exc}\n"
        drill.steps.append(Step("!", "aborted", error=str(exc)))
    finally:
        if args.keep:
            log(f"left running: scripts/scaleout.py down --dir {directory}")
        else:
            topo.down()
            log("installation stopped")
    print(text, flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.fromtimestamp(started).strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"drill-{stamp}.md").write_text(text)
    (RESULTS / f"drill-{stamp}.json").write_text(json.dumps(
        [{"step": s.key, "title": s.title, "ok": s.ok, "seconds": s.seconds, "error": s.error, "figures": s.figures,
          "checks": [c.__dict__ for c in s.checks]} for s in drill.steps], indent=1, ensure_ascii=False, default=str))
    ok = bool(drill.steps) and all(s.ok for s in drill.steps)
    if not ok and (directory / "logs").exists():  # for the post-mortem (bench/results is not committed)
        keep = RESULTS / f"drill-{stamp}-logs"
        shutil.copytree(directory / "logs", keep, dirs_exist_ok=True)
        for extra in (directory / "nginx" / "logs", directory / "mail.jsonl"):
            if extra.exists():
                (shutil.copytree if extra.is_dir() else shutil.copy)(extra, keep / ("nginx" if extra.is_dir() else extra.name))
        log(f"logs kept in {keep}")
    if not args.keep and not args.dir:
        shutil.rmtree(directory, ignore_errors=True)
    log(f"drill {'passed' if ok else 'FAILED'} in {time.time() - started:.0f} s; report bench/results/drill-{stamp}.md")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
