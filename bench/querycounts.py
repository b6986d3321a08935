#!/usr/bin/env python
"""Print, as JSON, the number of SQL queries of each page of bench/targets.py: {page_key: count}.
Measured with django.test.Client and CaptureQueriesContext on the second request (the first one
warms the session and caches). Run under Django with the bench environment."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._django import setup


def measure() -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.targets import compute

    tg = compute()
    counts = {}
    users = get_user_model().objects
    for key, path in tg["pages"].items():
        client = Client(HTTP_HOST="127.0.0.1")
        username = tg["page_users"].get(key)
        if username:
            client.force_login(users.get(username=username))
        first = client.get(path)
        if first.status_code != 200:
            counts[key] = f"HTTP {first.status_code}"
            continue
        with CaptureQueriesContext(connection) as ctx:
            client.get(path)
        counts[key] = len(ctx.captured_queries)
    return counts


if __name__ == "__main__":
    setup()
    print(json.dumps(measure()))
