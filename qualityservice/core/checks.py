"""Deployment checks of the platform (run by `manage.py check --deploy`)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

LOCAL_HOSTS = {"127.0.0.1", "localhost", "0.0.0.0", "::1", ""}
ENV_EXAMPLE = Path(__file__).resolve().parent.parent.parent / "deploy" / "qualityservice.env.example"
# The example's key, should the file be missing from an installation.
EXAMPLE_SECRET_KEY = "change-me-to-a-long-random-string-of-50-characters-or-more"
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-change-me"
SECRET_KEY_MIN_LENGTH = 50


def _example_keys() -> set[str]:
    keys = {EXAMPLE_SECRET_KEY, DEVELOPMENT_SECRET_KEY}
    try:
        text = ENV_EXAMPLE.read_text(encoding="utf-8")
    except OSError:
        return keys
    keys.update(m.group(1).strip() for m in re.finditer(r"^\s*SECRET_KEY\s*=(.*)$", text, re.MULTILINE))
    return {k for k in keys if k}


@register(Tags.security, deploy=True)
def check_secret_key(app_configs=None, **kwargs):
    """Sessions, password-reset links and the browser-id cookies are signed with SECRET_KEY: a key
    that is published (the example file, the development default), Django's generated insecure one,
    or a short one, lets anyone forge them."""
    key = str(getattr(settings, "SECRET_KEY", "") or "")
    reason = None
    if key in _example_keys():
        reason = "it is the example or development key published with the source code"
    elif key.startswith("django-insecure"):
        reason = "it is a key Django generated for development (prefix 'django-insecure')"
    elif len(key) < SECRET_KEY_MIN_LENGTH:
        reason = f"it is shorter than {SECRET_KEY_MIN_LENGTH} characters"
    if reason is None:
        return []
    return [Error(
        f"SECRET_KEY must not be used in production: {reason}.",
        hint="Generate one with: python3 -c 'import secrets; print(secrets.token_urlsafe(50))' and put it in the "
             "environment file (SECRET_KEY=...).",
        id="qualityservice.E001",
    )]


@register(Tags.security)
def check_rates(app_configs=None, **kwargs):
    """A rate limit that cannot be read would fail every POST it guards: refuse to start instead. The rate
    settings are those read with ``core.conf.env_rate`` (the platform's and every app's ``conf.py``)."""
    from .conf import RATE_SETTINGS
    from .ratelimit import parse_rate

    problems = []
    for name in RATE_SETTINGS:
        value = getattr(settings, name, None)
        if value is None:
            continue
        try:
            parse_rate(value)
        except ValueError:
            problems.append(Error(f"{name} is {value!r}, not a rate.", hint="Write a count per period, e.g. '20/h' or '5/15m'.",
                                  id="qualityservice.E002"))
    return problems


@register(Tags.security, deploy=True)
def check_proxy_header(app_configs=None, **kwargs):
    """The proxy header is read only from QS_TRUSTED_PROXIES: without any, every client behind
    nginx counts as the proxy's address and shares one rate limit."""
    if getattr(settings, "RATELIMIT_IP_META_KEY", None) and not getattr(settings, "QS_TRUSTED_PROXIES", None):
        return [Warning(
            f"RATELIMIT_IP_META_KEY is {settings.RATELIMIT_IP_META_KEY!r} but QS_TRUSTED_PROXIES is empty: the header is "
            "ignored and every client behind the proxy counts as the proxy.",
            hint="Set QS_TRUSTED_PROXIES to the proxy's address as the app server sees it, e.g. 127.0.0.1.",
            id="qualityservice.W004",
        )]
    return []


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
