"""Demo data: a year of inspections across the departments (六查六看 self-checks every month, spot checks,
unannounced visits with the kitchen and dormitory checklists, supervision visits to university offices),
realistic failures and their rectifications, schedules and 大讨论 records. Bulk-created; idempotent."""

from __future__ import annotations

import datetime
import random
import uuid
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from qualityservice.core.roles import Role
from qualityservice.org.models import Department, Place, Staff

from . import scoring
from .checklists import install
from .models import (
    ChecklistItem,
    ChecklistSection,
    ChecklistTemplate,
    DiscussionRecord,
    Finding,
    FindingEvent,
    Inspection,
    InspectionAnswer,
    InspectionSchedule,
    Kind,
    Opinion,
    Result,
    SectionScore,
)

NAMESPACE = uuid.UUID("5b0f4a52-9a7e-4f0c-93a1-6f1b2c3d4e5f")
MARKER = uuid.uuid5(NAMESPACE, "inspections-demo-v1").hex  # as the migration 0004 converted it

FAIL_NOTES = {
    "skill": ["新入职员工对操作规程不熟悉，答不出岗位职责要点", "健康证已过期两周未及时换证", "消毒机操作步骤不规范", "对报修流程解答不清楚"],
    "attitude": ["学生询问时员工低头玩手机，态度冷淡", "师生咨询非本岗位事项时回答“不归我管”", "对投诉学生解释不耐心，语气生硬"],
    "environment": ["楼道地面有积水，垃圾未及时清运", "操作间墙角有油污积垢", "工具杂物堆放在通道内", "公示栏破损，标识不清"],
    "workflow": ["服务时间调整后未及时公示", "报修登记台账有两单超出承诺时限未办结", "办理退宿需往返三个窗口，师生多跑路"],
    "appearance": ["两名员工未佩戴工号牌", "工作服不统一，有员工穿拖鞋上岗", "操作人员未戴工作帽"],
    "language": ["接听服务电话未首句问候、未报部门", "员工对学生说“急什么”，属服务忌语", "窗口服务未使用文明用语"],
    "other": ["留样记录不完整，缺少当日午餐留样", "生熟砧板混用", "消防通道堆放自行车", "值班记录缺少夜间交接签字"],
}
MEASURES = {
    "skill": "组织岗位操作规程专题培训并考核，班组长每周抽问", "attitude": "召开班组会通报批评，落实首问负责制，纳入月度考核",
    "environment": "调整保洁频次为每两小时一次，班组长每日巡查并拍照留档", "workflow": "重新梳理办事流程并公示，实行一次告知、限时办结",
    "appearance": "重申着装和挂牌上岗要求，上岗前由班组长检查", "language": "组织文明用语和服务忌语学习，开展情景演练",
    "other": "完善制度并指定专人负责，每日检查记录",
}
OFFICES = [("教务处", "王老师"), ("学生工作处", "李老师"), ("校团委", "张老师"), ("研究生院", "赵老师"), ("国际合作与交流处", "刘老师"),
           ("校医院", "陈医生")]
OPINIONS = [
    "晚自习后食堂供应品种偏少，希望增加夜宵窗口", "研究生公寓热水供应时间希望延长到晚上十一点", "教学楼卫生间保洁不够及时",
    "报修后维修人员上门时间不固定，希望提前电话联系", "班车发车时间调整应提前一周通知", "留学生对食堂菜品的标识看不懂，建议中英文标注",
    "考试周期间希望图书馆周边保持安静、暂停绿化作业", "学生反映超市部分商品价格偏高",
]
DISCUSSIONS = [
    "围绕“优质服务我应该做什么”，中心主任传达了集团“优质服务年”活动方案。大家一致认为，服务态度是师生感受最直接的地方，"
    "要从“要我服务”转变为“我要服务”。\n班组长发言：落实首问负责制，师生问到的事情不推诿，不归自己管的要带到或告知办理部门。\n"
    "员工代表发言：窗口服务做到“来有迎声、问有答声、走有送声”，坚决杜绝服务忌语。\n会议形成三条整改措施，由各班组本周内落实。",
    "结合岗位查找差距。大家对照“六查六看”逐条自查：部分员工对操作规程不熟、个别区域卫生有死角、报修回访不及时。\n"
    "讨论认为，优质服务首先要把本职工作做细做实：保洁做到边角、维修准时上门、窗口主动问候。\n"
    "会议决定每月组织一次岗位技能培训，每周开展一次班组互查，问题纳入整改台账。",
    "讨论如何改变服务方式、方便师生。大家提出推行预约服务、延时服务和上门服务，在公示栏和网站公布服务电话、投诉电话和办事流程，"
    "主动接受师生监督。\n有员工建议在考试周、开学季等高峰期增加人手，设置临时服务点。\n会议明确由办公室汇总建议，报集团备案。",
    "以“我为师生办实事”为题开展讨论。老员工分享了多年来热情服务、获得师生表扬的经历，新员工谈了入职以来的体会和不足。\n"
    "大家认为：优质服务体现在细节，一句问候、一次回访都能让师生感受到温暖。\n会后各班组结合讨论修订了岗位服务规范。",
]


def _users_by_department():
    heads = {}
    for s in Staff.objects.filter(role=Role.HEAD, user__isnull=False).select_related("user"):
        heads.setdefault(s.department_id, s.user)
    staff = {}
    for pk, dept, name in Staff.objects.filter(is_active=True).values_list("pk", "department_id", "name"):
        staff.setdefault(dept, []).append((pk, name))
    return heads, staff


def _at(day: datetime.date, rng: random.Random, hour_from=9, hour_to=17) -> datetime.datetime:
    naive = datetime.datetime.combine(day, datetime.time(rng.randint(hour_from, hour_to - 1), rng.randint(0, 59)))
    return timezone.make_aware(naive)


def seed(out=None, rng: random.Random | None = None) -> None:
    rng = rng or random.Random(2026)
    if Inspection.objects.filter(submission_key=MARKER).exists():
        return
    install(ChecklistTemplate, ChecklistSection, ChecklistItem)
    templates = {t.code: t for t in ChecklistTemplate.objects.filter(code__in=["six-checks", "kitchen-hygiene", "dormitory"])}
    structure = {
        code: list(ChecklistSection.objects.filter(template=t).order_by("order").prefetch_related("items")) for code, t in templates.items()
    }
    departments = list(Department.objects.filter(kind=Department.Kind.CENTRE, is_active=True).order_by("sort_order", "pk"))
    if not departments:
        return
    User = get_user_model()
    supervisor = User.objects.filter(staff__role=Role.SUPERVISOR).order_by("pk").first()
    heads, staff_ids = _users_by_department()
    places = {}
    for place in Place.objects.exclude(kind=Place.Kind.CAMPUS).exclude(department__isnull=True):
        places.setdefault(place.department_id, []).append(place)
    today = timezone.localdate()
    start = today - datetime.timedelta(days=365)
    quality = {d.pk: rng.uniform(0.05, 0.15) for d in departments}

    plans = []  # (kind, template code or None, department, due date, inspector)
    for d in departments:
        for m in range(12):
            due = start + datetime.timedelta(days=30 * m + rng.randint(3, 20))
            if due < today:
                plans.append((Kind.SELF, "six-checks", d, due, heads.get(d.pk) or supervisor))
            if m % 2 == 1 and due + datetime.timedelta(days=7) < today:
                plans.append((Kind.SPOT, "six-checks", d, due + datetime.timedelta(days=7), supervisor))
        if d.code in ("yinshi", "gongyu", "wuye"):
            code = {"yinshi": "kitchen-hygiene", "gongyu": "dormitory", "wuye": "dormitory"}[d.code]
            for q in range(4):
                plans.append((Kind.UNANNOUNCED, code, d, start + datetime.timedelta(days=90 * q + rng.randint(10, 60)), supervisor))
    visits = []
    for n, (office, person) in enumerate(OFFICES):
        visits.append((rng.choice(departments), start + datetime.timedelta(days=55 * n + rng.randint(5, 30)), office, person))

    inspections = []
    answer_plan = []
    for n, (kind, code, dept, due, inspector) in enumerate(plans):
        progress = (due - start).days / 365
        p_fail = quality[dept.pk] * (1.5 - 0.9 * progress)
        missed = kind == Kind.SELF and rng.random() < 0.04
        place = rng.choice(places[dept.pk]) if places.get(dept.pk) else None
        title = {Kind.SELF: f"{due:%Y年%m月}六查六看自查", Kind.SPOT: f"{due:%Y年%m月}集团六查六看抽查",
                 Kind.UNANNOUNCED: f"{due:%Y年%m月}暗访·{templates[code].name}"}[kind]
        inspection = Inspection(
            kind=kind, template=templates[code], department=dept, place=place, title=title, due_date=due, inspector=inspector,
            pass_mark=templates[code].pass_mark, submission_key=MARKER if n == 0 else uuid.uuid5(NAMESPACE, f"demo-{n}").hex,
        )
        if missed:
            inspection.status = Inspection.Status.MISSED
            inspections.append(inspection)
            answer_plan.append(None)
            continue
        answers = {}
        for section in structure[code]:
            for item in section.items.all():
                r = rng.random()
                if r < 0.04:
                    answers[item.pk] = (Result.NA, None, "")
                elif item.is_scored:
                    score = Decimal(max(0, min(item.max_score, round(rng.gauss(item.max_score * (0.92 - p_fail), item.max_score * 0.12)))))
                    failed = score < item.max_score * 0.6
                    answers[item.pk] = (Result.SCORE, score, rng.choice(FAIL_NOTES[section.dimension]) if failed else "")
                elif r < 0.04 + p_fail * (0.4 if item.is_critical else 1):
                    answers[item.pk] = (Result.FAIL, None, rng.choice(FAIL_NOTES[section.dimension]))
                else:
                    answers[item.pk] = (Result.PASS, None, "")
        result = scoring.compute_score(
            [scoring.SectionInput(weight=s.weight, key=s.pk, items=tuple(
                scoring.ItemInput(weight=i.weight, result=answers[i.pk][0], score=answers[i.pk][1],
                                  max_score=i.max_score if i.is_scored else 1, critical=i.is_critical, key=i.pk)
                for i in s.items.all())) for s in structure[code]],
            pass_mark=inspection.pass_mark,
        )
        submitted = _at(due, rng)
        inspection.status = Inspection.Status.SUBMITTED
        inspection.started_at = submitted - datetime.timedelta(minutes=rng.randint(20, 70))
        inspection.submitted_at = submitted
        inspection.score, inspection.passed, inspection.critical_failed = result.score, result.passed, result.critical_failed
        # What the inspector types on submitting (free text, in Chinese): where exactly they looked.
        inspection.location = f"{place.name}现场" if place else f"{dept.name}办公区"
        inspections.append(inspection)
        answer_plan.append((code, answers, result))
    for n, (dept, due, office, person) in enumerate(visits):
        inspections.append(Inspection(
            kind=Kind.VISIT, department=dept, title=f"走访{office}征求意见", visited_office=office, due_date=due, inspector=supervisor,
            status=Inspection.Status.SUBMITTED, started_at=_at(due, rng, 9, 10), submitted_at=_at(due, rng, 10, 12),
            location=office, submission_key=uuid.uuid5(NAMESPACE, f"demo-visit-{n}").hex, summary=f"集团质量督查组会同{dept.name}走访{office}。",
        ))
        answer_plan.append(("visit", person, None))
    # Upcoming work: due inspections of monthly schedules.
    schedules = []
    for d in departments:
        schedules.append(InspectionSchedule(title=f"{d.name}月度六查六看自查", kind=Kind.SELF, template=templates["six-checks"], department=d,
                                            recurrence=InspectionSchedule.Recurrence.MONTHLY, start_date=today.replace(day=1) + datetime.timedelta(days=27),
                                            created_by=supervisor))
    InspectionSchedule.objects.bulk_create(schedules)
    for s in schedules:
        inspections.append(Inspection(kind=Kind.SELF, template=templates["six-checks"], department=s.department, schedule=s, title=s.title,
                                      due_date=s.start_date, pass_mark=templates["six-checks"].pass_mark))
        answer_plan.append(None)
    Inspection.objects.bulk_create(inspections, batch_size=500)

    answers_rows, section_rows, opinions = [], [], []
    for inspection, plan in zip(inspections, answer_plan, strict=True):
        if plan is None:
            continue
        code, answers, result = plan
        if code == "visit":
            for text in rng.sample(OPINIONS, rng.randint(2, 3)):
                opinions.append(Opinion(inspection=inspection, given_by=f"{inspection.visited_office}{answers}", content=text,
                                        needs_rectification=rng.random() < 0.8))
            continue
        for item_pk, (res, score, note) in answers.items():
            answers_rows.append(InspectionAnswer(inspection=inspection, item_id=item_pk, result=res, score=score, note=note))
        for section in structure[code]:
            if section.pk in result.section_scores:
                section_rows.append(SectionScore(inspection=inspection, section=section, dimension=section.dimension,
                                                 score=result.section_scores[section.pk]))
    InspectionAnswer.objects.bulk_create(answers_rows, batch_size=1000)
    SectionScore.objects.bulk_create(section_rows, batch_size=1000)
    Opinion.objects.bulk_create(opinions, batch_size=500)

    # Findings and their rectification, in states that fit their age.
    items = {i.pk: i for i in ChecklistItem.objects.select_related("section")}
    findings, histories = [], []
    days = 7
    for answer in answers_rows:
        item = items[answer.item_id]
        failed = answer.result == Result.FAIL or (answer.result == Result.SCORE and answer.score < item.max_score * Decimal("0.6"))
        if not failed:
            continue
        findings.append(_finding(answer.inspection, Finding.Source.ITEM, Finding.item_problem(item.section, item, answer.note),
                                 item.rectification_on_fail, item.section.dimension, today, days, rng, staff_ids, supervisor, histories,
                                 answer=answer))
    for opinion in opinions:
        findings.append(_finding(opinion.inspection, Finding.Source.OPINION, (f"{opinion.given_by}：{opinion.content}", ""),
                                 opinion.needs_rectification, "workflow", today, days, rng, staff_ids, supervisor, histories, opinion=opinion))
    Finding.objects.bulk_create(findings, batch_size=1000)
    FindingEvent.objects.bulk_create([FindingEvent(finding=f, **kw) for f, kw in histories], batch_size=1000)

    records = []
    for d in departments:
        for n, month in enumerate((3, 6)):
            held = start + datetime.timedelta(days=30 * month + rng.randint(0, 10))
            if held > today:
                continue
            head = heads.get(d.pk)
            records.append(DiscussionRecord(
                department=d, held_on=held, participants=f"{d.name}领导班子、各班组长及员工代表共{rng.randint(15, 60)}人",
                summary=DISCUSSIONS[(n + d.pk) % len(DISCUSSIONS)], created_by=head, created_at=_at(held, rng, 15, 18),
                submission_key=uuid.uuid5(NAMESPACE, f"demo-discussion-{d.pk}-{n}").hex,
            ))
    DiscussionRecord.objects.bulk_create(records)
    if out is not None:
        out.write(f"inspections: {len(inspections)} inspections, {len(answers_rows)} answers, {len(findings)} findings, "
                  f"{len(records)} discussion records")


def _finding(inspection, source, problem, needs, dimension, today, days, rng, staff_ids, supervisor, histories, answer=None, opinion=None):
    found = inspection.submitted_at
    deadline = timezone.localtime(found).date() + datetime.timedelta(days=days)
    problem, problem_en = problem
    f = Finding(inspection=inspection, department_id=inspection.department_id, source=source, answer=answer, opinion=opinion,
                problem=problem[:500], problem_en=problem_en[:500], created_at=found)
    histories.append((f, {"action": "found", "params": {"title": inspection.title}, "from_status": "",
                          "to_status": Finding.Status.OPEN if needs else Finding.Status.NOTED, "actor": supervisor, "at": found}))
    if not needs:
        f.status = Finding.Status.NOTED
        return f
    f.deadline = deadline
    age = (today - deadline).days
    owners = staff_ids.get(inspection.department_id) or [(None, "—")]
    roll = rng.random()
    if age < -3 or (age < 10 and roll < 0.35) or (age >= 10 and roll < 0.04):
        f.status = Finding.Status.OPEN  # recent, or (rarely) forgotten and overdue
        if age > 0:
            f.escalated_at = timezone.make_aware(datetime.datetime.combine(deadline + datetime.timedelta(days=1), datetime.time(9)))
        return f
    rectified = found + datetime.timedelta(days=rng.randint(1, days + (3 if rng.random() < 0.15 else 0)))
    f.measure = MEASURES.get(dimension, MEASURES["other"])
    f.owner_id, owner = rng.choice(owners)
    f.rectified_at = rectified
    histories.append((f, {"action": "answer", "from_status": Finding.Status.OPEN, "to_status": Finding.Status.SUBMITTED, "actor": None,
                          "at": rectified, "note": "", "params": {"owner": owner, "owner_id": f.owner_id,
                                                                  "deadline": deadline.isoformat()}}))
    if age < 2 and roll < 0.6:
        f.status = Finding.Status.SUBMITTED
        return f
    verified = rectified + datetime.timedelta(days=rng.randint(1, 4))
    f.status = Finding.Status.ACCEPTED
    f.verified_by = supervisor
    f.verified_at = verified
    histories.append((f, {"action": "accept", "from_status": Finding.Status.SUBMITTED, "to_status": Finding.Status.ACCEPTED,
                          "actor": supervisor, "at": verified, "note": ""}))
    return f
