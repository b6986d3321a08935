"""Demo data for surveys: the shipped templates, three rounds of the annual satisfaction survey
(2025, spring and autumn 2026: a trend), a SERVQUAL survey and an NPS survey by tokens, with
thousands of responses written by bulk_create. Idempotent: surveys are found by title."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from qualityservice.org.models import Department, Place

from . import answering, building, counters, index
from .models import Answer, Participation, Question, Response, Survey, SurveyStatusLog, Token
from .templates_data import install_templates

TZ = ZoneInfo("Asia/Shanghai")
BASE_MEANS = {"yinshi": 3.7, "gongyu": 3.5, "weixiu": 3.2, "wuye": 3.9, "jiaotong": 3.6, "shangmao": 3.8}
COMMENTS = [
    "食堂饭菜价格可以再便宜一些，希望增加清淡菜品。", "宿舍热水供应时间太短，晚上十一点后就没有热水了。",
    "维修师傅很负责，一次就修好了，点赞！", "校车早高峰太挤，建议增加班次。", "二餐厅打饭阿姨态度很好，谢谢！",
    "图书馆卫生间有时没有纸巾。", "报修后等了三天才有人来，希望加快响应。", "超市营业时间能否延长到晚上十一点？",
    "公寓楼道灯坏了好几天，希望尽快修理。", "食堂排队时间长，建议增加窗口。", "物业阿姨每天打扫很认真，楼里很干净。",
    "希望食堂提供更多夜宵选择。", "洗衣机经常坏，希望增加维护频次。", "校园绿化很好，环境优美。",
    "校车司机开车很稳，很有安全感。", "建议开通网上报修进度查询。",
]
ROUNDS = [
    # title, period, open date, close date, responses, status, trend shift, ask place
    ("2025年度后勤服务满意度调查", "2025", datetime(2025, 12, 1, tzinfo=TZ), datetime(2025, 12, 21, tzinfo=TZ), 1400, "closed", 0.0, False),
    ("2026年春季后勤服务满意度调查", "2026", datetime(2026, 5, 6, tzinfo=TZ), datetime(2026, 5, 27, tzinfo=TZ), 1300, "closed", 0.15, True),
    ("2026年秋季后勤服务满意度调查", "2026", datetime(2026, 11, 10, tzinfo=TZ), datetime(2026, 12, 20, tzinfo=TZ), 900, "open", 0.3, True),
]
TYPES = ["student"] * 7 + ["teacher"] * 2 + ["staff"]


def _rating(rng, mean) -> int:
    return max(1, min(5, round(rng.gauss(mean, 0.9))))


def _nps(rng, shift=0.0) -> int:
    return max(0, min(10, round(rng.gauss(7.6 + shift, 1.9))))


def _new_survey(template: Survey, title: str, period: str, opens, closes, status, admin, **extra) -> Survey:
    # A past round is created open or closed (a creation, not a move); its status log is written backdated.
    survey = building.copy_survey(template, admin, title=title, period=period, opens_at=opens, closes_at=closes,
                                  status=status, **extra)
    log_at = opens
    SurveyStatusLog.objects.create(survey=survey, from_status="draft", to_status="open", by=admin, at=log_at)
    if status == "closed":
        SurveyStatusLog.objects.create(survey=survey, from_status="open", to_status="closed", by=admin, at=closes)
    return survey


def _responses(survey, rng, count, opens, until, places):
    span = max(1, int((until - opens).total_seconds()))
    rows = []
    for _ in range(count):
        # More answers in the first days after the link goes out.
        at = opens + timedelta(seconds=int(span * rng.random() ** 1.8))
        rows.append(Response(survey=survey, status=Response.Status.SUBMITTED, respondent_type=rng.choice(TYPES),
                             place_id=rng.choice(places) if places else None, started_at=at - timedelta(minutes=rng.randint(2, 9)),
                             submitted_at=at, language="zh-hans"))
    return Response.objects.bulk_create(rows, batch_size=1000)


def _answers_for(question_list, response, rng, shift, codes):
    out = []
    answered = {}
    for q in question_list:
        if q.show_if_question_id:
            if answered.get(q.show_if_question_id) not in q.show_if_values:
                continue
        code = codes.get(q.department_id)
        mean = BASE_MEANS.get(code, 3.8) + shift + (0.2 if response.respondent_type == "teacher" else 0)
        if q.kind == Question.Kind.RATING:
            value = _rating(rng, mean)
            out.append(Answer(response=response, question=q, number=value))
            answered[q.pk] = value
        elif q.kind == Question.Kind.MATRIX:
            if q.servqual_part == "expectation":
                mean = 4.5
            elif q.servqual_part == "perception":
                mean = {"tangibles": 3.9, "reliability": 3.4, "responsiveness": 3.3, "assurance": 3.8, "empathy": 3.5}[q.servqual_dimension]
            if not q.required and rng.random() < 0.1:
                continue
            for o in q.option_list:
                out.append(Answer(response=response, question=q, item=o.value, number=_rating(rng, mean + rng.uniform(-0.3, 0.3))))
        elif q.kind == Question.Kind.NPS:
            value = _nps(rng, shift)
            out.append(Answer(response=response, question=q, number=value))
            answered[q.pk] = value
        elif q.kind == Question.Kind.SINGLE:
            if len(q.option_list) == 2:  # gate "yes/no"
                value = 1 if rng.random() < 0.6 else 2
            else:
                value = rng.choices([o.value for o in q.option_list], weights=[6, 2, 1, 3][: len(q.option_list)] or None)[0]
            out.append(Answer(response=response, question=q, number=value))
            answered[q.pk] = value
        elif q.kind == Question.Kind.MULTIPLE:
            for o in q.option_list:
                if rng.random() < 0.3:
                    out.append(Answer(response=response, question=q, item=o.value, number=o.value))
        elif q.kind == Question.Kind.TEXT and rng.random() < 0.12:
            out.append(Answer(response=response, question=q, text=rng.choice(COMMENTS)))
    return out


def _fill(survey, rng, count, until, shift=0.0, places=()):
    loaded = answering.SurveyForm.load(survey)
    questions = loaded.ordered()
    codes = dict(Department.objects.values_list("pk", "code"))
    responses = _responses(survey, rng, count, survey.opens_at, until, list(places))
    batch = []
    for response in responses:
        batch.extend(_answers_for(questions, response, rng, shift, codes))
        if len(batch) > 5000:
            Answer.objects.bulk_create(batch)
            batch = []
    Answer.objects.bulk_create(batch)


def seed(out=None, rng: random.Random | None = None) -> None:
    rng = rng or random.Random(2026)
    install_templates()
    if Survey.objects.filter(title=ROUNDS[0][0]).exists():
        return
    admin = get_user_model().objects.filter(username="supervisor").first()
    annual = Survey.objects.get(template_key="logistics-annual")
    places = list(Place.objects.exclude(kind=Place.Kind.CAMPUS).values_list("pk", flat=True))
    now = timezone.now()
    created = []
    for title, period, opens, closes, count, status, shift, ask_place in ROUNDS:
        survey = _new_survey(annual, title, period, opens, closes, status, admin, ask_place=ask_place,
                             target_responses=3000 if status == "open" else None)
        until = min(closes, now) if status == "open" else closes
        if until <= opens:
            until = opens + timedelta(days=3)
        _fill(survey, rng, count, until, shift, places if ask_place else ())
        created.append(survey)
    servqual = _new_survey(Survey.objects.get(template_key="servqual"), "2026年后勤服务质量SERVQUAL评价", "2026",
                           datetime(2026, 10, 8, tzinfo=TZ), datetime(2026, 12, 31, tzinfo=TZ), "open", admin, target_responses=600)
    _fill(servqual, rng, 420, min(now, servqual.closes_at), 0.0)
    nps = _new_survey(Survey.objects.get(template_key="nps"), "2026年后勤服务推荐度调查（教职工）", "2026",
                      datetime(2026, 9, 15, tzinfo=TZ), datetime(2026, 12, 31, tzinfo=TZ), "open", admin,
                      audience=Survey.Audience.TOKEN, target_responses=500)
    answering.issue_tokens(nps, 500, "教职工邮件2026-09", [])
    _fill(nps, rng, 310, min(now, nps.closes_at), 0.0)
    used = list(Token.objects.filter(survey=nps).order_by("pk").values_list("pk", flat=True)[:310])
    Token.objects.filter(pk__in=used).update(used_at=now)
    Participation.objects.bulk_create([Participation(survey=nps, person=f"t:{pk}") for pk in used])
    created += [servqual, nps]
    for survey in created:
        counters.rebuild_results(survey)  # answers were bulk-created without the counters
    index.refresh_satisfaction_index(surveys=created)
    if out is not None:
        out.write(f"  surveys: {len(created)} surveys, {Response.objects.count()} responses, {Answer.objects.count()} answers")
