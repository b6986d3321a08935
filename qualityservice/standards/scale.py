"""Scale data for benchmarks (``manage.py generate_scale_data --standards N``): N operating procedures across the
centres, each with two text versions (recorded over two years, the second current). Bulk-created: no
notifications, no files."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from qualityservice.org.models import Department

from .models import Procedure, ProcedureVersion

COUNTS = {"standards": "operating procedures to add (two versions each)"}
BATCH = 1000
TITLES = ["公共区域保洁操作规程", "食品留样操作规程", "低压电气维修安全操作规程", "班车出车前安全检查规程", "服务热线受理规程",
          "报修受理与派工规程", "公寓值班与来访登记规程", "商品保质期检查规程"]


def generate(out, rng, counts) -> None:
    n = counts.get("standards", 0)
    departments = list(Department.objects.centres().values_list("pk", flat=True))
    if n <= 0 or not departments:
        return
    now = timezone.now()
    start = Procedure.objects.count()
    done = 0
    while done < n:
        size = min(BATCH, n - done)
        with transaction.atomic():
            procedures = Procedure.objects.bulk_create([
                Procedure(department_id=rng.choice(departments), number=f"SC-{start + done + i + 1:06d}",
                          title=f"{rng.choice(TITLES)} {start + done + i + 1}") for i in range(size)], batch_size=BATCH)
            versions = []
            for p in procedures:
                first = now - dt.timedelta(days=rng.randint(365, 730))
                second = first + dt.timedelta(days=rng.randint(30, 360))
                for sequence, at in ((1, first), (2, second)):
                    versions.append(ProcedureVersion(procedure=p, sequence=sequence, version=f"V{sequence}.0", title=p.title,
                                                     effective_date=timezone.localdate(at), recorded_at=at,
                                                     text="1. 作业前检查。\n2. 按规程作业。\n3. 作业后记录。"))
            ProcedureVersion.objects.bulk_create(versions, batch_size=BATCH)
            for p, current in zip(procedures, versions[1::2], strict=True):
                p.current_version = current
            Procedure.objects.bulk_update(procedures, ["current_version"], batch_size=BATCH)
        done += size
    out.write(f"standards: {done} procedures, {2 * done} versions")
