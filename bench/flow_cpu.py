#!/usr/bin/env python
"""CPU per submission flow, in-process: a steady measure for iterating on the submission path.

Calls the project's WSGI application directly (no HTTP server, no test client): GET the form, read its
CSRF token, POST the submission urlencoded as a browser does, with the cookies the responses set.
Reports this process's CPU time per flow (``time.process_time``: Python and the database driver, not the
database server) and wall time, as the minimum over 5 batches — insensitive to other load on a shared
machine, unlike the throughput of bench/run.py. ``--profile`` prints where the time goes, by package.

    python bench/flow_cpu.py ceiling feedback survey [-n 300] [--profile]

Run under Django with the bench environment against a bench database (see bench/README.md, Profiling);
``DJANGO_SETTINGS_MODULE=bench.bare.settings … flow_cpu.py ceiling`` measures the bare ceiling.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._django import setup

CSRF_RE = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


class Driver:
    def __init__(self, app):
        self.app, self.cookies = app, {}

    def call(self, method: str, path: str, body: bytes = b"") -> tuple[str, bytes]:
        path, _sep, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1:8000", "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr, "REMOTE_ADDR": "127.0.0.1",
            "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "HTTP_COOKIE": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "HTTP_REFERER": f"http://127.0.0.1:8000{path}", "HTTP_ORIGIN": "http://127.0.0.1:8000",
        }
        status: list[str] = []

        def start_response(line, headers, exc_info=None):
            status.append(line)
            for name, value in headers:
                if name.lower() == "set-cookie":
                    key, val = value.split(";", 1)[0].split("=", 1)
                    self.cookies[key] = val

        body_out = b"".join(self.app(environ, start_response))
        return status[0], body_out


def flows(tg: dict) -> dict:
    out = {"ceiling": ("/_bench/ceiling/", "/_bench/ceiling/", {"payload": "x"}, None)}
    if tg.get("feedback_form"):
        out["feedback"] = (tg["feedback_form"], tg["feedback_form"], tg["feedback_fields"], "submission_key")
    if tg.get("survey_form"):
        out["survey"] = (tg["survey_form"], tg["survey_post"], tg["survey_fields"], "submission_key")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenarios", nargs="*", default=["ceiling", "feedback", "survey"])
    parser.add_argument("-n", type=int, default=300, help="flows per batch")
    parser.add_argument("--profile", action="store_true", help="time by package (cProfile, wall clock)")
    args = parser.parse_args()
    setup()
    from django.core.wsgi import get_wsgi_application

    from bench.targets import compute

    # The ceiling alone needs nothing of the project: it also runs under the bare ceiling's settings
    # (DJANGO_SETTINGS_MODULE=bench.bare.settings), for stock Django's CPU per flow.
    app, known = get_wsgi_application(), flows(compute() if set(args.scenarios) - {"ceiling"} else {})
    for name in args.scenarios:
        get_path, post_path, fields, key_field = known[name]
        driver = Driver(app)

        def flow(driver=driver, get_path=get_path, post_path=post_path, fields=fields, key_field=key_field):
            status, html = driver.call("GET", get_path)
            assert status.startswith("200"), status
            data = {**fields, "csrfmiddlewaretoken": CSRF_RE.search(html).group(1).decode()}
            if key_field:
                data[key_field] = str(uuid.uuid4())
            status, _body = driver.call("POST", post_path, urlencode(data, doseq=True).encode())
            assert status.startswith("302"), status

        for _i in range(30):
            flow()
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _i in range(args.n):
                flow()
            profiler.disable()
            groups: dict[str, float] = {}
            for (file, _line, _fn), (_cc, _nc, tottime, _ct, _callers) in pstats.Stats(profiler).stats.items():
                m = re.search(r"site-packages/([^/]+)/(?:([^/]+)/)?", file)
                if m:
                    key = m.group(1) + (f"/{m.group(2)}" if m.group(1) == "django" and m.group(2) else "")
                else:
                    key = "qualityservice" if "qualityservice" in file else Path(file).name
                groups[key] = groups.get(key, 0.0) + tottime
            total = sum(groups.values())
            print(f"{name}: where the wall time goes (cProfile, {args.n} flows)")
            for key, value in sorted(groups.items(), key=lambda kv: -kv[1])[:20]:
                print(f"  {key:36s} {value / args.n * 1000:7.3f} ms/flow {value / total * 100:5.1f} %")
            continue
        batches = []
        for _b in range(5):
            cpu, wall = time.process_time(), time.perf_counter()
            for _i in range(args.n):
                flow()
            batches.append(((time.process_time() - cpu) / args.n * 1000, (time.perf_counter() - wall) / args.n * 1000))
        print(f"{name:9s} CPU {min(b[0] for b in batches):6.3f} ms/flow   wall {min(b[1] for b in batches):6.3f} ms/flow"
              "   (min of 5 batches)")


if __name__ == "__main__":
    main()
