"""The drill's HTTP client: one visitor per ``Browser`` — a cookie jar and one keep-alive connection.

Through nginx it speaks HTTPS (verifying the installation's throw-away certificate) from a loopback
address of its own (``127.0.x.y``: any address of 127.0.0.0/8 is this machine), so that nginx's
``X-Real-IP`` differs per visitor as it does on a campus, and the per-address limits count as in
production. Straight to an app server (``direct=True``) it speaks plain HTTP and sends the headers nginx
would add (``X-Forwarded-Proto: https``, ``X-Real-IP``): the shared-state checks pick the server.
Only 127.0.0.1 is ever a destination (``bench.loadgen.assert_loopback``).
"""

from __future__ import annotations

import http.client
import itertools
import re
import socket
import ssl
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser

from bench.loadgen import assert_loopback

CSRF_RE = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
HOST = "127.0.0.1"

_sources = itertools.count()
_sources_lock = threading.Lock()


def next_source() -> str:
    """A fresh visitor address: 127.0.10.1 … 127.0.49.250, then round again."""
    with _sources_lock:
        n = next(_sources) % 10_000
    return f"127.0.{10 + n // 250}.{1 + n % 250}"


@dataclass
class Response:
    status: int  # 0: no HTTP response (connection refused, reset, timeout)
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    seconds: float = 0.0
    error: str = ""
    at: float = 0.0

    @property
    def location(self) -> str:
        return self.headers.get("location", "")

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Browser:
    def __init__(self, port: int, *, source: str | None = None, cafile: str | None = None, direct: bool = False,
                 origin_port: int | None = None, timeout: float = 30):
        assert_loopback(HOST)
        self.port, self.direct, self.timeout = port, direct, timeout
        self.source = source or next_source()
        self.origin = f"https://{HOST}:{origin_port or port}"
        self.cookies: dict[str, str] = {}
        self.context = None
        if not direct:
            self.context = ssl.create_default_context(cafile=cafile)
        self.conn: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        if self.direct:
            return http.client.HTTPConnection(HOST, self.port, timeout=self.timeout, source_address=(HOST, 0))
        return http.client.HTTPSConnection(HOST, self.port, timeout=self.timeout, context=self.context,
                                           source_address=(self.source, 0))

    def request(self, method: str, path: str, data: dict | None = None, headers: dict | None = None) -> Response:
        hdrs = {"Host": HOST if self.direct else f"{HOST}:{self.port}", "User-Agent": "qs-drill"}
        if self.direct:  # what nginx adds (deploy/nginx-qualityservice.conf)
            hdrs.update({"X-Forwarded-Proto": "https", "X-Real-IP": self.source, "X-Forwarded-For": self.source})
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True).encode()
            hdrs.update({"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin,
                         "Referer": f"{self.origin}{path}"})
        hdrs.update(headers or {})
        start = time.monotonic()
        try:
            if self.conn is None:
                self.conn = self._connect()
            self.conn.request(method, path, body=body, headers=hdrs)
            resp = self.conn.getresponse()
            payload = resp.read()
        except (http.client.HTTPException, OSError, ssl.SSLError) as exc:
            self.close()
            return Response(0, error=f"{type(exc).__name__}: {exc}"[:200], seconds=time.monotonic() - start, at=time.time())
        if resp.getheader("connection", "").lower() == "close":
            self.close()
        for name, value in resp.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                val = rest.split(";", 1)[0]
                if "max-age=0" in value.lower() or val == '""':
                    self.cookies.pop(key.strip(), None)
                else:
                    self.cookies[key.strip()] = val
        return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, payload, time.monotonic() - start, at=time.time())

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict) -> Response:
        return self.request("POST", path, data)

    def csrf(self, body: bytes) -> str:
        match = CSRF_RE.search(body)
        return match.group(1).decode() if match else self.cookies.get("csrftoken", "")

    def login(self, username: str, password: str) -> Response:
        page = self.get("/accounts/login/")
        return self.post("/accounts/login/", {"csrfmiddlewaretoken": self.csrf(page.body), "username": username,
                                              "password": password})

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            except OSError:
                pass
            self.conn = None


class FormFields(HTMLParser):
    """The named fields of the page's own form — the first POST form without an ``action`` (the language
    switch and the sign-out button post elsewhere): inputs, selected options, textareas; enough to post a
    Django ModelForm back unchanged but for the fields one sets."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None
        self._in_form = False
        self._done = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self._done:
            return
        if tag == "form" and a.get("method", "").lower() == "post" and not a.get("action"):
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields[a["name"]] = a.get("value") or ""
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value") or ""
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.fields[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._in_form:
            self._in_form, self._done = False, True

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


def form_fields(html: bytes) -> dict[str, str]:
    parser = FormFields()
    parser.feed(html.decode("utf-8", errors="replace"))
    return parser.fields


def free_loopback_ok() -> bool:
    """Whether this machine lets a socket bind to 127.0.x.y (Linux: the whole 127.0.0.0/8 is local)."""
    try:
        with socket.socket() as s:
            s.bind(("127.0.10.1", 0))
        return True
    except OSError:
        return False
