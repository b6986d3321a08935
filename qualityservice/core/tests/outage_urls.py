"""Views that fail as an outage does (test_service_unavailable.py), in front of the project's URLs."""

from django.db import InterfaceError, OperationalError
from django.urls import include, path
from redis.exceptions import ConnectionError as RedisConnectionError


def _raise(exc):
    def view(request):
        raise exc

    return view


urlpatterns = [
    path("outage/db/", _raise(OperationalError("connection to server at \"127.0.0.1\", port 5432 failed: Connection refused"))),
    path("outage/closed/", _raise(InterfaceError("connection already closed"))),
    path("outage/redis/", _raise(RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused."))),
    path("outage/bug/", _raise(ValueError("a bug, not an outage"))),
    path("", include("config.urls")),
]
