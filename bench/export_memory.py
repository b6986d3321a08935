#!/usr/bin/env python
"""Run an Excel export of at least ROWS rows in this process and print
{"kind", "rows", "seconds", "peak_rss_mb", "bytes"} as JSON.

    python bench/export_memory.py feedback 100000   # the inbox export (supervisor, filtered by date)
    python bench/export_memory.py surveys 100000    # the raw responses export of the bench survey

The view is called as a request would call it (RequestFactory, signed-in supervisor) and its
response is streamed to a temporary file. Peak RSS is the process's ru_maxrss (Django included)."""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._django import setup


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def run(kind: str, rows: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory
    from django.utils import timezone

    user = get_user_model().objects.get(username="supervisor")
    factory = RequestFactory(HTTP_HOST="127.0.0.1")
    if kind == "feedback":
        from qualityservice.feedback import views
        from qualityservice.feedback.models import Feedback

        # The newest ROWS records: filter from the day of the ROWS-th newest one (whole days, so ≥ ROWS).
        nth = Feedback.objects.order_by("-created_at").values_list("created_at", flat=True)[rows - 1:rows].first()
        query = {"date_from": timezone.localtime(nth).date().isoformat()} if nth else {}
        qs = Feedback.objects.all()
        if nth:
            qs = qs.filter(created_at__gte=timezone.localtime(nth).replace(hour=0, minute=0, second=0, microsecond=0))
        count = qs.count()
        request = factory.get("/staff/feedback/export.xlsx", query)
        view = lambda req: views.export(req)  # noqa: E731
    elif kind == "surveys":
        from qualityservice.surveys import views
        from qualityservice.surveys.models import Response
        from qualityservice.surveys.scale import bench_survey

        survey = bench_survey()
        count = Response.objects.filter(survey=survey, status="submitted").count()
        request = factory.get(f"/staff/surveys/{survey.pk}/responses.xlsx")
        view = lambda req, pk=survey.pk: views.export_raw(req, pk)  # noqa: E731
    else:
        raise SystemExit(f"unknown kind {kind!r} (feedback or surveys)")
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    before = rss_mb()
    start = time.perf_counter()
    response = view(request)
    if response.status_code != 200:
        raise SystemExit(f"export answered HTTP {response.status_code}")
    size = 0
    with tempfile.TemporaryFile() as out:
        for chunk in response.streaming_content if response.streaming else [response.content]:
            out.write(chunk)
            size += len(chunk)
    response.close()
    return {"kind": kind, "rows": count, "seconds": round(time.perf_counter() - start, 2), "peak_rss_mb": round(rss_mb(), 1),
            "rss_before_mb": round(before, 1), "bytes": size}


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    setup()
    print(json.dumps(run(sys.argv[1], int(sys.argv[2]))))
