"""Rounds with nominations on the ballot, and member voters."""

import datetime as dt
import itertools

from qualityservice.members.tests.factories import make_member
from qualityservice.recognition import services
from qualityservice.recognition.models import Round

_numbers = itertools.count(1)


def voting_round(org, *, nominees=3, k=2, **extra) -> tuple[Round, list]:
    """A round in the vote with ``nominees`` nominations of 物业 that passed the review."""
    rnd, _created = services.create_round(key=None, by=org.supervisor, title="2026年度服务明星", kind=Round.Kind.SERVICE_STAR,
                                          period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31),
                                          choices_per_ballot=k, **extra)
    services.move_round(rnd, "open_nominations", by=org.supervisor)
    nominations = []
    for i in range(nominees):
        nomination, _created = services.create_nomination(key=None, by=org.head_wuye, department=org.wuye,
                                                          title=f"候选人{i + 1}")
        nomination.round = rnd
        nomination.save(update_fields=["round"])
        services.move(nomination, "submit", by=org.head_wuye)
        nominations.append(nomination)
    services.move_round(rnd, "review", by=org.supervisor)
    services.move_round(rnd, "open_vote", by=org.supervisor)
    rnd.refresh_from_db()
    return rnd, nominations


def voter(**extra):
    n = next(_numbers)
    return make_member(number=f"2026{n:05d}", phone=f"139{n:08d}", **extra).user
