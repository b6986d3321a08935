"""The proxy's address header is believed only from a configured proxy (QS_TRUSTED_PROXIES)."""

import pytest
from django.test import RequestFactory

from qualityservice.core import ratelimit


def request(remote, **headers):
    return RequestFactory().post("/", REMOTE_ADDR=remote, **headers)


@pytest.fixture
def behind_nginx(settings):
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    settings.QS_TRUSTED_PROXIES = ["127.0.0.1", "::1"]
    return settings


def test_it_does_not_let_a_client_choose_its_address_with_the_header_without_trusted_proxies(settings):
    """Before, X-Real-IP was taken from anyone once the header key was set: a client reaching the app
    server directly got a fresh per-address budget with every made-up header."""
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    settings.QS_TRUSTED_PROXIES = []
    forged = request("198.51.100.4", HTTP_X_REAL_IP="203.0.113.7")
    assert ratelimit.client_address(forged) == "198.51.100.4" and ratelimit.client_ip(forged) == "198.51.100.4"
    assert ratelimit.client_address(request("127.0.0.1", HTTP_X_REAL_IP="203.0.113.7")) == "127.0.0.1"  # not even nginx


def test_it_names_the_client_by_the_header_on_a_request_from_a_trusted_proxy(behind_nginx):
    assert ratelimit.client_address(request("127.0.0.1", HTTP_X_REAL_IP="203.0.113.7")) == "203.0.113.7"
    assert ratelimit.client_address(request("::1", HTTP_X_REAL_IP="2001:db8::5")) == "2001:db8::5"


def test_it_keeps_the_address_of_a_request_from_another_address_despite_the_header(behind_nginx):
    direct = request("198.51.100.4", HTTP_X_REAL_IP="203.0.113.7")
    assert ratelimit.client_address(direct) == "198.51.100.4" and ratelimit.client_ip(direct) == "198.51.100.4"


def test_it_accepts_networks_as_trusted_proxies(settings):
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    settings.QS_TRUSTED_PROXIES = ["10.20.0.0/16"]
    assert ratelimit.client_address(request("10.20.3.4", HTTP_X_REAL_IP="203.0.113.7")) == "203.0.113.7"
    assert ratelimit.client_address(request("10.21.3.4", HTTP_X_REAL_IP="203.0.113.7")) == "10.21.3.4"


def test_it_reads_a_forwarded_for_chain_from_the_right_skipping_the_trusted_proxies(settings):
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_FORWARDED_FOR"
    settings.QS_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    # The client wrote 1.2.3.4 itself; nginx appended the address it saw, then an inner proxy its own.
    chain = request("127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7, 10.0.0.2")
    assert ratelimit.client_address(chain) == "203.0.113.7"


def test_it_stores_no_address_for_a_malformed_proxy_header_and_limits_by_remote_addr(behind_nginx):
    junk = request("127.0.0.1", HTTP_X_REAL_IP="<script>")
    assert ratelimit.client_address(junk) is None and ratelimit.client_ip(junk) == "127.0.0.1"


def test_it_refuses_to_start_with_a_trusted_proxy_that_is_not_an_address():
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "QS_TRUSTED_PROXIES": "127.0.0.1,nginx-host"}
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=settings.BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "QS_TRUSTED_PROXIES: 'nginx-host' is not an address or network" in result.stderr
