"""Deployment checks of the platform (run by `manage.py check --deploy`)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register

LOCAL_HOSTS = {"127.0.0.1", "localhost", "0.0.0.0", "::1", ""}


@register(Tags.security, deploy=True)
def check_site_url(app_configs=None, **kwargs):
    """SITE_URL is printed into badge QR codes and notification links: it must be the public address."""
    url = urlsplit(getattr(settings, "SITE_URL", ""))
    host = url.hostname or ""
    problems = []
    if host in LOCAL_HOSTS:
        problems.append(Warning(
            f"SITE_URL is {settings.SITE_URL!r}: badge QR codes and notification links would point to this machine.",
            hint="Set SITE_URL to the public address, e.g. https://hq.example.edu.cn",
            id="qualityservice.W001",
        ))
    elif url.scheme != "https":
        problems.append(Warning(
            "SITE_URL does not use https: badge QR codes would open an unencrypted address.",
            hint="Set SITE_URL to an https:// address.",
            id="qualityservice.W002",
        ))
    allowed = set(settings.ALLOWED_HOSTS)
    if host and host not in LOCAL_HOSTS and "*" not in allowed and host not in allowed and \
            not any(h.startswith(".") and (host == h[1:] or host.endswith(h)) for h in allowed):
        problems.append(Warning(
            f"The host of SITE_URL ({host}) is not in ALLOWED_HOSTS: scanned badges would get 'Bad Request (400)'.",
            hint="Add it to ALLOWED_HOSTS.",
            id="qualityservice.W003",
        ))
    return problems
