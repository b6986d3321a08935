"""SITE_URL — the address printed into QR codes, badges, posters and links — follows `make run`'s HOST and PORT
unless it is set."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

PRINT = "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"


def site_url(**env) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "HOST", "PORT", "DATABASE_URL")}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
    result = subprocess.run([sys.executable, "-c", PRINT], cwd=settings.BASE_DIR, env=environment, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize("env, expected", [
    ({}, "http://127.0.0.1:8000"),
    ({"PORT": "8200"}, "http://127.0.0.1:8200"),
    ({"HOST": "0.0.0.0", "PORT": "9000"}, "http://0.0.0.0:9000"),
    ({"PORT": "8200", "SITE_URL": "https://hq.example.edu.cn/"}, "https://hq.example.edu.cn"),
])
def test_it_prints_the_address_make_run_serves_unless_site_url_is_set(env, expected):
    assert site_url(**env) == expected


def test_it_exports_host_and_port_to_the_processes_of_make_run():
    makefile = (settings.BASE_DIR / "Makefile").read_text()
    assert "export HOST PORT" in makefile
    assert "QR codes, badges and links print" in makefile
