"""The load generator targets loopback only, stops by itself, and counts what it is told to."""

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import loadgen


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _send(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        form = b'<input name="csrfmiddlewaretoken" value="tok123">'
        self._send(200, form, [("Set-Cookie", "csrftoken=tok123; Path=/")])

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        data = self.rfile.read(length)
        ok = b"csrfmiddlewaretoken=tok123" in data and "csrftoken=tok123" in self.headers.get("Cookie", "")
        self._send(302, b"", [("Location", f"/done/?ticket=ABC&to={self.path}" if ok else "/error/")])


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()


def test_it_refuses_any_target_but_loopback():
    with pytest.raises(SystemExit):
        loadgen.assert_loopback("10.0.0.1")
    with pytest.raises(SystemExit):
        loadgen.Client("192.168.1.10", 80)
    loadgen.assert_loopback("127.0.0.1")
    loadgen.assert_loopback("::1")


def test_it_stops_after_its_request_budget_and_counts_successes(server):
    result = loadgen.run("get", "127.0.0.1", server, loadgen.get_flow("/", expect=b"tok123"),
                         concurrency=3, seconds=30, max_requests=25)
    assert result.ok == 25 and result.failed == 0
    assert result.p50 <= result.p95 <= result.p99


def test_it_counts_only_redirects_that_carry_the_ticket(server):
    good = loadgen.run("post", "127.0.0.1", server,
                       loadgen.submit_flow("/form/", lambda n: {"body": f"x{n}"}, re.compile(r"ticket=")),
                       concurrency=2, seconds=30, max_requests=10)
    assert good.ok == 10
    bad = loadgen.run("post", "127.0.0.1", server,
                      loadgen.submit_flow("/form/", lambda n: {}, re.compile(r"never-there")),
                      concurrency=1, seconds=30, max_requests=4)
    assert bad.ok == 0 and bad.failed == 4


def test_it_stops_when_its_time_is_up(server):
    result = loadgen.run("get", "127.0.0.1", server, loadgen.get_flow("/"), concurrency=1, seconds=0.3,
                         max_requests=10**9)
    assert result.seconds < 5
    assert result.ok > 0


def test_it_posts_to_another_path_when_the_form_says_so(server):
    result = loadgen.run("post", "127.0.0.1", server,
                         loadgen.submit_flow("/s/x/", lambda n: {"q1": "4"}, re.compile(r"to=/s/x/submit/"),
                                             post_path="/s/x/submit/"),
                         concurrency=1, seconds=30, max_requests=3)
    assert result.ok == 3 and result.failed == 0


class SessionHandler(Handler):
    """Answers a POST with the session cookie it carried, so a test sees which session each flow used."""

    seen: list = []

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        self.rfile.read(length)
        cookie = self.headers.get("Cookie", "")
        session = re.search(r"sessionid=(\w+)", cookie)
        SessionHandler.seen.append(session.group(1) if session else None)
        self._send(302, b"", [("Location", "/done/?ticket=1")])


def test_it_signs_each_flow_in_with_the_next_session_and_starts_again_after_the_last():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), SessionHandler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    SessionHandler.seen = []
    try:
        result = loadgen.run("signed", "127.0.0.1", httpd.server_address[1],
                             loadgen.signed_in_flow("/_bench/ceiling/signed-in/", ["a1", "b2", "c3"], re.compile(r"ticket=")),
                             concurrency=1, seconds=30, max_requests=5)
    finally:
        httpd.shutdown()
    assert result.ok == 5 and result.failed == 0
    assert SessionHandler.seen == ["a1", "b2", "c3", "a1", "b2"]
