"""The Excel exports of a survey: raw responses (one row per response, streamed) and the results summary."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qualityservice.core.i18n import pick

from .answering import SurveyForm
from .models import Question, RespondentType, Response, Survey
from .results import submitted_answers


def raw_export_columns(form: SurveyForm) -> list[tuple[str, int, int]]:
    """Stable column order: (header, question id, item) in the survey's question order; a matrix gets a
    column per item and a multiple choice a column per option (1 when chosen)."""
    columns = []
    for q in form.ordered():
        if q.kind == Question.Kind.MATRIX:
            columns += [(f"{q.display_text} — {o.display_text}", q.pk, o.value) for o in q.option_list]
        elif q.kind == Question.Kind.MULTIPLE:
            columns += [(f"{q.display_text} — {o.display_text}", q.pk, o.value) for o in q.option_list]
        else:
            columns.append((q.display_text, q.pk, 0))
    return columns


def raw_export_rows(survey: Survey, form: SurveyForm, questions_allowed: set[int] | None = None):
    """One row per submitted response, streamed: a merge of two ordered server-side iterators
    (responses and answers by response id), so memory stays bounded at any number of responses."""
    columns = [c for c in raw_export_columns(form) if questions_allowed is None or c[1] in questions_allowed]
    index = {(qid, item): i for i, (_h, qid, item) in enumerate(columns)}
    choice_labels = {(q.pk, o.value): o.display_text for q in form.ordered() if q.kind == Question.Kind.SINGLE for o in q.option_list}
    multiple = {q.pk for q in form.ordered() if q.kind == Question.Kind.MULTIPLE}
    types = dict(RespondentType.choices)
    responses = (
        Response.objects.filter(survey=survey).counted()
        .order_by("pk").values_list("pk", "submitted_at", "respondent_type", "place__name", "place__name_en")
        .iterator(chunk_size=2000)
    )
    answers = (
        submitted_answers(survey).order_by("response_id", "question_id", "item")
        .values_list("response_id", "question_id", "item", "number", "text").iterator(chunk_size=2000)
    )
    pending = next(answers, None)
    for pk, submitted_at, rtype, place, place_en in responses:
        cells = [""] * len(columns)
        while pending is not None and pending[0] <= pk:
            rid, qid, item, number, text = pending
            if rid == pk:
                key = (qid, item) if (qid in multiple or item) else (qid, 0)
                i = index.get(key)
                if i is not None:
                    if qid in multiple:
                        cells[i] = 1
                    elif text:
                        cells[i] = text
                    elif (qid, number) in choice_labels:
                        cells[i] = choice_labels[(qid, number)]
                    else:
                        cells[i] = number
            pending = next(answers, None)
        local = timezone.localtime(submitted_at).replace(tzinfo=None) if submitted_at else None
        yield [pk, local, str(types.get(rtype, "")), pick(place or "", place_en), *cells]


def raw_export_headers(form: SurveyForm, questions_allowed: set[int] | None = None) -> list[str]:
    columns = [c for c in raw_export_columns(form) if questions_allowed is None or c[1] in questions_allowed]
    return [_("Response"), _("Submitted"), _("Respondent"), _("Place"), *[h for h, _q, _i in columns]]


def summary_rows(data: dict):
    for block in data["blocks"]:
        q = block["question"]
        if q.kind == Question.Kind.MATRIX:
            for row in block["rows"]:
                yield [q.display_text, row["item"], q.get_kind_display(), row["n"], row["average"], " / ".join(map(str, row["dist"]))]
        elif block["chart"]:
            chart = block["chart"]
            dist = "; ".join(f"{label}: {value}" for label, value in zip(chart["labels"], chart["values"], strict=False))
            yield [q.display_text, "", q.get_kind_display(), block["answered"], block.get("average"), dist]
        else:
            yield [q.display_text, "", q.get_kind_display(), block["answered"], None, ""]


def summary_headers() -> list[str]:
    return [_("Question"), pgettext("survey matrix item", "Item"), _("Type"), _("Answers"), _("Average"), _("Distribution")]
