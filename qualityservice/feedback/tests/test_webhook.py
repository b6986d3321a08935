"""Notifications reach a group-robot webhook (JSON POST); a dead webhook never breaks a request."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from qualityservice.feedback.models import Feedback


@pytest.fixture
def webhook_server():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.headers["Content-Type"], json.loads(body)))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"errcode":0}')

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/robot/send?key=test", received
    server.shutdown()
    server.server_close()


def test_it_posts_a_new_complaint_as_json_to_the_webhook(client, org, settings, webhook_server, django_capture_on_commit_callbacks):
    url, received = webhook_server
    settings.QS_NOTIFY_WEBHOOK_URL = url
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/feedback/new/", {"kind": "complaint", "department": org.wuye.pk, "body": "电梯停了",
                                                  "anonymous": "on"})
    assert response.status_code == 302
    code = Feedback.objects.get().code
    assert len(received) == 1
    content_type, payload = received[0]
    assert content_type.startswith("application/json")
    assert payload["msgtype"] == "text" and code in payload["text"]["content"]


def test_it_does_not_break_the_request_when_the_webhook_is_dead(client, org, settings, django_capture_on_commit_callbacks):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once the block ends: nobody listens there
    settings.QS_NOTIFY_WEBHOOK_URL = f"http://127.0.0.1:{port}/hook"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/feedback/new/", {"kind": "complaint", "department": org.wuye.pk, "body": "电梯停了",
                                                  "anonymous": "on"})
    assert response.status_code == 302 and Feedback.objects.count() == 1
