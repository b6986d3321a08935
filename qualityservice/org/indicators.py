"""What org offers the indicator registry (core.indicators): the departments indicators are reported
for. org publishes no figure of its own yet."""

from __future__ import annotations

from .models import Department


def reported_departments():
    """The group and its centres that are active, in display order (teams report through their centre)."""
    return Department.objects.filter(kind__in=[Department.Kind.GROUP, Department.Kind.CENTRE], is_active=True).order_by(
        "sort_order", "pk")
