"""The survey builder's operations: options of a question, question order, copying a survey or template."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from qualityservice.core import pagecache

from .models import Option, Question, Section, Survey


def parse_option_lines(text: str) -> list[tuple[str, str]]:
    """One option per line, optionally "中文 | English"."""
    options = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        zh, _sep, en = line.partition("|")
        options.append((zh.strip()[:200], en.strip()[:300]))
    return options


def option_lines(question: Question) -> str:
    return "\n".join(f"{o.text} | {o.text_en}" if o.text_en else o.text for o in question.options.all())


def set_options(question: Question, options: list[tuple[str, str]]) -> None:
    question.options.all().delete()
    Option.objects.bulk_create([Option(question=question, value=i, text=zh, text_en=en) for i, (zh, en) in enumerate(options, 1)])
    pagecache.changed(Option)  # bulk_create sends no post_save


def move_question(question: Question, step: int) -> None:
    """Move a question up (−1) or down (+1) within its section; orders are renumbered 1…n."""
    siblings = list(Question.objects.filter(section_id=question.section_id).order_by("order", "pk"))
    index = next(i for i, q in enumerate(siblings) if q.pk == question.pk)
    target = index + step
    if 0 <= target < len(siblings):
        siblings[index], siblings[target] = siblings[target], siblings[index]
    for number, q in enumerate(siblings, 1):
        q.order = number
    Question.objects.bulk_update(siblings, ["order"])
    pagecache.changed(Question)


def copy_survey(source: Survey, by, *, as_template: bool = False, submission_key: str | None = None, **fields) -> Survey:
    """Copy a survey or template with its sections, questions, options and skip logic into a new draft.
    Department codes of template questions are resolved to this installation's departments.
    ``submission_key``: the copy form's (scoped) key (``create_once``); ``fields``: other values the new
    survey is created with (the demo data creates past rounds open or closed)."""
    from qualityservice.org.models import Department

    departments = dict(Department.objects.values_list("code", "pk"))
    with transaction.atomic():
        values = {
            "title": source.title if as_template or source.is_template else _("%(title)s (copy)") % {"title": source.title},
            "title_en": source.title_en, "description": source.description, "description_en": source.description_en,
            "kind": source.kind, "is_template": as_template, "audience": source.audience, "anonymous": source.anonymous,
            "ask_respondent_type": source.ask_respondent_type, "ask_place": source.ask_place,
            "target_responses": source.target_responses, "copied_from": source, "created_by": by,
            "submission_key": submission_key,
        }
        survey = Survey.objects.create(**{**values, **fields})
        section_map = {}
        for sec in source.sections.all():
            section_map[sec.pk] = Section.objects.create(survey=survey, order=sec.order, title=sec.title, title_en=sec.title_en)
        question_map: dict[int, Question] = {}
        sources = list(source.questions.prefetch_related("options"))
        for q in sources:
            department_id = q.department_id or departments.get(q.department_code)
            question_map[q.pk] = Question.objects.create(
                survey=survey, section=section_map[q.section_id], order=q.order, kind=q.kind, text=q.text, text_en=q.text_en,
                required=q.required, department_id=department_id, department_code=q.department_code,
                servqual_dimension=q.servqual_dimension, servqual_part=q.servqual_part, show_if_value=q.show_if_value,
            )
        Option.objects.bulk_create(
            [Option(question=question_map[q.pk], value=o.value, text=o.text, text_en=o.text_en) for q in sources for o in q.options.all()]
        )
        for q in sources:
            if q.show_if_question_id in question_map:
                Question.objects.filter(pk=question_map[q.pk].pk).update(show_if_question=question_map[q.show_if_question_id])
    return survey
