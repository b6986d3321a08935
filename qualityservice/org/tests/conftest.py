"""The foundation's own tests see the foundation only: fragments that other apps register on
the extension points (badge page, home, public nav, staff/department detail) are switched off,
so these tests neither depend on nor count the queries of apps built on top. Each app tests
its own fragments; ``test_it_renders_fragments_registered_on_an_extension_point`` covers the
mechanism."""

import pytest


@pytest.fixture(autouse=True)
def _foundation_only_extensions(monkeypatch):
    from qualityservice.core import extensions

    monkeypatch.setattr(extensions, "_points", {})
