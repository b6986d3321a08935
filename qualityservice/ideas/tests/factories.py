"""Rounds and ideas for the tests, made through the app's services and workflow (as the pages make them)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from qualityservice.core.roles import Role
from qualityservice.ideas import services
from qualityservice.ideas.models import Assignment, Criterion, Idea, Round
from qualityservice.ideas.workflows import IDEA
from qualityservice.org.tests.factories import make_user

CRITERIA = [("创新性", 30), ("可行性", 25), ("效益", 30), ("推广价值", 15)]


def make_round(department=None, *, title="2026年度金点子征集", review_days=10, criteria=CRITERIA, **fields) -> Round:
    today = timezone.localdate()
    round_ = Round.objects.create(department=department, title=title, opens_on=today - dt.timedelta(days=30),
                                  closes_on=today + dt.timedelta(days=60), review_days=review_days, **fields)
    for order, (name, weight) in enumerate(criteria):
        Criterion.objects.create(round=round_, name=name, weight=weight, max_score=10, order=order)
    return round_


def make_idea(round_, by, *, title="食堂后厨照明改用LED灯", category="energy", unit="kwh", amount=Decimal(5000), note="",
              coauthors=(), files=(), key=None, at=None) -> Idea:
    idea, _created = services.submit_idea(
        key=key, by=by, round=round_, category=category, title=title, problem="后厨灯管老化，耗电多。", proposal="分区更换LED灯具。",
        benefit_unit=unit, expected_amount=amount if unit != "qualitative" else None,
        expected_note=note or ("更方便" if unit == "qualitative" else ""), coauthors=coauthors, files=files, at=at)
    return idea


def judge(org, name="评委二"):
    return make_user(Role.JUDGE, org.office, name)


def to_review(idea, coordinator, reviewers) -> Idea:
    IDEA.apply(idea, "accept", by=coordinator)
    return IDEA.apply(idea, "assign", by=coordinator, reviewers=list(reviewers))


def score(idea, reviewer, values=(8, 7, 9, 6), comment="可行", reason="", key=None):
    criteria = services.criteria_of(idea.round_id)
    assignment = Assignment.objects.get(idea=idea, reviewer=reviewer)
    sheet, _created = services.submit_scores(
        assignment, by=reviewer, values={c.pk: (Decimal(v) if v is not None else None) for c, v in zip(criteria, values, strict=False)},
        comment=comment, reason=reason, key=key)
    return sheet


def to_implemented(idea, coordinator, reviewer, owner) -> Idea:
    to_review(idea, coordinator, [reviewer])
    score(idea, reviewer)
    IDEA.apply(idea, "adopt", by=coordinator, owner=owner)
    IDEA.apply(idea, "start", by=owner)
    return IDEA.apply(idea, "complete", by=owner)


def measure_kwh(idea, owner, *, before=(1000, 1900), after=(2000, 2800), tariff=Decimal("0.6"), key=None):
    """A measurement over two 30-day periods a year apart, from meter readings."""
    today = timezone.localdate()
    a1 = today - dt.timedelta(days=1)
    a0 = a1 - dt.timedelta(days=29)
    b0, b1 = a0 - dt.timedelta(days=365), a1 - dt.timedelta(days=365)
    measurement, _created = services.record_measurement(
        idea, by=owner, key=key, unit="kwh", baseline_start=b0, baseline_end=b1, after_start=a0, after_end=a1,
        baseline_readings=tuple(Decimal(x) for x in before), after_readings=tuple(Decimal(x) for x in after), tariff=tariff)
    return measurement


def jpeg(name="photo.jpg", size=(40, 30)) -> ContentFile:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buf, format="JPEG")
    return ContentFile(buf.getvalue(), name=name)
