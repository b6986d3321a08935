"""Scale data for benchmarks (``manage.py generate_scale_data --training N``): N sessions over two years across
the centres, each attended by 5–30 of the centre's staff. Bulk-created (no history rows: a benchmark reads
lists and sums)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from qualityservice.org.models import Staff

from .models import Attendance, Level, TrainingSession

COUNTS = {"training": "training sessions to add (with their attendees)"}
BATCH = 1000
TOPICS = ["文明用语与服务礼仪培训", "消防安全知识培训", "食品安全操作规范", "电工安全操作规程", "投诉处理与沟通技巧",
          "班组长管理能力提升", "急救知识与应急处置", "节能降耗与设备保养"]
HOURS = [Decimal("1"), Decimal("1.5"), Decimal("2"), Decimal("3"), Decimal("4")]


def generate(out, rng, counts) -> None:
    n = counts.get("training", 0)
    staff: dict[int, list[int]] = {}
    for pk, department in Staff.objects.filter(is_active=True, department__kind="centre").values_list("pk", "department_id"):
        staff.setdefault(department, []).append(pk)
    departments = sorted(staff)
    if n <= 0 or not departments:
        return
    today = timezone.localdate()
    done = 0
    while done < n:
        sessions, people = [], []
        for _i in range(min(BATCH, n - done)):
            department = rng.choice(departments)
            sessions.append(TrainingSession(
                department_id=department, topic=rng.choice(TOPICS), date=today - dt.timedelta(days=rng.randint(0, 730)),
                hours=rng.choice(HOURS), trainer="培训讲师", level=rng.choice(Level.values)))
            pool = staff[department]
            people.append(rng.sample(pool, min(len(pool), rng.randint(5, 30))))
        with transaction.atomic():
            TrainingSession.objects.bulk_create(sessions, batch_size=BATCH)
            Attendance.objects.bulk_create([Attendance(session_id=s.pk, staff_id=p) for s, ps in zip(sessions, people, strict=True)
                                            for p in ps], batch_size=5000)
        done += len(sessions)
    out.write(f"training: {done} sessions")
