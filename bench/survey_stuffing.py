#!/usr/bin/env python
"""Survey stuffing from ONE client, in this process: django.test.Client in a loop against the configured
database (no server), with the project's settings — the rate limits as configured (default values unless
QS_SURVEY_* is set in the environment) and a fresh file cache for their counters.

    SQLITE_PATH=/tmp/stuffing.sqlite3 .venv/bin/python bench/survey_stuffing.py
    DATABASE_URL=postgres://qs:qs@127.0.0.1:5432/qs_stuffing .venv/bin/python bench/survey_stuffing.py --submits 300 --autosaves 1000

The database is migrated if needed; each run adds its own surveys (one per scenario: the limits count per
survey), each with the same honest answers of --honest respondents (one browser each) first. Scenarios:

| scenario | what the client does |
|---|---|
| submit, cookies kept | opens the page once, then posts --submits complete responses rating everything 1 |
| submit, cookies dropped | posts --submits responses, each from a fresh cookie jar (no browser id) |
| submit, new browser id each | opens the page for a new browser id before each of --submits posts |
| autosave, cookies kept | opens the page once, then posts --autosaves autosaves each with an answer |
| autosave, cookies dropped | --autosaves autosaves with an answer, each from a fresh cookie jar |
| autosave, empty | --autosaves autosaves carrying no answer, each from a fresh cookie jar |

Printed per scenario (JSON lines, then a Markdown table): requests, seconds, HTTP statuses, responses stored,
server sessions created, draft rows created, and for the submits the satisfaction index of the department
before and after (and, where the bursts page exists, after excluding every browser with more than one
response). Runs against the old code as well (it uses only what both versions have)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
if not os.environ.get("REDIS_URL"):
    os.environ.setdefault("CACHE_DIR", tempfile.mkdtemp(prefix="qs-stuffing-cache-"))

from bench._django import setup


def make_survey(title: str):
    from qualityservice.org.models import Department
    from qualityservice.surveys.models import Option, Question, Section, Survey

    department, _created = Department.objects.get_or_create(code="stuffing-bench", defaults={"name": "压力测试部门"})
    survey = Survey.objects.create(title=title, status=Survey.Status.OPEN, audience=Survey.Audience.ANYONE, anonymous=True,
                                   ask_respondent_type=True, period="stuffing")
    section = Section.objects.create(survey=survey, order=1, title="服务")
    rating = Question.objects.create(survey=survey, section=section, order=1, kind=Question.Kind.RATING, text="总体满意度",
                                     department=department, required=True)
    single = Question.objects.create(survey=survey, section=section, order=2, kind=Question.Kind.SINGLE, text="是否常用", required=True)
    Option.objects.bulk_create([Option(question=single, value=1, text="是"), Option(question=single, value=2, text="否")])
    text = Question.objects.create(survey=survey, section=section, order=3, kind=Question.Kind.TEXT, text="建议", required=False)
    return survey, department, rating, single, text


def post_data(rating, single, text, value: int, comment: str = "") -> dict:
    return {"respondent_type": "student", f"q{rating.pk}": str(value), f"q{single.pk}": "1", f"q{text.pk}": comment,
            "submission_key": str(uuid.uuid4())}


def index_of(survey, department):
    from qualityservice.surveys import index
    from qualityservice.surveys.models import SatisfactionIndex

    index.refresh_satisfaction_index(surveys=[survey])
    row = SatisfactionIndex.objects.filter(survey=survey, department=department).first()
    return row.score if row else None


def run(scenario: str, n: int, honest: int) -> dict:
    from django.contrib.sessions.models import Session
    from django.test import Client
    from django.urls import reverse

    from qualityservice.surveys.models import Response

    survey, department, rating, single, text = make_survey(f"stuffing {scenario} {uuid.uuid4().hex[:6]}")
    start = reverse("surveys:start", args=[survey.public_code])
    submit = reverse("surveys:submit", args=[survey.public_code])
    save = reverse("surveys:save", args=[survey.public_code])
    for i in range(honest):  # honest respondents behind another address, one browser each
        person = Client(REMOTE_ADDR=f"10.1.{i // 250}.{i % 250 + 1}")
        person.get(start)
        person.post(submit, post_data(rating, single, text, 4 + i % 2))
    before = index_of(survey, department)
    stored0 = Response.objects.filter(survey=survey, status="submitted").count()
    drafts0 = Response.objects.filter(survey=survey, status="draft").count()
    sessions0 = Session.objects.count()
    statuses: Counter = Counter()
    client = Client()
    started = time.perf_counter()
    if scenario.endswith("kept"):
        client.get(start)
    for i in range(n):
        if scenario == "submit, cookies kept":
            r = client.post(submit, post_data(rating, single, text, 1, "刷票"))
        elif scenario == "submit, cookies dropped":
            r = Client().post(submit, post_data(rating, single, text, 1, "刷票"))
        elif scenario == "submit, new browser id each":
            fresh = Client()
            fresh.get(start)
            r = fresh.post(submit, post_data(rating, single, text, 1, "刷票"))
        elif scenario == "autosave, cookies kept":
            r = client.post(save, {f"q{rating.pk}": str(i % 5 + 1)})
        elif scenario == "autosave, cookies dropped":
            r = Client().post(save, {f"q{rating.pk}": str(i % 5 + 1)})
        else:  # autosave, empty
            r = Client().post(save, {f"q{text.pk}": ""})
        statuses[r.status_code] += 1
    seconds = time.perf_counter() - started
    result = {
        "scenario": scenario, "requests": n, "seconds": round(seconds, 2), "statuses": dict(sorted(statuses.items())),
        "responses_stored": Response.objects.filter(survey=survey, status="submitted").count() - stored0,
        "sessions_created": Session.objects.count() - sessions0,
        "drafts_created": Response.objects.filter(survey=survey, status="draft").count() - drafts0,
    }
    if scenario.startswith("submit"):
        result.update(index_before=before, index_after=index_of(survey, department))
        from qualityservice.surveys import bursts

        # The owner excludes every browser that sent more than one response.
        for burst in bursts.bursts(survey, per_minute=10**6):
            bursts.exclude_burst(survey, burst.kind, burst.key, "bench: one browser", None)
            result["index_after_excluding_browser_bursts"] = index_of(survey, department)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submits", type=int, default=300)
    parser.add_argument("--autosaves", type=int, default=1000)
    parser.add_argument("--honest", type=int, default=20, help="honest respondents per survey before the stuffing")
    args = parser.parse_args()
    setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # allows the test client's host; e-mail to memory
    call_command("migrate", verbosity=0)
    scenarios = [("submit, cookies kept", args.submits), ("submit, cookies dropped", args.submits),
                 ("submit, new browser id each", args.submits), ("autosave, cookies kept", args.autosaves),
                 ("autosave, cookies dropped", args.autosaves), ("autosave, empty", args.autosaves)]
    results = []
    for name, n in scenarios:
        result = run(name, n, args.honest)
        results.append(result)
        print(json.dumps(result, ensure_ascii=False), flush=True)
    print("\n| scenario | requests | seconds | statuses | responses stored | sessions created | drafts created | index before → after |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        shift = f"{r['index_before']} → {r['index_after']}" if "index_before" in r else ""
        if "index_after_excluding_browser_bursts" in r:
            shift += f" (→ {r['index_after_excluding_browser_bursts']} once the browser bursts are excluded)"
        statuses = ", ".join(f"{k}×{v}" for k, v in r["statuses"].items())
        print(f"| {r['scenario']} | {r['requests']} | {r['seconds']} | {statuses} | {r['responses_stored']} | "
              f"{r['sessions_created']} | {r['drafts_created']} | {shift} |")


if __name__ == "__main__":
    main()
