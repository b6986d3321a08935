"""The figure this app publishes in the indicator registry (core.indicators), registered at start by
``PlatformAppConfig``: one GROUP BY department query."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count
from django.utils.translation import pgettext_lazy

from qualityservice.core.indicators import NEUTRAL, Indicator, Period

from .models import ProcedureVersion


def versions_recorded(department_ids: Sequence[int], period: Period) -> dict[int, int]:
    start, end = period.bounds()
    rows = (ProcedureVersion.objects.filter(procedure__department_id__in=department_ids, recorded_at__gte=start,
                                            recorded_at__lt=end)
            .values("procedure__department_id").annotate(n=Count("pk")).order_by())
    counts = {row["procedure__department_id"]: row["n"] for row in rows}
    return {d: counts.get(d, 0) for d in department_ids}


INDICATORS = (
    Indicator(
        key="standards.versions_recorded",
        label=pgettext_lazy("standards", "Procedure versions recorded"),
        definition=pgettext_lazy("standards", "Versions of the department's operating procedures recorded in the period "
                                              "(the day of recording counts), first versions of new procedures included."),
        unit=pgettext_lazy("standards unit", "versions"),
        direction=NEUTRAL,
        source="standards",
        compute=versions_recorded,
        decimals=0,
    ),
)
