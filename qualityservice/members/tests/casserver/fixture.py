"""pytest fixtures: a real CAS server (django-cas-server, this folder's project) in its own process
on a free 127.0.0.1 port, and the platform configured to sign in through it.

    def test_…(cas_server, cas_settings):          # cas_settings: CAS on, pointed at the server
        cas_server.add_user("20230001", "pw", name="张三", type="学生", college="计算机学院")
        ticket = cas_server.ticket_for(service_url, "20230001", "pw")   # a real login at the server

Import both names into the test module or a conftest (``from …casserver.fixture import cas_server, cas_settings``).
One server per test session (per xdist worker); each test gets an empty user list.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[4]
# The services the test CAS server issues tickets for: the test client's host and the live server's.
SERVICE_PATTERN = r"^https?://(testserver|127\.0\.0\.1|localhost)(:\d+)?/.*$"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class CasServer:
    def __init__(self, work: Path):
        self.work = work
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/cas/"
        self.process: subprocess.Popen | None = None

    # --- process ------------------------------------------------------------------------
    def start(self) -> None:
        env = {**os.environ, "CASSERVER_WORK": str(self.work), "PYTHONPATH": str(ROOT)}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        self.log = open(self.work / "server.log", "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "qualityservice.members.tests.casserver.serve", str(self.port), SERVICE_PATTERN],
            cwd=str(ROOT), env=env, stdout=subprocess.PIPE, stderr=self.log, start_new_session=True,
        )
        line = self.process.stdout.readline()  # "ready" once migrated and listening
        if b"ready" not in line:
            self.stop()
            raise RuntimeError("the test CAS server did not start: " + (self.work / "server.log").read_text(errors="replace")[-2000:])
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("the test CAS server does not listen")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    # --- users and tickets --------------------------------------------------------------------
    def reset(self) -> None:
        self.users: dict = {}
        self._write()

    def add_user(self, login: str, password: str, **attributes) -> None:
        self.users[login] = {"password": password, "attributes": attributes}
        self._write()

    def _write(self) -> None:
        tmp = self.work / "users.json.tmp"
        tmp.write_text(json.dumps(self.users, ensure_ascii=False), encoding="utf-8")
        tmp.replace(self.work / "users.json")

    def ticket_for(self, service: str, login: str, password: str) -> str:
        """Sign in at the CAS server's login page as a browser would, for ``service``; the service
        ticket it redirects back with."""
        import requests

        with requests.Session() as browser:
            page = browser.get(self.url + "login", params={"service": service}, timeout=10)
            fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
            fields.update({"username": login, "password": password})
            answer = browser.post(self.url + "login", data=fields, allow_redirects=False, timeout=10,
                                  headers={"Referer": page.url})
            location = answer.headers.get("Location", "")
            ticket = parse_qs(urlparse(location).query).get("ticket", [""])[0]
            if not ticket:
                raise AssertionError(f"no ticket from the CAS server ({answer.status_code}): {answer.text[:500]}")
            return ticket

    def expire_tickets(self) -> None:
        """Every service ticket issued so far becomes older than the server's validity (60 s)."""
        with sqlite3.connect(self.work / "cas.sqlite3", timeout=20) as db:
            db.execute("UPDATE cas_server_serviceticket SET creation = datetime(creation, '-1 day')")


@pytest.fixture(scope="session")
def cas_server_process():
    from qualityservice.core.testing import require_service

    try:
        import cas_server  # noqa: F401
    except ImportError:
        require_service(False, "django-cas-server (requirements-dev.txt)")
    work = Path(tempfile.mkdtemp(prefix="qs-casserver-"))
    server = CasServer(work)
    server.start()
    yield server
    server.stop()
    shutil.rmtree(work, ignore_errors=True)


@pytest.fixture
def cas_server(cas_server_process):
    cas_server_process.reset()
    yield cas_server_process
    cas_server_process.reset()


@pytest.fixture
def cas_settings(settings, cas_server):
    """The platform signs in through the test CAS server (CAS 3, default attribute names)."""
    settings.CAS_SERVER_URL = cas_server.url
    settings.QS_CAS_SERVER_URL = cas_server.url
    settings.CAS_VERSION = "3"
    settings.CAS_ROOT_PROXIED_AS = settings.SITE_URL
    settings.QS_CAS_ALLOW_UNKNOWN = True
    settings.QS_MEMBER_PASSWORDS = False
    allow_cas_form_redirects(settings, cas_server.url)
    return settings


def allow_cas_form_redirects(settings, url: str) -> None:
    """What config/settings.py does when QS_CAS_SERVER_URL is set: the sign-out form's redirect to the
    CAS server is allowed by the Content-Security-Policy (form-action)."""
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    origin = "{0.scheme}://{0.netloc}".format(urlparse(url))
    policy["DIRECTIVES"]["form-action"] = [*policy["DIRECTIVES"]["form-action"], origin]
    settings.CONTENT_SECURITY_POLICY = policy
