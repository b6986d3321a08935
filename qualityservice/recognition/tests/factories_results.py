"""A round with a rubric, a jury and nominations, moved to the stage a test needs."""

from __future__ import annotations

import itertools
from decimal import Decimal

from qualityservice.core.roles import Role
from qualityservice.org.tests.factories import make_user
from qualityservice.recognition import jury, services

from .factories import voter, voting_round

_n = itertools.count(1)

CRITERIA = (("attitude", "服务态度", Decimal(6)), ("skill", "业务技能", Decimal(4)))


def add_rubric(rnd, criteria=CRITERIA):
    for i, (code, name, weight) in enumerate(criteria):
        jury.save_criterion(rnd, code=code, name=name, name_en=code.title(), weight=weight, min_score=Decimal(0),
                            max_score=Decimal(10), step=Decimal("0.5"), order=i)


def judge(department, name=None):
    return make_user(Role.JUDGE, department, name or f"评委{next(_n)}")


def round_with_jury(org, *, nominees=3, k=2, judges=3, votes=(), **extra):
    """A round in the vote with a rubric and ``judges`` judges of 集团办公室 (no conflict); ``votes``: one list of
    nominee indexes per ballot. Returns (round, nominations, jury members)."""
    rnd, nominations = voting_round(org, nominees=nominees, k=k, **extra)
    add_rubric(rnd)
    members = [jury.appoint(rnd, judge(org.office), by=org.supervisor) for _ in range(judges)]
    for choice in votes:
        services.cast_ballot(rnd, voter(), [nominations[i].pk for i in choice])
    return rnd, nominations, members


def score(member, nominations, values_by_nominee, *, confirm=True):
    """``values_by_nominee``: per nominee index, (attitude, skill)."""
    sheet = member.sheet
    data = {}
    for i, (attitude, skill) in values_by_nominee.items():
        data[jury.field_name(nominations[i].pk, "attitude")] = str(attitude)
        data[jury.field_name(nominations[i].pk, "skill")] = str(skill)
    jury.save_scores(sheet, data, by=member.user)
    if confirm:
        jury.confirm(sheet, by=member.user)
    return sheet
