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


def plain_indexes(table: str) -> set[str]:
    """The names of ``table``'s indexes that are not its primary key, not a unique constraint and not PostgreSQL's
    ``_like`` companion of one: what a test of "the indexes written on every insert" compares."""
    from django.db import connection

    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    return {name for name, c in found.items()
            if c["index"] and not c["unique"] and not c["primary_key"] and not name.endswith("_like")}
