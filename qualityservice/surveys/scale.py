"""Scale data for surveys (``manage.py generate_scale_data --responses M``): one open, anonymous
satisfaction survey of nine questions (five department ratings, a three-item matrix, an optional single
choice, an NPS score and an optional comment: ten answers per response on average) receiving about
M / 10 submitted responses with their M answers,
spread over the last 60 days; the stored result counters are then rebuilt and the satisfaction index
refreshed with the app's own functions.
Run again to add more responses to the same survey.

Speed: precomputed primary keys, rows written per chunk with ``COPY … FROM STDIN`` on PostgreSQL and
``executemany`` on SQLite (see qualityservice/feedback/scale.py for the same technique).
"""

from __future__ import annotations

import datetime as dt
import time

from django.db import connection, transaction
from django.utils import timezone

from qualityservice.org.models import Department, Place

from .models import Answer, Option, Question, Response, Section, Survey, SurveyStatusLog

TITLE = "规模测试：后勤服务满意度调查"
CHUNK_RESPONSES = 5_000
UTC = dt.UTC
RATED = ["yinshi", "gongyu", "weixiu", "wuye", "jiaotong"]
BASE_MEANS = {"yinshi": 3.7, "gongyu": 3.5, "weixiu": 3.2, "wuye": 3.9, "jiaotong": 3.6}
COMMENTS = [
    "食堂饭菜价格可以再便宜一些。", "宿舍热水供应时间太短。", "维修师傅很负责，一次就修好了。", "校车早高峰太挤，建议增加班次。",
    "物业阿姨每天打扫很认真。", "希望食堂提供更多夜宵选择。", "报修后等了三天才有人来。", "校园环境优美，绿化很好。",
]
TYPES = ["student"] * 7 + ["teacher"] * 2 + ["staff"]


def bench_survey() -> Survey:
    """The survey the benchmark answers (created once, open, anyone with the link, anonymous)."""
    survey = Survey.objects.filter(title=TITLE, is_template=False).first()
    if survey is not None:
        return survey
    depts = dict(Department.objects.values_list("code", "pk"))
    names = dict(Department.objects.values_list("code", "name"))
    with transaction.atomic():
        survey = Survey.objects.create(
            title=TITLE, title_en="Scale test: satisfaction with logistics services", kind=Survey.Kind.SATISFACTION,
            description="请根据最近一个学期的体验作答，约需两分钟。", status=Survey.Status.OPEN, audience=Survey.Audience.ANYONE,
            anonymous=True, ask_respondent_type=True, ask_place=False, period=str(timezone.localdate().year),
            opens_at=timezone.now() - dt.timedelta(days=61),
        )
        SurveyStatusLog.objects.create(survey=survey, from_status="draft", to_status="open", at=survey.opens_at)
        s1 = Section.objects.create(survey=survey, order=1, title="各部门服务满意度", title_en="Departments")
        s2 = Section.objects.create(survey=survey, order=2, title="总体评价", title_en="Overall")
        order = 0
        for code in RATED:
            order += 1
            Question.objects.create(survey=survey, section=s1, order=order, kind=Question.Kind.RATING, department_id=depts.get(code),
                                    department_code=code, text=f"您对{names.get(code, code)}的服务总体满意吗？")
        matrix = Question.objects.create(survey=survey, section=s2, order=1, kind=Question.Kind.MATRIX, text="请评价以下方面",
                                         department_id=depts.get("wuye"), department_code="wuye")
        single = Question.objects.create(survey=survey, section=s2, order=2, kind=Question.Kind.SINGLE, required=False,
                                         text="您最常使用哪项服务？")
        Question.objects.create(survey=survey, section=s2, order=3, kind=Question.Kind.NPS, text="您有多大可能向同学推荐后勤服务？")
        Question.objects.create(survey=survey, section=s2, order=4, kind=Question.Kind.TEXT, required=False, text="其他意见和建议")
        Option.objects.bulk_create(
            [Option(question=matrix, value=i, text=t) for i, t in enumerate(["环境卫生", "服务态度", "响应速度"], 1)]
            + [Option(question=single, value=i, text=t) for i, t in enumerate(["餐饮", "公寓", "维修", "校车"], 1)]
        )
    return survey


def _ts(seconds: float, pg: bool) -> str:
    text = dt.datetime.fromtimestamp(int(seconds), UTC).replace(tzinfo=None).isoformat(" ")
    return text + "+00" if pg else text


def _write(table: str, columns: list[str], rows: list[tuple], pg: bool) -> None:
    with connection.cursor() as cursor:
        if pg:
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def _columns(model, provided: dict[str, str]) -> tuple[list[str], tuple]:
    """Columns we write plus every other concrete field with its default (robust to added fields)."""
    cols, extra = list(provided.values()), []
    for f in model._meta.concrete_fields:
        if f.name in provided:
            continue
        cols.append(f.column)
        value = f.get_default() if f.has_default() else (None if f.null else "")
        extra.append(f.get_db_prep_save(value, connection))
    return cols, tuple(extra)


def _next_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")
        return cursor.fetchone()[0] + 1


# The counts this module generates: `manage.py generate_scale_data --responses N`.
COUNTS = {"responses": "survey answers to add (about 10 per response)"}


def generate(out, rng, counts) -> None:
    m = counts.get("responses", 0)
    if m <= 0:
        return
    started = time.perf_counter()
    pg = connection.vendor == "postgresql"
    survey = bench_survey()
    questions = list(survey.questions.order_by("section__order", "order").prefetch_related("options"))
    codes = dict(Department.objects.values_list("pk", "code"))
    places = list(Place.objects.filter(is_active=True).exclude(kind=Place.Kind.CAMPUS).values_list("pk", flat=True))
    r_fields = {"id": "id", "survey": "survey_id", "status": "status", "respondent_type": "respondent_type", "place": "place_id",
                "language": "language", "started_at": "started_at", "submitted_at": "submitted_at"}
    a_fields = {"id": "id", "response": "response_id", "question": "question_id", "item": "item", "number": "number", "text": "text"}
    r_cols, r_extra = _columns(Response, r_fields)
    a_cols, a_extra = _columns(Answer, a_fields)
    rid, aid = _next_id(Response), _next_id(Answer)
    first_aid = aid
    now = time.time()
    span = 60 * 86400
    random, choice, gauss, randint = rng.random, rng.choice, rng.gauss, rng.randint
    plan = []
    for q in questions:
        options = [o.value for o in q.options.all()]
        plan.append((q.pk, q.kind, options, BASE_MEANS.get(codes.get(q.department_id), 3.8)))
    answers_written = responses_written = 0
    r_rows: list[tuple] = []
    a_rows: list[tuple] = []

    def flush():
        nonlocal r_rows, a_rows
        with transaction.atomic():
            _write(Response._meta.db_table, r_cols, r_rows, pg)
            _write(Answer._meta.db_table, a_cols, a_rows, pg)
        r_rows, a_rows = [], []

    if not pg:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size=-200000")
    while answers_written < m:
        # More answers soon after the link went out, and a second wave in the last week.
        x = random()
        at = now - span * (random() ** 2.2 if x < 0.8 else random() * 0.12)
        rtype = choice(TYPES)
        shift = 0.25 if rtype == "teacher" else 0.0
        r_rows.append((rid, survey.pk, "submitted", rtype, choice(places) if places and random() < 0.3 else None, "zh-hans",
                       _ts(at - randint(90, 600), pg), _ts(at, pg)) + r_extra)
        personal = gauss(0, 0.5)
        for qid, kind, options, mean in plan:
            if kind == "rating":
                a_rows.append((aid, rid, qid, 0, max(1, min(5, round(gauss(mean + shift + personal, 0.8)))), "") + a_extra)
            elif kind == "matrix":
                for v in options:
                    a_rows.append((aid, rid, qid, v, max(1, min(5, round(gauss(mean + personal, 0.9)))), "") + a_extra)
                    aid += 1
                continue
            elif kind == "single":
                if random() >= 0.7:
                    continue
                a_rows.append((aid, rid, qid, 0, choice(options), "") + a_extra)
            elif kind == "nps":
                a_rows.append((aid, rid, qid, 0, max(0, min(10, round(gauss(7.4 + 2 * personal, 1.8)))), "") + a_extra)
            elif kind == "text":
                if random() >= 0.3:
                    continue
                a_rows.append((aid, rid, qid, 0, None, choice(COMMENTS)) + a_extra)
            else:
                continue
            aid += 1
        answers_written = aid - first_aid
        rid += 1
        responses_written += 1
        if len(r_rows) >= CHUNK_RESPONSES:
            flush()
    flush()
    if pg:
        with connection.cursor() as cursor:
            for model in (Response, Answer):
                table = model._meta.db_table
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))")
                cursor.execute(f"ANALYZE {table}")
    written = time.perf_counter() - started
    from .counters import rebuild_results
    from .index import refresh_satisfaction_index

    rebuild_results(survey)  # the stored result counters, from all the survey's answers
    rebuilt = time.perf_counter() - started
    refresh_satisfaction_index(surveys=[survey])
    out.write(f"surveys: {responses_written} responses with {answers_written} answers written in {written:.1f}s "
              f"(survey #{survey.pk}, {rebuilt:.1f}s with the result counters, "
              f"{time.perf_counter() - started:.1f}s with the satisfaction index)")

