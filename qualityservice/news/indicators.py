"""The figures this app publishes in the indicator registry (core.indicators), registered at start by
``PlatformAppConfig``. ``compute`` runs one GROUP BY department query (the campaign's publicity evidence)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count
from django.utils.translation import pgettext_lazy

from qualityservice.core.indicators import NEUTRAL, Indicator, Period

from .models import Article


def articles_published(department_ids: Sequence[int], period: Period) -> dict[int, int]:
    start, end = period.bounds()
    rows = (
        Article.objects.filter(department_id__in=department_ids, published_at__gte=start, published_at__lt=end)
        .values("department_id").annotate(n=Count("pk")).order_by()
    )
    counts = {row["department_id"]: row["n"] for row in rows}
    return {department: counts.get(department, 0) for department in department_ids}


INDICATORS = (
    Indicator(
        key="news.articles_published",
        label=pgettext_lazy("article", "News articles published"),
        definition=pgettext_lazy("article", "Articles of the department first published in the period (the day of "
                                            "publication counts), including any withdrawn later."),
        unit=pgettext_lazy("article unit", "articles"),
        direction=NEUTRAL,
        source="news",
        compute=articles_published,
        decimals=0,
    ),
)
