"""Helpers for tests of every app."""

import os

import pytest


def require_service(available: bool, what: str) -> None:
    """Skip a test needing a service that is not running — except in CI, where it fails."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI but is not available")
    pytest.skip(f"{what} not available")
