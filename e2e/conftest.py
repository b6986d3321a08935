"""Playwright on Debian's Chromium (no browser download), against pytest-django's live_server."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    from qualityservice.core.testing import require_service

    require_service(os.path.exists(CHROMIUM), "Chromium (/usr/bin/chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def phone(browser):
    """A phone-sized page (iPhone-like viewport)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


def login(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form:has(#id_password) button[type=submit]")
    page.wait_for_url(f"{live_server.url}/staff/**")


def confirm(page, *, sentence: str | None = None) -> None:
    """Answer the platform's confirmation dialog (data-confirm, core/js/app.js) with its confirming button."""
    dialog = page.locator("#qs-confirm")
    dialog.wait_for(state="visible")
    if sentence is not None:
        assert sentence in dialog.inner_text()
    dialog.locator("[data-confirm-ok]").click()


def pick_date(page, selector: str, iso: str) -> None:
    """Set a date field through its picker (core/js/app.js: flatpickr in the page's language; the field sends ISO)."""
    field = page.locator(selector)
    page.locator(f"{selector}[data-datepicker]").wait_for(state="attached")
    field.evaluate("(el, value) => el._flatpickr.setDate(value, true)", iso)
