"""A bounded load generator for loopback only.

Each worker thread keeps one HTTP/1.1 connection to 127.0.0.1 and repeats a *flow* (a GET, or a
GET of a form followed by its POST) until the request budget or the time budget is spent — whichever
comes first — and then stops by itself. Latencies are recorded per measured request.
"""

from __future__ import annotations

import http.client
import ipaddress
import re
import statistics
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field

CSRF_RE = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def assert_loopback(host: str) -> None:
    try:
        ok = ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = host == "localhost"
    if not ok:
        raise SystemExit(f"refusing to load {host}: the load generator only targets the loopback interface")


class Client:
    """One keep-alive connection with a cookie jar (enough for Django sessions and CSRF)."""

    def __init__(self, host: str, port: int):
        assert_loopback(host)
        self.host, self.port = host, port
        self.conn = http.client.HTTPConnection(host, port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict, bytes]:
        headers = {"Host": f"{self.host}:{self.port}", "User-Agent": "qs-bench"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
            headers["Origin"] = f"http://{self.host}:{self.port}"
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                resp = self.conn.getresponse()
                payload = resp.read()
                break
            except (http.client.HTTPException, ConnectionError, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                if attempt:
                    raise
        for name, value in resp.getheaders():
            if name.lower() == "set-cookie":
                k, _, rest = value.partition("=")
                self.cookies[k.strip()] = rest.split(";", 1)[0]
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, payload

    def csrf_from(self, body: bytes) -> str:
        match = CSRF_RE.search(body)
        return match.group(1).decode() if match else self.cookies.get("csrftoken", "")

    def login(self, username: str, password: str) -> None:
        status, _, body = self.request("GET", "/accounts/login/")
        token = self.csrf_from(body)
        status, headers, _ = self.request(
            "POST", "/accounts/login/", {"csrfmiddlewaretoken": token, "username": username, "password": password}
        )
        if status != 302:
            raise RuntimeError(f"login as {username} failed ({status})")

    def close(self) -> None:
        self.conn.close()


@dataclass
class Result:
    name: str
    ok: int = 0
    failed: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    queries: int | None = None

    @property
    def throughput(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def pct(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        data = sorted(self.latencies)
        k = min(len(data) - 1, max(0, round(p / 100 * (len(data) - 1))))
        return data[k] * 1000

    @property
    def p50(self) -> float:
        return self.pct(50)

    @property
    def p95(self) -> float:
        return self.pct(95)

    @property
    def p99(self) -> float:
        return self.pct(99)

    @property
    def mean_ms(self) -> float:
        return statistics.fmean(self.latencies) * 1000 if self.latencies else float("nan")


# A flow takes a client and returns (ok, measured_seconds).
Flow = Callable[[Client], tuple[bool, float]]


def get_flow(path: str | Callable[[], str], expect: bytes | None = None) -> Flow:
    def flow(client: Client) -> tuple[bool, float]:
        target = path() if callable(path) else path
        start = time.perf_counter()
        status, _, body = client.request("GET", target)
        elapsed = time.perf_counter() - start
        return status == 200 and (expect is None or expect in body), elapsed

    return flow


def submit_flow(form_path: str, fields: Callable[[int], dict], success: re.Pattern, post_path: str | None = None) -> Flow:
    """GET the form (for the CSRF token), POST it (to ``post_path`` when the form posts elsewhere);
    success only for a redirect whose Location matches ``success`` (e.g. carries the tracking code).
    The POST's latency is measured."""
    counter = {"n": 0}
    lock = threading.Lock()

    def flow(client: Client) -> tuple[bool, float]:
        with lock:
            counter["n"] += 1
            n = counter["n"]
        status, _, body = client.request("GET", form_path)
        if status != 200:
            return False, 0.0
        data = {"csrfmiddlewaretoken": client.csrf_from(body), **fields(n)}
        start = time.perf_counter()
        status, headers, _ = client.request("POST", post_path or form_path, data)
        elapsed = time.perf_counter() - start
        return status in (302, 303) and bool(success.search(headers.get("location", ""))), elapsed

    return flow


def signed_in_flow(form_path: str, session_keys: list[str], success: re.Pattern) -> Flow:
    """``submit_flow`` for a signed-in person: each flow takes the next of ``session_keys`` (Django session cookies,
    used in turn, again from the first when all are used) in a fresh cookie jar, then GETs the form and POSTs it."""
    submit = submit_flow(form_path, lambda n: {"payload": f"row {n}"}, success)
    counter = {"n": 0}
    lock = threading.Lock()

    def flow(client: Client) -> tuple[bool, float]:
        with lock:
            n = counter["n"]
            counter["n"] += 1
        client.cookies = {"sessionid": session_keys[n % len(session_keys)]}
        return submit(client)

    return flow


def run(name: str, host: str, port: int, flow: Flow, *, concurrency: int = 4, seconds: float = 10.0,
        max_requests: int = 2000, setup: Callable[[Client], None] | None = None) -> Result:
    """Run ``flow`` from ``concurrency`` threads until ``max_requests`` flows or ``seconds`` pass."""
    assert_loopback(host)
    result = Result(name)
    lock = threading.Lock()
    budget = {"left": max_requests}
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        client = Client(host, port)
        try:
            if setup:
                setup(client)
            while time.perf_counter() < deadline:
                with lock:
                    if budget["left"] <= 0:
                        return
                    budget["left"] -= 1
                try:
                    ok, elapsed = flow(client)
                except Exception:
                    ok, elapsed = False, 0.0
                with lock:
                    if ok:
                        result.ok += 1
                        result.latencies.append(elapsed)
                    else:
                        result.failed += 1
        finally:
            client.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 120)
    result.seconds = time.perf_counter() - start
    return result
