"""Test helpers: a survey with one question of every type, and fast response creation."""

from __future__ import annotations

from types import SimpleNamespace

from django.utils import timezone

from qualityservice.surveys import counters
from qualityservice.surveys.models import Answer, Option, Question, Response, Section, Survey


def make_survey(org, *, status=Survey.Status.OPEN, audience=Survey.Audience.ANYONE, anonymous=True, **fields) -> SimpleNamespace:
    survey = Survey.objects.create(title="食堂满意度调查", title_en="Canteen survey", status=status, audience=audience,
                                   anonymous=anonymous, period="2026", **fields)
    sec = Section.objects.create(survey=survey, order=1, title="食堂", title_en="Canteens")

    def q(order, kind, text, options=(), **extra):
        question = Question.objects.create(survey=survey, section=sec, order=order, kind=kind, text=text, text_en=f"EN {text}", **extra)
        Option.objects.bulk_create([Option(question=question, value=i, text=t) for i, t in enumerate(options, 1)])
        return question

    ns = SimpleNamespace(survey=survey, section=sec)
    ns.rating = q(1, "rating", "总体满意度", department=org.yinshi, required=True)
    ns.single = q(2, "single", "是否在食堂用餐", ["是", "否"], required=True)
    ns.matrix = q(3, "matrix", "分项评价", ["口味", "价格"], department=org.yinshi, required=False,
                  show_if_question=ns.single, show_if_value="1")
    ns.multiple = q(4, "multiple", "需要改进", ["价格", "卫生", "态度"], required=False)
    ns.nps = q(5, "nps", "推荐度", required=True)
    ns.text = q(6, "text", "其他建议", required=False)
    ns.wuye_rating = q(7, "rating", "物业满意度", department=org.wuye, required=False)
    return ns


def valid_post(ns, **overrides) -> dict:
    data = {
        "respondent_type": "student",
        ns.rating.field_name: "4",
        ns.single.field_name: "1",
        f"{ns.matrix.field_name}_1": "5",
        f"{ns.matrix.field_name}_2": "3",
        ns.multiple.field_name: ["1", "3"],
        ns.nps.field_name: "9",
        ns.text.field_name: "饭菜很好吃",
        ns.wuye_rating.field_name: "2",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def add_responses(ns, n: int, *, rating=4, nps=9, respondent_type="student", text="", place=None) -> list[Response]:
    now = timezone.now()
    responses = Response.objects.bulk_create([
        Response(survey=ns.survey, status=Response.Status.SUBMITTED, submitted_at=now, respondent_type=respondent_type, place=place)
        for _ in range(n)
    ])
    answers = []
    for r in responses:
        answers += [
            Answer(response=r, question=ns.rating, number=rating),
            Answer(response=r, question=ns.single, number=1),
            Answer(response=r, question=ns.matrix, item=1, number=rating),
            Answer(response=r, question=ns.matrix, item=2, number=rating),
            Answer(response=r, question=ns.multiple, item=2, number=2),
            Answer(response=r, question=ns.nps, number=nps),
            Answer(response=r, question=ns.wuye_rating, number=3),
        ]
        if text:
            answers.append(Answer(response=r, question=ns.text, text=text))
    Answer.objects.bulk_create(answers)
    counters.rebuild_results(ns.survey)  # bulk-written answers bypass the counters of answering.submit
    return responses


def shipped_template(key: str):
    """A template the migration ships: installed again first (idempotent), since a transactional test that ran
    earlier on the same worker flushes the rows migrations created."""
    from qualityservice.surveys.models import Survey
    from qualityservice.surveys.templates_data import install_templates

    install_templates()
    return Survey.objects.get(template_key=key)
