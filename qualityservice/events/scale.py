"""Scale data for benchmarks (``manage.py generate_scale_data --events N``): N registrations in events of every
centre over two years — sessions of 200 seats, past ones held (attended, no-shows), coming ones with a waiting list.
Rows are built in their final state (seat counters included) and bulk-created, without timeline rows (a benchmark
reads lists and counts)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from qualityservice.org.models import Department

from .models import Event, Kind, Registration, RegistrationStatus, Session, new_code, new_ticket_code

COUNTS = {"events": "event registrations to add"}
CAPACITY = 200
PER_SESSION = 240  # 200 seats and 40 in line
BATCH = 2000
TITLES = ["后勤开放日", "食堂座谈会", "公寓座谈会", "设施参观", "体验后勤服务日", "服务质量交流会"]
KINDS = [Kind.OPEN_DAY, Kind.FORUM, Kind.FORUM, Kind.TOUR, Kind.EXPERIENCE, Kind.EXCHANGE]
R = RegistrationStatus


def generate(out, rng, counts) -> None:
    n = counts.get("events", 0)
    departments = list(Department.objects.centres().values_list("pk", flat=True))
    if n <= 0 or not departments:
        return
    now = timezone.now()
    done = 0
    while done < n:
        with transaction.atomic():
            rows = []
            while len(rows) < BATCH and done + len(rows) < n:
                take = min(PER_SESSION, n - done - len(rows))
                starts = now + dt.timedelta(days=rng.randint(-700, 60), hours=rng.randint(8, 18))
                past = starts < now
                i = rng.randrange(len(TITLES))
                event = Event.objects.create(kind=KINDS[i], department_id=rng.choice(departments), title=f"{TITLES[i]} {done + len(rows) + 1}",
                                             status=Event.Status.FINISHED if past else Event.Status.PUBLISHED, code=new_code())
                seated = min(take, CAPACITY)
                session = Session.objects.create(
                    event=event, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), capacity=CAPACITY,
                    registration_opens_at=starts - dt.timedelta(days=14), registration_closes_at=starts,
                    status=Session.Status.HELD if past else Session.Status.SCHEDULED, general_taken=seated, next_seq=take + 1,
                    held_at=starts + dt.timedelta(hours=2) if past else None)
                for k in range(take):
                    if k < seated:
                        status = (R.ATTENDED if rng.random() < 0.85 else R.NO_SHOW) if past else R.CONFIRMED
                    else:
                        status = R.WAITING
                    at = starts - dt.timedelta(days=14) + dt.timedelta(seconds=k * 7)
                    rows.append(Registration(session=session, name=f"师生{done + len(rows) + 1}", phone=f"139{rng.randint(0, 99_999_999):08d}",
                                             status=status, seq=k + 1, rank=k + 1, code=new_ticket_code(), created_at=at,
                                             confirmed_at=at if k < seated else None,
                                             checked_in_at=starts if status == R.ATTENDED else None))
            Registration.objects.bulk_create(rows, batch_size=BATCH)
        done += len(rows)
    out.write(f"events: {done} registrations")
