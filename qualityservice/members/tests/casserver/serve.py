"""Run the test CAS server: ``python -m qualityservice.members.tests.casserver.serve PORT SERVICE_PATTERN``
(CASSERVER_WORK names the working directory). Migrates its SQLite database, allows the services that
match the pattern (every attribute released, single sign-out on), and serves on 127.0.0.1:PORT with a
threaded WSGI server until killed."""

import os
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def main(port: int, pattern: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "qualityservice.members.tests.casserver.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from cas_server.models import ReplaceAttributName, ServicePattern

    service, _ = ServicePattern.objects.update_or_create(
        name="platform", defaults={"pattern": pattern, "single_log_out": True, "user_field": "", "pos": 1})
    ReplaceAttributName.objects.get_or_create(name="*", replace="", service_pattern=service)
    from django.core.wsgi import get_wsgi_application

    httpd = make_server("127.0.0.1", port, get_wsgi_application(), server_class=ThreadingServer, handler_class=QuietHandler)
    print("ready", flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
