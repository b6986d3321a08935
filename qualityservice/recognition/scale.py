"""Scale data for benchmarks (``manage.py generate_scale_data --recognition N``): N nominations over two years
across the centres, in every status. Bulk-created without timeline rows (a benchmark reads lists and
counts); ``pagecache.changed`` because ``bulk_create`` sends no signal."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from qualityservice.core import pagecache
from qualityservice.org.models import Department

from .models import Nomination

COUNTS = {"recognition": "recognition nominations to add"}
BATCH = 2000
TITLES = ["更新窗口服务指南", "整理服务承诺公示栏", "开展文明用语培训", "检查消防通道", "回访报修师生", "修订岗位职责说明"]


def generate(out, rng, counts) -> None:
    n = counts.get("recognition", 0)
    departments = list(Department.objects.centres().values_list("pk", flat=True))
    if n <= 0 or not departments:
        return
    now = timezone.now()
    done = 0
    while done < n:
        rows = []
        for i in range(min(BATCH, n - done)):
            created = now - dt.timedelta(days=730 * rng.random(), minutes=rng.randint(0, 600))
            status = rng.choice(Nomination.Status.values)
            submitted = created + dt.timedelta(hours=rng.randint(1, 72)) if status != Nomination.Status.DRAFT else None
            closed = submitted + dt.timedelta(days=rng.randint(1, 20)) if status == Nomination.Status.CLOSED else None
            rows.append(Nomination(department_id=rng.choice(departments), title=f"{rng.choice(TITLES)} {done + i + 1}", status=status,
                             created_at=created, submitted_at=submitted, closed_at=closed))
        with transaction.atomic():
            Nomination.objects.bulk_create(rows, batch_size=BATCH)
            pagecache.changed(Nomination)
        done += len(rows)
    out.write(f"recognition: {done} nominations")
