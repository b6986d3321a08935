"""Pages with personal data are never stored by a browser or a shared cache; an outage of the database
or of Redis is a 503 page, not a 500."""

import logging

from django.conf import settings
from django.utils.cache import patch_cache_control

log = logging.getLogger(__name__)


class PrivatePagesMiddleware:
    """Every response under ``QS_PRIVATE_PATH_PREFIXES`` (the staff pages, the account pages and the
    admin) gets ``Cache-Control: private, no-store`` — whatever the view — so that no page, export or
    download with names, phone numbers or complaints is kept on a shared computer's disk or by a proxy.
    A middleware rather than a decorator per view: a new staff view cannot forget it."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = tuple(settings.QS_PRIVATE_PATH_PREFIXES)

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(self.prefixes):
            patch_cache_control(response, private=True, no_store=True)
        return response


class ServiceUnavailableMiddleware:
    """A request that fails because a service cannot be reached — the database (PostgreSQL restarting or
    failing over, a connection cut, SQLite locked for too long) or Redis — gets a translated 503 page with
    ``Retry-After`` and one error line in the log, not a 500 with a traceback: an outage is not a bug.
    The app server needs no restart: Django opens a new connection on a later request (CONN_HEALTH_CHECKS)
    and redis-py on the next operation. Found by the scale-out drill (bench/README.md), which restarts
    PostgreSQL under load: before, every request of the outage that reached the database was a 500.

    The request's rate-limit counts are given back (``core.ratelimit.refund``): pressing Submit again during
    an outage must not use up the visitor's allowance. The page is rendered without the request's context
    processors (they read the site settings from the database) and is never cached."""

    RETRY_AFTER = 30

    def __init__(self, get_response):
        self.get_response = get_response
        self.outages = _outage_errors()

    def __call__(self, request):
        from . import ratelimit

        token = ratelimit.track_request_counts()
        try:
            return self.get_response(request)
        finally:
            ratelimit.untrack_request_counts(token)

    def process_exception(self, request, exception):
        if not isinstance(exception, self.outages):
            return None
        from . import ratelimit

        ratelimit.refund()  # a request that was not served costs the visitor none of its allowance
        # One line with the cause (an outage is worth an alert), instead of django.request's traceback.
        log.error("service unavailable: %s %s: %s: %s", request.method, request.path, type(exception).__name__,
                  str(exception).strip().splitlines()[0] if str(exception).strip() else "")
        response = service_unavailable(request)
        response._has_been_logged = True  # django.request would log the 503 a second time
        return response


def service_unavailable(request):
    from django.http import HttpResponse
    from django.template.loader import render_to_string

    html = render_to_string("core/503.html", {"hotline": settings.QS_HOTLINE})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(ServiceUnavailableMiddleware.RETRY_AFTER)
    patch_cache_control(response, no_store=True)
    return response


def _outage_errors() -> tuple[type[BaseException], ...]:
    from django.db import InterfaceError, OperationalError

    errors: list[type[BaseException]] = [OperationalError, InterfaceError]
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        errors += [RedisConnectionError, RedisTimeoutError]
    except ImportError:  # pragma: no cover - redis is a dependency
        pass
    return tuple(errors)

