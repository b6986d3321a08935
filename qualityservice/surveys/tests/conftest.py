"""The shipped survey templates (NPS, SERVQUAL, the logistics template) are rows a migration installs. A
transactional test (a browser journey, a race test) flushes the database after it runs, migration rows
included, so every database test of this app first installs them again (idempotent: one query when they exist)."""

import pytest


@pytest.fixture(autouse=True)
def _shipped_templates(request):
    if request.node.get_closest_marker("django_db") is None:
        return
    from qualityservice.surveys.templates_data import install_templates

    install_templates()
