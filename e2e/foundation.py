"""Helpers of the foundation's browser tests (e2e/test_foundation_*.py)."""

from __future__ import annotations

SHOTS = "/tmp/foundation-{}.png"


class ConsoleWatch:
    """Collects console errors and uncaught page errors (CSP violations appear there)."""

    def __init__(self, page):
        self.messages: list[str] = []
        page.on("console", lambda msg: self.messages.append(msg.text) if msg.type in ("error", "warning") else None)
        page.on("pageerror", lambda exc: self.messages.append(f"pageerror: {exc}"))
        self.failed: list[str] = []
        page.on("response", lambda r: self.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    def csp_violations(self) -> list[str]:
        return [m for m in self.messages if "Content Security Policy" in m or "Content-Security-Policy" in m]

    def errors(self) -> list[str]:
        """Console errors, except the browser's own favicon probe (the site has no /favicon.ico)."""
        failed = [f for f in self.failed if not f.endswith("/favicon.ico")]
        messages = [m for m in self.messages if not (m.startswith("Failed to load resource") and not failed)]
        return messages + failed


def no_horizontal_overflow(page, width: int) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width


def shot(page, name: str, *, full_page: bool = True) -> str:
    path = SHOTS.format(name)
    page.screenshot(path=path, full_page=full_page)
    return path
