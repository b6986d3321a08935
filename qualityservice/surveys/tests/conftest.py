"""The shipped survey templates (NPS, SERVQUAL, the logistics template) are rows a migration installs. A
transactional test (a browser journey, a race test) flushes the database after it runs, migration rows
included, so every database test of this app first installs them again (idempotent: one query when they exist)."""

import pytest


@pytest.fixture(autouse=True)
def _shipped_templates(request):
    if request.node.get_closest_marker("django_db") is None:
        # A test that asks for the database by fixture rather than by marker: set it up first (autouse fixtures run
        # before the test's own), then install.
        names = set(request.fixturenames)
        if "transactional_db" in names:
            request.getfixturevalue("transactional_db")
        elif "db" in names:
            request.getfixturevalue("db")
        else:
            return
    from qualityservice.surveys.templates_data import install_templates

    install_templates()
