"""Fixtures: test indicators the scheme reads through the registry: values set by the test, per department."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qualityservice.core import indicators
from qualityservice.core.indicators import HIGHER_BETTER, LOWER_BETTER, Indicator

LIVE: dict[str, dict[int, Decimal | None]] = {}


def _compute(key):
    def compute(department_ids, period):
        return {d: LIVE.get(key, {}).get(d) for d in department_ids}

    return compute


TEST_INDICATORS = (
    Indicator(key="evaluation.test_rate", label="Test rate", definition="A test rate, in per cent", unit="%",
              direction=HIGHER_BETTER, source="evaluation", compute=_compute("evaluation.test_rate")),
    Indicator(key="evaluation.test_late", label="Test late items", definition="Late items of the test", unit="items",
              direction=LOWER_BETTER, source="evaluation", compute=_compute("evaluation.test_late")),
    Indicator(key="evaluation.test_gate", label="Test required done", definition="Share of required test work done", unit="%",
              direction=HIGHER_BETTER, source="evaluation", compute=_compute("evaluation.test_gate")),
)


@pytest.fixture
def live(monkeypatch):
    """Registers the test indicators for one test (the real registry is restored afterwards)."""
    registry = dict(indicators._registry)
    monkeypatch.setattr(indicators, "_registry", registry)
    indicators.register(*TEST_INDICATORS)
    LIVE.clear()
    yield LIVE
    LIVE.clear()
