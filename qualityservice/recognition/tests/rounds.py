"""Rounds open for nominations, nominations of staff or collectives, and the live data the vetoes and the
supporting facts read (complaints, praise, badge ratings, inspections), built through the owning apps' own
functions."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from qualityservice.recognition import services
from qualityservice.recognition.models import Round


def nominating_round(org, *, kind=Round.Kind.SERVICE_STAR, quotas=None, title="2026年度服务明星评选", **extra) -> Round:
    """A round open for nominations over this year, 物业 and 饮食 allowed 3 nominations each by default."""
    year = timezone.localdate().year
    quotas = quotas if quotas is not None else {str(org.wuye.pk): 3, str(org.yinshi.pk): 3}
    rnd, _created = services.create_round(key=None, by=org.supervisor, title=title, kind=kind, quotas=quotas,
                                          period_start=dt.date(year, 1, 1), period_end=dt.date(year, 12, 31), **extra)
    return services.move_round(rnd, "open_nominations", by=org.supervisor)


def nominate(org, rnd, *, staff=None, collective=None, department=None, by=None, title="服务之星推荐", submit=True, **extra):
    department = department or (collective.parent if collective is not None and collective.kind == "team" else collective) or (
        staff.department if staff is not None else org.wuye)
    by = by or (org.head_wuye if department == org.wuye else org.head_yinshi)
    nomination, _created = services.create_nomination(key=None, by=by, department=department, title=title, round=rnd,
                                                      staff=staff, collective=collective, **extra)
    if submit:
        services.move(nomination, "submit", by=by)
    return nomination


def complaint_about(org, staff, *, title="服务态度差", resolve=True):
    """A complaint about ``staff``, answered as valid (replied and resolved) when ``resolve``."""
    from qualityservice.feedback.tests.factories import make_feedback
    from qualityservice.feedback.workflows import FEEDBACK

    feedback = make_feedback(org, department=staff.department, staff=staff, title=title)
    if resolve:
        FEEDBACK.apply(feedback, "resolve", system=True, note="经核实情况属实，已批评教育。")
    return feedback


def praise_for(org, staff, title="感谢热心帮助"):
    from qualityservice.feedback.models import Kind
    from qualityservice.feedback.tests.factories import make_feedback

    return make_feedback(org, kind=Kind.PRAISE, department=staff.department, staff=staff, title=title)


def failed_critical_inspection(org, department):
    """A submitted inspection of ``department`` that failed a critical item."""
    from qualityservice.inspections import services as inspections
    from qualityservice.inspections.tests.helpers import answer_all, items_of, make_inspection

    inspection = make_inspection(department, inspector=org.supervisor, title="六查六看督查")
    critical = next(i for i in items_of(inspection.template) if i.is_critical and not i.is_scored)
    answer_all(inspection, org.supervisor, fail={critical.pk})
    inspections.submit_inspection(inspection, org.supervisor)
    return inspection, critical
