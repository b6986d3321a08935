"""Production settings pass `manage.py check --deploy` with no warning."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings


def run_check(**env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"))}
    environment.update(env)
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True, timeout=120)


PRODUCTION = {"DEBUG": "false", "ALLOWED_HOSTS": "hq.example.edu.cn", "SITE_URL": "https://hq.example.edu.cn",
              "DJANGO_SETTINGS_MODULE": "config.settings"}


def test_it_passes_the_deployment_checklist_under_production_settings():
    result = run_check(**PRODUCTION, SECRET_KEY=secrets.token_urlsafe(64))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr and "?:" not in result.stderr


def test_it_refuses_to_start_without_a_secret_key_in_production():
    result = run_check(**PRODUCTION)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_flags_the_development_defaults():
    result = run_check(DEBUG="true", DJANGO_SETTINGS_MODULE="config.settings")
    assert result.returncode != 0  # DEBUG on and the insecure development key are warnings
    assert "security.W018" in result.stderr


@pytest.mark.parametrize(
    "site_url, hosts, code",
    [
        ("", "hq.example.edu.cn", "qualityservice.W001"),  # the development default http://127.0.0.1:8000
        ("http://hq.example.edu.cn", "hq.example.edu.cn", "qualityservice.W002"),
        ("https://hq.example.edu.cn", "other.example.edu.cn", "qualityservice.W003"),
    ],
)
def test_it_warns_when_badges_would_print_a_wrong_address(site_url, hosts, code):
    env = {**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": hosts}
    env.pop("SITE_URL")
    if site_url:
        env["SITE_URL"] = site_url
    result = run_check(**env)
    assert result.returncode != 0
    assert code in result.stderr


def test_it_refuses_the_secret_key_of_the_example_environment_file():
    """Before, `check --deploy` passed with the key published in deploy/qualityservice.env.example."""
    example = (settings.BASE_DIR / "deploy" / "qualityservice.env.example").read_text(encoding="utf-8")
    key = next(line.split("=", 1)[1] for line in example.splitlines() if line.startswith("SECRET_KEY="))
    result = run_check(**PRODUCTION, SECRET_KEY=key)
    assert result.returncode != 0
    assert "qualityservice.E001" in result.stderr and "example or development key" in result.stderr
    assert key not in result.stderr  # the message does not print the key


@pytest.mark.parametrize("key, reason", [
    ("django-insecure-" + "k" * 50, "django-insecure"),
    ("x" * 49, "shorter than 50"),
    ("dev-only-insecure-key-change-me", "example or development key"),
    ("change-me-to-a-long-random-string-of-50-characters-or-more", "example or development key"),
])
def test_it_refuses_insecure_and_short_secret_keys(key, reason, settings):
    from qualityservice.core.checks import check_secret_key

    settings.SECRET_KEY = key
    problems = check_secret_key()
    assert [p.id for p in problems] == ["qualityservice.E001"] and reason in problems[0].msg


def test_it_accepts_a_long_random_secret_key(settings):
    from qualityservice.core.checks import check_secret_key

    settings.SECRET_KEY = secrets.token_urlsafe(50)
    assert check_secret_key() == []


def test_it_warns_when_the_proxy_header_is_set_without_a_trusted_proxy(settings):
    from qualityservice.core.checks import check_proxy_header

    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    settings.QS_TRUSTED_PROXIES = []
    assert [p.id for p in check_proxy_header()] == ["qualityservice.W004"]
    settings.QS_TRUSTED_PROXIES = ["127.0.0.1"]
    assert check_proxy_header() == []


def test_it_stops_the_start_on_a_rate_that_cannot_be_read(settings):
    from qualityservice.core.checks import check_rates

    settings.QS_LOGIN_FAILURES_PER_ACCOUNT = "five per hour"
    assert [p.id for p in check_rates()] == ["qualityservice.E002"]
