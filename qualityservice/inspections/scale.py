"""Scale data for inspections (``manage.py generate_scale_data --inspections K``): K submitted
inspections over 24 months, across centres, kinds and the active checklists, each with an answer for
every item, its section scores and total computed with the app's own ``scoring.compute_score``, and a
finding (with its rectification events) for each failed item that requires rectification.

Volumes are moderate (the bench asks for one inspection per hundred feedback records), so plain
``bulk_create`` in large batches inside one transaction is fast enough (primary keys come back from
the INSERT … RETURNING on PostgreSQL and SQLite ≥ 3.35)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from qualityservice.org.models import Department, Place, Staff

from . import scoring
from .models import (
    ChecklistTemplate,
    Finding,
    FindingEvent,
    Inspection,
    InspectionAnswer,
    Kind,
    SectionScore,
)

BATCH = 500
KINDS = [Kind.SELF] * 6 + [Kind.SPOT] * 3 + [Kind.UNANNOUNCED]
NOTES = ["地面有积水未及时清理", "工作人员未佩戴工牌", "台账记录不完整", "消毒记录缺失", "物品摆放杂乱", "服务用语不规范"]
SUMMARIES = ["总体情况良好，个别问题已现场指出。", "整改意见已反馈部门负责人。", "检查发现的问题需在一周内整改。"]


# The counts this module generates: `manage.py generate_scale_data --inspections N`.
COUNTS = {"inspections": "inspections to add"}


def generate(out, rng, counts) -> None:
    k = counts.get("inspections", 0)
    if k <= 0:
        return
    templates = []
    for t in ChecklistTemplate.objects.filter(is_active=True).prefetch_related("sections__items"):
        sections = [(s, list(s.items.all())) for s in t.sections.all()]
        if any(items for _s, items in sections):
            templates.append((t, sections))
    centres = list(Department.objects.centres().values_list("pk", flat=True))
    if not templates or not centres:
        return
    places: dict[int, list[int]] = {}
    for pk, dept in Place.objects.filter(is_active=True).exclude(kind=Place.Kind.CAMPUS).values_list("pk", "department_id"):
        places.setdefault(dept, []).append(pk)
    owners: dict[int, list[int]] = {}
    for pk, dept in Staff.objects.filter(is_active=True).values_list("pk", "department_id"):
        owners.setdefault(dept, []).append(pk)
    inspectors = list(Staff.objects.filter(user__isnull=False, role__in=["supervisor", "head"]).values_list("user_id", flat=True)) or [None]
    now = timezone.now()
    done = findings_n = 0
    while done < k:
        n = min(BATCH, k - done)
        with transaction.atomic():
            plans = []
            for _i in range(n):
                template, sections = rng.choice(templates)
                dept = rng.choice(centres)
                submitted = now - dt.timedelta(days=730 * rng.random() ** 1.3, minutes=rng.randint(0, 600))
                answers = {}
                for _section, items in sections:
                    for item in items:
                        if rng.random() < 0.04:
                            answers[item.pk] = ("na", None, "")
                        elif item.answer_type == "score":
                            score = Decimal(max(0, min(item.max_score, round(rng.gauss(0.85, 0.15) * item.max_score))))
                            answers[item.pk] = ("score", score, rng.choice(NOTES) if score < item.max_score * 0.6 else "")
                        elif rng.random() < 0.08:
                            answers[item.pk] = ("fail", None, rng.choice(NOTES))
                        else:
                            answers[item.pk] = ("pass", None, "")
                inputs = [scoring.SectionInput(weight=s.weight, key=s.pk, items=tuple(
                    scoring.ItemInput(weight=i.weight, result=answers[i.pk][0], score=answers[i.pk][1],
                                      max_score=i.max_score if i.answer_type == "score" else 1, critical=i.is_critical, key=i.pk)
                    for i in items)) for s, items in sections]
                result = scoring.compute_score(inputs, template.pass_mark)
                inspection = Inspection(
                    kind=rng.choice(KINDS), template=template, department_id=dept,
                    place_id=rng.choice(places[dept]) if places.get(dept) else None,
                    title=f"{template.name} {timezone.localtime(submitted):%Y-%m-%d}", due_date=timezone.localtime(submitted).date(),
                    status=Inspection.Status.SUBMITTED, inspector_id=rng.choice(inspectors), summary=rng.choice(SUMMARIES),
                    started_at=submitted - dt.timedelta(minutes=rng.randint(20, 90)), submitted_at=submitted,
                    score=result.score, passed=result.passed, pass_mark=template.pass_mark, critical_failed=result.critical_failed,
                )
                plans.append((inspection, sections, answers, result))
            Inspection.objects.bulk_create([p[0] for p in plans], batch_size=BATCH)
            answer_rows, score_rows = [], []
            for inspection, sections, answers, result in plans:
                for section, items in sections:
                    if section.pk in result.section_scores:
                        score_rows.append(SectionScore(inspection=inspection, section=section, dimension=section.dimension,
                                                       score=result.section_scores[section.pk]))
                    for item in items:
                        res, score, note = answers[item.pk]
                        answer_rows.append(InspectionAnswer(inspection=inspection, item=item, result=res, score=score, note=note))
            InspectionAnswer.objects.bulk_create(answer_rows, batch_size=5000)
            SectionScore.objects.bulk_create(score_rows, batch_size=5000)
            by_key = {(a.inspection_id, a.item_id): a for a in answer_rows}
            findings = []
            for inspection, sections, _answers, result in plans:
                failed = set(result.failed_items)
                for section, items in sections:
                    for item in items:
                        if item.pk not in failed or not item.rectification_on_fail:
                            continue
                        answer = by_key[(inspection.pk, item.pk)]
                        age = (now - inspection.submitted_at).days
                        status = Finding.Status.ACCEPTED if age > 21 or rng.random() < 0.4 else rng.choice(
                            [Finding.Status.OPEN, Finding.Status.SUBMITTED, Finding.Status.RETURNED])
                        problem, problem_en = Finding.item_problem(section, item, answer.note or "不符合要求")
                        findings.append(Finding(
                            inspection=inspection, department_id=inspection.department_id, source=Finding.Source.ITEM, answer=answer,
                            problem=problem, problem_en=problem_en, status=status,
                            measure="已安排专人整改并加强日常检查。" if status != Finding.Status.OPEN else "",
                            owner_id=rng.choice(owners[inspection.department_id]) if owners.get(inspection.department_id) else None,
                            deadline=(inspection.submitted_at + dt.timedelta(days=7)).date(),
                            rectified_at=inspection.submitted_at + dt.timedelta(days=3) if status != Finding.Status.OPEN else None,
                            verified_at=inspection.submitted_at + dt.timedelta(days=5) if status == Finding.Status.ACCEPTED else None,
                            verified_by_id=inspection.inspector_id if status == Finding.Status.ACCEPTED else None,
                            created_at=inspection.submitted_at,
                        ))
            Finding.objects.bulk_create(findings, batch_size=5000)
            events = []
            for f in findings:
                events.append(FindingEvent(finding=f, action="found", params={"title": f.inspection.title}, from_status="",
                                           to_status=Finding.Status.OPEN, at=f.created_at))
                if f.rectified_at:
                    events.append(FindingEvent(finding=f, action="answer", from_status=Finding.Status.OPEN,
                                               to_status=Finding.Status.SUBMITTED, note=f.measure, at=f.rectified_at))
                if f.status == Finding.Status.RETURNED:
                    events.append(FindingEvent(finding=f, action="return", from_status=Finding.Status.SUBMITTED,
                                               to_status=Finding.Status.RETURNED, note="整改不到位",
                                               at=f.rectified_at + dt.timedelta(days=1)))
                if f.verified_at:
                    events.append(FindingEvent(finding=f, action="accept", from_status=Finding.Status.SUBMITTED,
                                               to_status=Finding.Status.ACCEPTED, actor_id=f.verified_by_id, at=f.verified_at))
            FindingEvent.objects.bulk_create(events, batch_size=5000)
            findings_n += len(findings)
        done += n
    out.write(f"inspections: {done} submitted inspections with answers, section scores and {findings_n} findings")
