"""The figures the golden ideas publish in the indicator registry (core.indicators), registered at start by
``PlatformAppConfig``. Each ``compute(department_ids, period)`` runs one or two GROUP BY department queries,
whatever the number of departments and ideas. An idea counts for the department of its lead author at the time
it was sent; duplicates merged into another idea are not counted (``Idea.objects.counted()``)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Sum
from django.utils.translation import pgettext_lazy

from qualityservice.core.indicators import HIGHER_BETTER, NEUTRAL, Indicator, Period
from qualityservice.org.models import Staff

from .models import Assignment, Idea


def _by_department(queryset, department_ids, **aggregates) -> dict[int, dict]:
    rows = queryset.filter(department_id__in=department_ids).values("department_id").annotate(**aggregates).order_by()
    return {row["department_id"]: row for row in rows}


def _in(period: Period, field: str) -> Q:
    start, end = period.bounds()
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def _count(field: str):
    def compute(department_ids: Sequence[int], period: Period) -> dict[int, int]:
        rows = _by_department(Idea.objects.counted().filter(_in(period, field)), department_ids, n=Count("pk"))
        return {d: rows.get(d, {}).get("n", 0) for d in department_ids}

    return compute


def submitted_per_100_staff(department_ids: Sequence[int], period: Period) -> dict[int, float | None]:
    ideas = _by_department(Idea.objects.counted().filter(_in(period, "submitted_at")), department_ids, n=Count("pk"))
    staff = dict(Staff.objects.filter(department_id__in=department_ids, is_active=True).values("department_id")
                 .annotate(n=Count("pk")).order_by().values_list("department_id", "n"))
    return {d: round(100 * ideas.get(d, {}).get("n", 0) / staff[d], 2) if staff.get(d) else None for d in department_ids}


def adoption_rate(department_ids: Sequence[int], period: Period) -> dict[int, float | None]:
    rows = _by_department(Idea.objects.counted().filter(_in(period, "decided_at")), department_ids, n=Count("pk"),
                          adopted=Count("pk", filter=Q(adopted_at__isnull=False)))
    return {d: round(100 * rows[d]["adopted"] / rows[d]["n"], 1) if d in rows and rows[d]["n"] else None for d in department_ids}


def _saving(field: str):
    def compute(department_ids: Sequence[int], period: Period) -> dict[int, Decimal]:
        rows = _by_department(Idea.objects.filter(_in(period, "verified_at")), department_ids, total=Sum(field))
        return {d: (rows.get(d, {}).get("total") or Decimal(0)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                for d in department_ids}

    return compute


def reviews_on_time_rate(department_ids: Sequence[int], period: Period) -> dict[int, float | None]:
    start, end = period.bounds()
    rows = {row["idea__department_id"]: row for row in (
        Assignment.objects.current().filter(idea__department_id__in=department_ids, due_at__gte=start, due_at__lt=end)
        .values("idea__department_id")
        .annotate(n=Count("pk"), on_time=Count("pk", filter=Q(submitted_at__isnull=False, submitted_at__lte=F("due_at"))))
        .order_by())}
    return {d: round(100 * rows[d]["on_time"] / rows[d]["n"], 1) if d in rows and rows[d]["n"] else None for d in department_ids}


IDEAS = pgettext_lazy("indicator unit", "ideas")
INDICATORS = (
    Indicator(
        key="ideas.submitted_per_100_staff",
        label=pgettext_lazy("idea", "Golden ideas per 100 staff"),
        definition=pgettext_lazy("idea", "Ideas sent by members of the department in the period (the day sent counts; merged duplicates "
                                         "not counted) per 100 staff on today's roster (employed staff of the department). No value for a "
                                         "department without active staff."),
        unit=pgettext_lazy("indicator unit", "ideas per 100 staff"), direction=HIGHER_BETTER, source="ideas",
        compute=submitted_per_100_staff, decimals=2),
    Indicator(
        key="ideas.adopted",
        label=pgettext_lazy("idea", "Golden ideas adopted"),
        definition=pgettext_lazy("idea", "Ideas of the department adopted in the period (the day of the decision counts), whatever "
                                         "has happened to them since."),
        unit=IDEAS, direction=HIGHER_BETTER, source="ideas", compute=_count("adopted_at"), decimals=0),
    Indicator(
        key="ideas.adoption_rate",
        label=pgettext_lazy("idea", "Adoption rate of golden ideas"),
        definition=pgettext_lazy("idea", "Of the department's ideas decided in the period (adopted or not adopted; a reopened review "
                                         "counts again when decided), the share adopted × 100. No value without decisions."),
        unit="%", direction=NEUTRAL, source="ideas", compute=adoption_rate, decimals=1),
    Indicator(
        key="ideas.implemented",
        label=pgettext_lazy("idea", "Golden ideas implemented"),
        definition=pgettext_lazy("idea", "Adopted ideas of the department whose implementation was completed in the period."),
        unit=IDEAS, direction=HIGHER_BETTER, source="ideas", compute=_count("implemented_at"), decimals=0),
    Indicator(
        key="ideas.verified_saving_yuan",
        label=pgettext_lazy("idea", "Verified savings of golden ideas (yuan per year)"),
        definition=pgettext_lazy("idea", "Sum of the verified savings per year, in yuan, of the department's ideas whose measured benefit "
                                         "was verified in the period: (baseline consumption per day − after consumption per day) × 365 × "
                                         "tariff, or the yuan saved per year for cost savings."),
        unit=pgettext_lazy("indicator unit", "yuan per year"), direction=HIGHER_BETTER, source="ideas",
        compute=_saving("verified_yuan"), decimals=2),
    Indicator(
        key="ideas.verified_saving_kwh",
        label=pgettext_lazy("idea", "Verified electricity savings of golden ideas"),
        definition=pgettext_lazy("idea", "Sum of the verified kWh saved per year by the department's ideas whose measured benefit was "
                                         "verified in the period (meter readings of a baseline and an after period, annualised)."),
        unit=pgettext_lazy("indicator unit", "kWh per year"), direction=HIGHER_BETTER, source="ideas",
        compute=_saving("verified_kwh"), decimals=2),
    Indicator(
        key="ideas.verified_saving_water",
        label=pgettext_lazy("idea", "Verified water savings of golden ideas"),
        definition=pgettext_lazy("idea", "Sum of the verified tonnes of water saved per year by the department's ideas whose measured "
                                         "benefit was verified in the period (meter readings of a baseline and an after period, "
                                         "annualised)."),
        unit=pgettext_lazy("indicator unit", "t per year"), direction=HIGHER_BETTER, source="ideas",
        compute=_saving("verified_water"), decimals=2),
    Indicator(
        key="ideas.reviews_on_time_rate",
        label=pgettext_lazy("idea", "Idea reviews on time"),
        definition=pgettext_lazy("idea", "Of the review assignments on the department's ideas due in the period, the share scored by "
                                         "their deadline × 100. No value without reviews due."),
        unit="%", direction=HIGHER_BETTER, source="ideas", compute=reviews_on_time_rate, decimals=1),
)
