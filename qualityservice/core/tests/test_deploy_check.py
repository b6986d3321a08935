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
