"""Survey workflows: status transitions, copying, answering (drafts and submission),
results aggregated in the database, the satisfaction index and the Excel exports."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import import_module
from types import MappingProxyType

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Avg, CharField, Count, F, Max, Min, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, NullIf, TruncDate, TruncMinute
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qualityservice.core import pagecache
from qualityservice.core.i18n import localised

from . import scoring
from .models import (
    MAX_TEXT_LENGTH,
    Answer,
    CrossCell,
    Option,
    Participation,
    Question,
    RespondentType,
    Response,
    ResponseDay,
    ResponseExclusion,
    ResultCell,
    ResultQuestion,
    SatisfactionIndex,
    Section,
    SubmissionKey,
    Survey,
    SurveyStatusLog,
    Token,
)

MAX_REASON_LENGTH = 500

# --- Status workflow --------------------------------------------------------------------

ALLOWED_MOVES = {
    (Survey.Status.DRAFT, Survey.Status.OPEN),
    (Survey.Status.OPEN, Survey.Status.CLOSED),
    (Survey.Status.CLOSED, Survey.Status.OPEN),
}


class TransitionError(Exception):
    pass


def transition(survey: Survey, to: str, by) -> Survey:
    """The one way a survey's status changes: validates the move, records who and when.
    Closing a survey refreshes its satisfaction index."""
    if survey.is_template:
        raise TransitionError(_("A template cannot be opened; copy it into a survey first."))
    if (survey.status, to) not in ALLOWED_MOVES:
        raise TransitionError(_("A survey cannot go from %(a)s to %(b)s.") % {"a": survey.get_status_display(), "b": to})
    if to == Survey.Status.OPEN and not survey.questions.exists():
        raise TransitionError(_("Add at least one question before opening the survey."))
    with transaction.atomic():
        moved = Survey.objects.filter(pk=survey.pk, status=survey.status).update(status=to)
        if moved != 1:
            raise TransitionError(_("The survey was changed meanwhile; reload the page."))
        SurveyStatusLog.objects.create(survey=survey, from_status=survey.status, to_status=to, by=by)
        survey.status = to
        pagecache.changed(Survey)  # .update() sends no post_save
    if to == Survey.Status.CLOSED:
        refresh_satisfaction_index(surveys=[survey])
    return survey


# --- Building ---------------------------------------------------------------------------


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


def copy_survey(source: Survey, by, *, as_template: bool = False) -> Survey:
    """Copy a survey or template with its sections, questions, options and skip logic into a new draft.
    Department codes of template questions are resolved to this installation's departments."""
    from qualityservice.org.models import Department

    departments = dict(Department.objects.values_list("code", "pk"))
    with transaction.atomic():
        survey = Survey.objects.create(
            title=source.title if as_template or source.is_template else _("%(title)s (copy)") % {"title": source.title},
            title_en=source.title_en, description=source.description, description_en=source.description_en,
            kind=source.kind, is_template=as_template, audience=source.audience, anonymous=source.anonymous,
            ask_respondent_type=source.ask_respondent_type, ask_place=source.ask_place,
            target_responses=source.target_responses, copied_from=source, created_by=by,
        )
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


# --- Answering --------------------------------------------------------------------------


class AnswerError(Exception):
    """Bad input for one question; the message is in the respondent's language."""


@dataclass
class Cell:
    item: int = 0
    number: int | None = None
    text: str = ""


@dataclass
class SurveyForm:
    """The questions of a survey, loaded once (3 queries) and reused for rendering and validation."""

    survey: Survey
    sections: list = field(default_factory=list)
    questions: dict[int, Question] = field(default_factory=dict)

    @classmethod
    def load(cls, survey: Survey) -> SurveyForm:
        sections = list(survey.sections.all())
        questions = list(survey.questions.select_related("department").prefetch_related("options").order_by("section__order", "section_id", "order", "pk"))
        by_section = defaultdict(list)
        for q in questions:
            q.option_list = list(q.options.all())
            by_section[q.section_id].append(q)
        for sec in sections:
            sec.question_list = by_section.get(sec.pk, [])
        by_id = {q.pk: q for q in questions}
        for q in questions:
            parent = by_id.get(q.show_if_question_id)
            q.show_if_text = parent.display_text if parent else ""
        return cls(survey=survey, sections=sections, questions={q.pk: q for q in questions})

    @classmethod
    def cached(cls, survey: Survey) -> FrozenSurveyForm:
        """The survey's structure for validating answers, kept per process (``pagecache.memo``: rebuilt when
        a survey, section, question or option changes) as an immutable copy shared by every request —
        render from ``load`` (``views._prepare`` writes on the questions)."""
        return pagecache.memo(f"surveys.form.{survey.pk}", lambda: FrozenSurveyForm.of(cls.load(survey)))

    def ordered(self) -> list[Question]:
        return [q for sec in self.sections for q in sec.question_list]


@dataclass(frozen=True)
class FrozenOption:
    value: int
    text: str
    text_en: str

    @property
    def display_text(self) -> str:
        return localised(self, "text")


@dataclass(frozen=True)
class FrozenQuestion:
    """What validating and counting an answer reads of a question (the same names as ``Question``)."""

    Kind = Question.Kind
    SCALED_KINDS = Question.SCALED_KINDS
    pk: int
    section_id: int
    kind: str
    text: str
    text_en: str
    required: bool
    department_id: int | None
    show_if_question_id: int | None
    show_if_value: str
    option_list: tuple[FrozenOption, ...]

    display_text = Question.display_text
    field_name = Question.field_name
    scale = Question.scale


@dataclass(frozen=True)
class FrozenSection:
    pk: int
    question_list: tuple[FrozenQuestion, ...]


@dataclass(frozen=True)
class FrozenSurveyForm:
    """A loaded ``SurveyForm`` as immutable values (``SurveyForm.cached``): its sections in order and its
    questions by id."""

    sections: tuple[FrozenSection, ...]
    questions: MappingProxyType

    @classmethod
    def of(cls, form: SurveyForm) -> FrozenSurveyForm:
        questions = {}
        for q in form.questions.values():
            questions[q.pk] = FrozenQuestion(
                pk=q.pk, section_id=q.section_id, kind=q.kind, text=q.text, text_en=q.text_en, required=q.required,
                department_id=q.department_id, show_if_question_id=q.show_if_question_id, show_if_value=q.show_if_value,
                option_list=tuple(FrozenOption(o.value, o.text, o.text_en) for o in q.option_list))
        sections = tuple(FrozenSection(sec.pk, tuple(questions[q.pk] for q in sec.question_list)) for sec in form.sections)
        return cls(sections=sections, questions=MappingProxyType(questions))

    def ordered(self) -> list[FrozenQuestion]:
        return [q for sec in self.sections for q in sec.question_list]


def _int(raw, question: Question) -> int:
    try:
        return int(str(raw).strip())
    except (TypeError, ValueError):
        raise AnswerError(_("“%(q)s”: please choose a value from the list.") % {"q": question.display_text}) from None


def parse_answer(question: Question, data) -> list[Cell]:
    """Validate the posted value(s) of one question. ``data`` is a QueryDict. Returns the cells
    to store (empty list: unanswered). Raises AnswerError with a translated message."""
    name = question.field_name
    label = question.display_text
    options = {o.value for o in (question.option_list if hasattr(question, "option_list") else question.options.all())}
    kind = question.kind
    if kind == Question.Kind.TEXT:
        text = (data.get(name) or "").strip()
        if len(text) > MAX_TEXT_LENGTH:
            raise AnswerError(
                _("“%(q)s”: the answer is too long (%(n)d characters; at most %(max)d).") % {"q": label, "n": len(text), "max": MAX_TEXT_LENGTH}
            )
        return [Cell(text=text)] if text else []
    if kind == Question.Kind.MULTIPLE:
        raw = [v for v in data.getlist(name) if str(v).strip()]
        values = sorted({_int(v, question) for v in raw})
        if any(v not in options for v in values):
            raise AnswerError(_("“%(q)s”: please choose a value from the list.") % {"q": label})
        return [Cell(item=v, number=v) for v in values]
    if kind == Question.Kind.MATRIX:
        cells = []
        for option in sorted(options):
            raw = data.get(f"{name}_{option}")
            if raw in (None, ""):
                continue
            value = _int(raw, question)
            if value not in question.scale():
                raise AnswerError(_("“%(q)s”: a rating must be between 1 and 5.") % {"q": label})
            cells.append(Cell(item=option, number=value))
        return cells
    raw = data.get(name)
    if raw in (None, ""):
        return []
    value = _int(raw, question)
    if kind == Question.Kind.SINGLE:
        if value not in options:
            raise AnswerError(_("“%(q)s”: please choose a value from the list.") % {"q": label})
    elif value not in question.scale():
        if kind == Question.Kind.NPS:
            raise AnswerError(_("“%(q)s”: a score must be between 0 and 10.") % {"q": label})
        raise AnswerError(_("“%(q)s”: a rating must be between 1 and 5.") % {"q": label})
    return [Cell(number=value)]


def is_complete(question: Question, cells: list[Cell]) -> bool:
    if question.kind == Question.Kind.MATRIX:
        return len(cells) == len(question.option_list)
    return bool(cells)


def visible_questions(form: SurveyForm, answers: dict[int, list[Cell]]) -> list[Question]:
    """Skip logic: a question with a condition shows only when the earlier question is shown
    and its answer matches (for a multiple choice: the option is among those chosen)."""
    shown = []
    shown_ids = set()
    for q in form.ordered():
        if q.show_if_question_id:
            if q.show_if_question_id not in shown_ids:
                continue
            wanted = q.show_if_value.strip()
            values = {str(c.number) for c in answers.get(q.show_if_question_id, [])}
            if wanted not in values:
                continue
        shown.append(q)
        shown_ids.add(q.pk)
    return shown


def forged_fields(form: SurveyForm, data) -> list[str]:
    """Posted ``q…`` fields that name no question of this survey (forged or stale)."""
    bad = []
    for key in data.keys():
        if not key.startswith("q"):
            continue
        head = key[1:].split("_", 1)[0]
        if not head.isdigit() or int(head) not in form.questions:
            bad.append(key)
    return bad


@dataclass
class Respondent:
    """Who is answering, as far as one-response-per-person needs to know."""

    user: object = None
    token: Token | None = None
    draft_key: str | None = None
    # Makes (and remembers, e.g. in the session) a draft key the first time a draft is really saved:
    # opening a survey creates nothing.
    new_draft_key: Callable[[], str] | None = None
    # The keyed hash of the browser id stored with the response (bursts page); "" without a browser id.
    browser_hash: str = ""

    def ensure_draft_key(self) -> str | None:
        if self.draft_key is None and self.new_draft_key is not None:
            self.draft_key = self.new_draft_key()
        return self.draft_key

    @property
    def can_keep_draft(self) -> bool:
        """Whether a draft can be found again (a token, a session, or a browser id to derive its key from)."""
        return self.draft_key is not None or self.new_draft_key is not None

    @property
    def person(self) -> str | None:
        if self.token is not None:
            return f"t:{self.token.pk}"
        if self.user is not None:
            return f"u:{self.user.pk}"
        return None


def find_draft(survey: Survey, respondent: Respondent) -> Response | None:
    if not respondent.draft_key:
        return None
    return Response.objects.filter(survey=survey, draft_key=respondent.draft_key, status=Response.Status.DRAFT).first()


def get_or_create_draft(survey: Survey, respondent: Respondent) -> Response:
    respondent.ensure_draft_key()
    draft = find_draft(survey, respondent)
    if draft is None:
        try:
            with transaction.atomic():
                draft = Response.objects.create(survey=survey, draft_key=respondent.draft_key)
        except IntegrityError:
            draft = Response.objects.get(draft_key=respondent.draft_key)
    return draft


def draft_answers(response: Response | None) -> dict[int, list[Cell]]:
    result: dict[int, list[Cell]] = defaultdict(list)
    if response is None:
        return result
    for question_id, item, number, text in response.answers.values_list("question_id", "item", "number", "text"):
        result[question_id].append(Cell(item=item, number=number, text=text))
    return result


def _store(response: Response, question_id: int, cells: list[Cell]) -> None:
    Answer.objects.filter(response=response, question_id=question_id).delete()
    Answer.objects.bulk_create(
        [Answer(response=response, question_id=question_id, item=c.item, number=c.number, text=c.text) for c in cells]
    )


META_FIELDS = ("respondent_type", "place")


def active_place_ids() -> frozenset[int]:
    """Ids of the active places (a per-process memo, rebuilt when a place is saved: org registers Place
    with ``pagecache.depends_on``)."""
    from qualityservice.org.models import Place

    return pagecache.memo("surveys.active_places", lambda: frozenset(Place.objects.filter(is_active=True).values_list("pk", flat=True)))


def clean_meta(survey: Survey, data) -> dict:
    meta = {}
    if survey.ask_respondent_type and "respondent_type" in data:
        value = data.get("respondent_type") or ""
        if value and value not in RespondentType.values:
            raise AnswerError(_("Please choose who you are from the list."))
        meta["respondent_type"] = value
    if survey.ask_place and "place" in data:
        value = data.get("place") or ""
        if value and (not value.isdigit() or int(value) not in active_place_ids()):
            raise AnswerError(_("Please choose a place from the list."))
        meta["place_id"] = int(value) if value else None
    return meta


@dataclass
class DraftChange:
    """What one autosave posts: the respondent type/place and the cells of the questions it names."""

    meta: dict = field(default_factory=dict)
    cells: dict[int, list[Cell]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """Nothing answered (e.g. a cleared text or no choice): it starts no draft."""
        return not any(v for v in self.meta.values()) and not any(self.cells.values())


def parse_draft_change(survey: Survey, data) -> DraftChange:
    """Validate an autosave (one question, or the respondent type/place). Raises AnswerError."""
    if not survey.is_accepting():
        raise AnswerError(_("This survey is closed and accepts no answers."))
    form = SurveyForm.cached(survey)
    if forged_fields(form, data):
        raise AnswerError(_("The form does not match this survey. Please reload the page."))
    change = DraftChange(meta=clean_meta(survey, data))
    for key in data.keys():
        if key.startswith("q"):
            question = form.questions[int(key[1:].split("_", 1)[0])]
            if question.pk not in change.cells:
                change.cells[question.pk] = parse_answer(question, data)
    return change


def store_draft_change(survey: Survey, respondent: Respondent, change: DraftChange, draft: Response | None = None) -> Response | None:
    """Write an autosave into the respondent's draft (``draft``: already looked up). Without a draft, an
    empty change — or a respondent whose draft could not be found again — stores nothing (None): a draft
    row starts with the first real answer."""
    draft = draft or find_draft(survey, respondent)
    if draft is None and (change.empty or not respondent.can_keep_draft):
        return None
    with transaction.atomic():
        if draft is None:
            draft = get_or_create_draft(survey, respondent)
        if change.meta:
            Response.objects.filter(pk=draft.pk).update(**change.meta)
        for question_id, cells in change.cells.items():
            _store(draft, question_id, cells)
    return draft


def posted_answers(survey: Survey, data) -> tuple[dict[int, list[Cell]], dict]:
    """The valid part of a posted form — (cells by question, respondent type/place) — to show it again
    (a refused or failed submit keeps what was typed). Invalid values are left out, never raised."""
    form = SurveyForm.cached(survey)
    answers: dict[int, list[Cell]] = {}
    for question in form.ordered():
        try:
            answers[question.pk] = parse_answer(question, data)
        except AnswerError:
            answers[question.pk] = []
    meta = {}
    for name in META_FIELDS:
        try:
            meta.update(clean_meta(survey, {name: data.get(name)} if name in data else {}))
        except AnswerError:
            pass
    return answers, meta


class AlreadyAnswered(Exception):
    pass


def _submission_key(data) -> uuid.UUID | None:
    try:
        return uuid.UUID(data.get("submission_key") or "")
    except ValueError:
        return None


def submit(survey: Survey, respondent: Respondent, data) -> tuple[Response | None, list[str]]:
    """Validate every answer; on success store the submitted response. Returns (response, []) or
    (None, errors). Valid answers of a failed attempt are kept in the draft so the respondent loses
    nothing, but nothing becomes a response. Raises AlreadyAnswered.

    A respondent with a draft has it turned into the response; one without (the usual case: a form
    answered in one go) gets the response inserted as submitted. The same form posted twice (its
    ``submission_key``) makes one response: the key's unique constraint refuses the second, which
    then answers with the first."""
    errors: list[str] = []
    key = _submission_key(data)
    if not survey.is_accepting():
        return None, [_("This survey is closed and accepts no answers.")]
    form = SurveyForm.cached(survey)
    if forged_fields(form, data):
        return None, [_("The form does not match this survey. Please reload the page.")]
    try:
        meta = clean_meta(survey, data)
    except AnswerError as exc:
        errors.append(str(exc))
        meta = {}
    if survey.ask_respondent_type and not meta.get("respondent_type"):
        errors.append(_("Please tell us whether you are a student, a teacher or staff."))
    answers: dict[int, list[Cell]] = {}
    for question in form.ordered():
        try:
            answers[question.pk] = parse_answer(question, data)
        except AnswerError as exc:
            errors.append(str(exc))
            answers[question.pk] = []
    shown = visible_questions(form, answers)
    for question in shown:
        if question.required and not is_complete(question, answers[question.pk]) and not any(
            question.display_text in e for e in errors
        ):
            errors.append(_("“%(q)s” is required.") % {"q": question.display_text})
    if errors:  # keep the valid answers in the draft (if there are any, and the respondent can keep one)
        store_draft_change(survey, respondent, DraftChange(meta=meta, cells={qid: cells for qid, cells in answers.items() if cells}))
        return None, errors
    shown_ids = {q.pk for q in shown}
    kept = {qid: cells for qid, cells in answers.items() if qid in shown_ids}
    now = timezone.now()
    fields = {
        "status": Response.Status.SUBMITTED, "submitted_at": now, "draft_key": None, "language": (data.get("lang") or "")[:10],
        "submission_key": key, "respondent_type": meta.get("respondent_type", ""), "place_id": meta.get("place_id"),
        "browser_hash": respondent.browser_hash,
    }
    if not survey.anonymous:  # an anonymous survey stores no identity with the answers
        fields.update(user=respondent.user, token=respondent.token)
    draft = find_draft(survey, respondent)  # no query without a draft key
    try:
        if draft is None and not respondent.person and connection.vendor == "postgresql":
            # The usual case (a form answered in one go by anyone with the link): one statement.
            increments = counter_increments(survey, form.questions, kept, meta.get("respondent_type", ""), meta.get("place_id"), now)
            if connection.in_atomic_block:  # a savepoint, so that the caller's transaction survives a repeated key
                with transaction.atomic():
                    pk = _insert_submitted_in_one_statement(survey, fields, kept, increments)
            else:
                pk = _insert_submitted_in_one_statement(survey, fields, kept, increments)
            return Response(pk=pk, survey=survey, started_at=now, **fields), []
        with transaction.atomic():
            if respondent.person:
                # The database's unique constraint decides between concurrent submits.
                Participation.objects.create(survey=survey, person=respondent.person)
            if respondent.token is not None:
                claimed = Token.objects.filter(pk=respondent.token.pk, survey=survey, used_at__isnull=True).update(used_at=now)
                if claimed != 1:
                    raise AlreadyAnswered
            if draft is None:
                response = Response.objects.create(survey=survey, **fields)
            else:
                Answer.objects.filter(response=draft).delete()
                moved = Response.objects.filter(pk=draft.pk, status=Response.Status.DRAFT).update(**fields)
                if moved != 1:
                    raise AlreadyAnswered
                response = draft
                for name, value in fields.items():
                    setattr(response, name, value)
            Answer.objects.bulk_create(
                [Answer(response=response, question_id=qid, item=c.item, number=c.number, text=c.text) for qid, cells in kept.items() for c in cells]
            )
            count_submitted_response(survey, form.questions, kept, meta.get("respondent_type", ""), meta.get("place_id"), now)
    except IntegrityError:
        if key is not None:
            repeat = Response.objects.filter(survey=survey, submission_key=key, status=Response.Status.SUBMITTED).first()
            if repeat is not None:
                return repeat, []  # the same form posted twice: one response
        raise AlreadyAnswered from None
    return response, []


def has_answered(survey: Survey, respondent: Respondent) -> bool:
    if respondent.token is not None and respondent.token.used_at is not None:
        return True
    return bool(respondent.person) and Participation.objects.filter(survey=survey, person=respondent.person).exists()


def issue_tokens(survey: Survey, count: int, batch: str, recipients: list[str] | None = None) -> int:
    recipients = recipients or []
    tokens = [Token(survey=survey, batch=batch, recipient=(recipients[i] if i < len(recipients) else "")) for i in range(count)]
    Token.objects.bulk_create(tokens, batch_size=1000)
    return len(tokens)


# --- Results (aggregated in the database) -------------------------------------------------


def submitted_answers(survey: Survey, questions=None):
    """Answers of the survey's counted responses (submitted, not excluded)."""
    qs = Answer.objects.filter(response__survey=survey, response__status=Response.Status.SUBMITTED, response__exclusion__isnull=True)
    if questions is not None:
        qs = qs.filter(question__in=questions)
    return qs


def _rtype(field: str = "response__respondent_type"):
    """The respondent type as the cross-tabs show it: an empty type counts as "other"."""
    return Coalesce(NullIf(field, Value("")), Value(RespondentType.OTHER), output_field=CharField())


def _blocks(questions: list[Question], counts, averages, answered) -> dict:
    """Turn the aggregates into what the page shows. ``counts``: (question, item) → {number: answers};
    ``averages``: (question, item) → (mean, answers); ``answered``: question → responses."""
    blocks = []
    servqual_means: dict[tuple[str, str], list[tuple[float, int]]] = defaultdict(list)
    nps_counts: dict[int, int] = defaultdict(int)
    for q in questions:
        block = {"question": q, "answered": answered.get(q.pk, 0), "chart": None, "rows": []}
        if q.kind in (Question.Kind.RATING, Question.Kind.NPS):
            dist = counts.get((q.pk, 0), {})
            avg, n = averages.get((q.pk, 0), (None, 0))
            block["average"] = round(float(avg), 2) if avg is not None else None
            block["chart"] = {"type": "bar", "labels": [str(v) for v in q.scale()], "values": [dist.get(v, 0) for v in q.scale()]}
            if q.kind == Question.Kind.NPS:
                for v, c in dist.items():
                    nps_counts[v] += c
                block["nps"] = scoring.nps_from_counts(dist)
        elif q.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            dist = defaultdict(int)
            for (qid, _item), values in counts.items():
                if qid == q.pk:
                    for v, c in values.items():
                        dist[v] += c
            block["chart"] = {"type": "hbar", "labels": [o.display_text for o in q.option_list], "values": [dist.get(o.value, 0) for o in q.option_list]}
        elif q.kind == Question.Kind.MATRIX:
            labels, values = [], []
            for o in q.option_list:
                avg, n = averages.get((q.pk, o.value), (None, 0))
                labels.append(o.display_text)
                values.append(round(float(avg), 2) if avg is not None else 0)
                block["rows"].append({"item": o.display_text, "average": round(float(avg), 2) if avg is not None else None, "n": n,
                                      "dist": [counts.get((q.pk, o.value), {}).get(v, 0) for v in q.scale()]})
                if q.servqual_dimension and q.servqual_part and avg is not None:
                    servqual_means[(q.servqual_dimension, q.servqual_part)].append((float(avg), n))
            block["chart"] = {"type": "hbar", "labels": labels, "values": values, "max": 5}
        blocks.append(block)
    gaps = scoring.servqual_gaps(
        {key: sum(m * n for m, n in parts) / sum(n for _m, n in parts) for key, parts in servqual_means.items() if sum(n for _m, n in parts)}
    )
    return {
        "blocks": blocks,
        "nps": scoring.nps_from_counts(nps_counts) if nps_counts else None,
        "servqual_gaps": gaps,
        "servqual_overall": scoring.overall_gap(gaps),
    }


def results(survey: Survey, questions: list[Question]) -> dict:
    """Everything the results page shows, read from the stored counters: three queries of
    O(questions + days) rows, whatever the number of responses (see count_submitted_response)."""
    ids = [q.pk for q in questions]
    days = list(ResponseDay.objects.filter(survey=survey).values_list("day", "count"))
    counts: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    for qid, item, value, n in ResultCell.objects.filter(survey=survey, question_id__in=ids).values_list(
        "question_id", "item", "value", "count"
    ):
        if n:
            counts[(qid, item)][value] = n
    averages = {}
    for key, dist in counts.items():
        n = sum(dist.values())
        averages[key] = (sum(v * c for v, c in dist.items()) / n, n)
    answered, texts = {}, {}
    for qid, n, t in ResultQuestion.objects.filter(survey=survey, question_id__in=ids).values_list("question_id", "responses", "texts"):
        answered[qid] = n
        texts[qid] = t
    return {
        "total": sum(n for _d, n in days),
        "per_day": [{"day": d.isoformat(), "n": n} for d, n in sorted((d, n) for d, n in days if d is not None and n)],
        "text_count": sum(texts.get(q.pk, 0) for q in questions if q.kind == Question.Kind.TEXT),
        **_blocks(questions, counts, averages, answered),
    }


def compute_results_from_answers(survey: Survey, questions: list[Question]) -> dict:
    """The same figures as ``results`` aggregated over all answers (O(answers)): the reference the
    counters are tested against."""
    responses = Response.objects.filter(survey=survey).counted()
    total = responses.count()
    per_day = [
        {"day": row["day"].isoformat(), "n": row["n"]}
        for row in responses.annotate(day=TruncDate("submitted_at")).values("day").annotate(n=Count("pk")).order_by("day")
        if row["day"]
    ]
    question_ids = [q.pk for q in questions]
    answers = submitted_answers(survey).filter(question_id__in=question_ids)
    counts: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    for row in answers.exclude(number__isnull=True).values("question_id", "item", "number").annotate(n=Count("pk")):
        counts[(row["question_id"], row["item"])][row["number"]] = row["n"]
    averages = {
        (row["question_id"], row["item"]): (row["avg"], row["n"])
        for row in answers.exclude(number__isnull=True).values("question_id", "item").annotate(avg=Avg("number"), n=Count("pk"))
    }
    answered = dict(answers.values("question_id").annotate(n=Count("response_id", distinct=True)).values_list("question_id", "n"))
    text_ids = [q.pk for q in questions if q.kind == Question.Kind.TEXT]
    return {
        "total": total,
        "per_day": per_day,
        "text_count": answers.filter(question_id__in=text_ids).exclude(text="").count(),
        **_blocks(questions, counts, averages, answered),
    }


def _crosstab_table(by_key: dict, names: dict, order: list) -> list[dict]:
    types = [t for t, _l in RespondentType.choices]
    return [{"name": names[k], "cells": [by_key[k].get(t) for t in types]} for k in order if k in by_key and k in names]


def crosstabs(survey: Survey, questions: list[Question], scope=None) -> dict:
    """Mean 1–5 rating by department (of the question) × respondent type, and by place × respondent type,
    read from the stored ``CrossCell`` counters. ``scope``: None (every question) or the reader's
    department ids (``department_scope``) — then only those departments' questions count."""
    from qualityservice.org.models import Department, Place

    if scope is not None and len(scope) > 1:  # distinct respondents over several departments are not stored
        return compute_crosstabs_from_answers(survey, questions)
    cells = CrossCell.objects.filter(survey=survey)
    if scope is not None:
        cells = cells.filter(department__in=scope or [-1])
    by_department: dict[int, dict] = defaultdict(dict)
    by_place: dict[int, dict] = defaultdict(dict)
    for department, place, rtype, total, answers, respondents in cells.values_list(
        "department", "place", "respondent_type", "total", "answers", "respondents"
    ):
        if not answers:
            continue
        cell = (round(total / answers, 2), respondents)
        if place == 0 and department:
            by_department[department][rtype] = cell
        elif place and (department == 0 if scope is None else department in scope):
            by_place[place][rtype] = cell
    departments = list(Department.objects.filter(pk__in=list(by_department)).values_list("pk", "name")) if by_department else []
    places = list(Place.objects.filter(pk__in=list(by_place)).values_list("pk", "name")) if by_place else []
    return {
        "types": list(RespondentType.choices),
        "departments": _crosstab_table(by_department, dict(departments), [pk for pk, _n in departments]),
        "places": _crosstab_table(by_place, dict(places), [pk for pk, _n in places]),
    }


def compute_crosstabs_from_answers(survey: Survey, questions: list[Question]) -> dict:
    """The cross-tabs aggregated over all answers (O(answers)); the reference for ``crosstabs``."""
    scaled = [q.pk for q in questions if q.kind in Question.SCALED_KINDS]
    base = submitted_answers(survey).filter(question_id__in=scaled, number__isnull=False).annotate(rtype=_rtype())
    by_department = defaultdict(dict)
    names = {}
    for row in base.filter(question__department__isnull=False).values(
        "question__department_id", "question__department__name", "rtype"
    ).annotate(avg=Avg("number"), n=Count("response_id", distinct=True)):
        names[row["question__department_id"]] = row["question__department__name"]
        by_department[row["question__department_id"]][row["rtype"]] = (round(float(row["avg"]), 2), row["n"])
    by_place = defaultdict(dict)
    place_names = {}
    for row in base.filter(response__place__isnull=False).values("response__place_id", "response__place__name", "rtype").annotate(
        avg=Avg("number"), n=Count("response_id", distinct=True)
    ):
        place_names[row["response__place_id"]] = row["response__place__name"]
        by_place[row["response__place_id"]][row["rtype"]] = (round(float(row["avg"]), 2), row["n"])
    return {
        "types": list(RespondentType.choices),
        "departments": _crosstab_table(by_department, names, list(by_department)),
        "places": _crosstab_table(by_place, place_names, list(by_place)),
    }


# --- Stored aggregates: counted at submit, rebuilt from the answers ------------------------------

COUNTER_MODELS = (ResponseDay, ResultCell, ResultQuestion, CrossCell)  # also the lock order


def _upsert_sql(model, keys: list[str], adds: list[str], rows: list[tuple]) -> tuple[str, list]:
    """``INSERT … ON CONFLICT (key) DO UPDATE SET c = t.c + excluded.c`` adding ``rows`` (key values +
    increments) to the counters (PostgreSQL, SQLite ≥ 3.24). The increment is atomic under concurrent
    submits; rows go in key order so concurrent transactions lock counter rows in the same order (no deadlock)."""
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    columns = [*keys, *adds]
    marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
    sql = (
        f"INSERT INTO {table} ({', '.join(map(qn, columns))}) VALUES {', '.join([marks] * len(rows))} "
        f"ON CONFLICT ({', '.join(map(qn, keys))}) DO UPDATE SET "
        + ", ".join(f"{qn(c)} = {table}.{qn(c)} + excluded.{qn(c)}" for c in adds)
    )
    return sql, [value for row in sorted(rows) for value in row]


def _upsert(model, keys: list[str], adds: list[str], rows: list[tuple]) -> None:
    """Add ``rows`` to the counters in one statement (see ``_upsert_sql``)."""
    if not rows:
        return
    sql, params = _upsert_sql(model, keys, adds, rows)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def counter_increments(survey: Survey, questions: dict[int, Question], answers: dict[int, list[Cell]],
                       respondent_type: str, place_id: int | None, submitted_at) -> list[tuple]:
    """What one submitted response adds to the stored aggregates: (model, keys, increments, rows) per
    counter table, in ``COUNTER_MODELS`` order (the lock order); tables without rows are left out."""
    sid = survey.pk
    cells: dict[tuple, int] = defaultdict(int)
    per_question = []
    scaled: dict[int, list[int]] = defaultdict(list)  # department (0: none) → the response's 1–5 answers
    for qid, answer_cells in answers.items():
        if not answer_cells:
            continue
        per_question.append((sid, qid, 1, sum(1 for c in answer_cells if c.text)))
        question = questions[qid]
        for c in answer_cells:
            if c.number is not None:
                cells[(sid, qid, c.item, c.number)] += 1
                if question.kind in Question.SCALED_KINDS:
                    scaled[question.department_id or 0].append(c.number)
    rtype = respondent_type or RespondentType.OTHER
    cross = []
    for department, numbers in scaled.items():
        if department:
            cross.append((sid, department, 0, rtype, sum(numbers), len(numbers), 1))
            if place_id:
                cross.append((sid, department, place_id, rtype, sum(numbers), len(numbers), 1))
    if place_id and scaled:
        numbers = [n for values in scaled.values() for n in values]
        cross.append((sid, 0, place_id, rtype, sum(numbers), len(numbers), 1))
    day = timezone.localtime(submitted_at).date()
    increments = [
        (ResponseDay, ["survey_id", "day"], ["count"], [(sid, day, 1)]),
        (ResultCell, ["survey_id", "question_id", "item", "value"], ["count"], [(*k, n) for k, n in cells.items()]),
        (ResultQuestion, ["survey_id", "question_id"], ["responses", "texts"], per_question),
        (CrossCell, ["survey_id", "department", "place", "respondent_type"], ["total", "answers", "respondents"], cross),
    ]
    return [spec for spec in increments if spec[3]]


def count_submitted_response(survey: Survey, questions: dict[int, Question], answers: dict[int, list[Cell]],
                             respondent_type: str, place_id: int | None, submitted_at) -> None:
    """Add one submitted response to the stored aggregates. Called inside the transaction that submits
    it, so the counters commit (or roll back) with the response: four upserts whatever its size."""
    for model, keys, adds, rows in counter_increments(survey, questions, answers, respondent_type, place_id, submitted_at):
        _upsert(model, keys, adds, rows)


RESPONSE_COLUMNS = ("survey_id", "status", "draft_key", "respondent_type", "place_id", "user_id", "token_id", "language",
                    "started_at", "submitted_at", "submission_key", "browser_hash")


def _insert_submitted_in_one_statement(survey: Survey, fields: dict, answers: dict[int, list[Cell]], increments: list[tuple]) -> int:
    """PostgreSQL: insert a submitted response, its answers and its counter increments in ONE statement
    (data-modifying CTEs: ``WITH r AS (INSERT … RETURNING id), a AS (INSERT answers … FROM r), c1 AS
    (upsert) …``). One statement is atomic by itself — in autocommit mode it needs no BEGIN/COMMIT, one
    round trip in all, and the counter rows every submit updates stay locked for the shortest time.
    Returns the response id; a repeated submission key raises IntegrityError (nothing is written)."""
    qn = connection.ops.quote_name
    values = {"survey_id": survey.pk, "started_at": fields["submitted_at"], "user_id": getattr(fields.get("user"), "pk", None),
              "token_id": getattr(fields.get("token"), "pk", None), **{k: v for k, v in fields.items() if k not in ("user", "token")}}
    params: list = [values[c] for c in RESPONSE_COLUMNS]
    parts = [
        f"r AS (INSERT INTO {qn(Response._meta.db_table)} ({', '.join(map(qn, RESPONSE_COLUMNS))}) "
        f"VALUES ({', '.join(['%s'] * len(RESPONSE_COLUMNS))}) RETURNING id)"
    ]
    rows = [(qid, c.item, c.number, c.text) for qid, cells in answers.items() for c in cells]
    if rows:
        parts.append(
            f"a AS (INSERT INTO {qn(Answer._meta.db_table)} (response_id, question_id, item, number, text, feedback_ref) "
            "SELECT r.id, v.question_id, v.item, v.number, v.text, '' FROM r CROSS JOIN (VALUES "
            + ", ".join(["(%s::bigint, %s::smallint, %s::smallint, %s::text)"] * len(rows))
            + ") AS v (question_id, item, number, text))"
        )
        params += [value for row in rows for value in row]
    for i, (model, keys, adds, counter_rows) in enumerate(increments):
        sql, counter_params = _upsert_sql(model, keys, adds, counter_rows)
        parts.append(f"c{i} AS ({sql})")
        params += counter_params
    with connection.cursor() as cursor:
        cursor.execute("WITH " + ", ".join(parts) + " SELECT id FROM r", params)
        return cursor.fetchone()[0]


def rebuild_results(survey: Survey) -> None:
    """Recompute the survey's stored aggregates from its submitted answers (O(answers); seconds at a million
    answers). For bulk loaders that write answers directly, the ``rebuild_survey_results`` command and the
    periodic check. On PostgreSQL the counter tables are locked (SHARE ROW EXCLUSIVE: reads go on, submits
    wait) so that no submit is counted twice or lost while the rebuild runs."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in COUNTER_MODELS)
                cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")
        for model in COUNTER_MODELS:
            model.objects.filter(survey=survey).delete()
        responses = Response.objects.filter(survey=survey).counted()
        ResponseDay.objects.bulk_create([
            ResponseDay(survey=survey, day=row["day"], count=row["n"])
            for row in responses.annotate(day=TruncDate("submitted_at")).values("day").annotate(n=Count("pk")).order_by("day")
        ], batch_size=500)
        answers = submitted_answers(survey)
        ResultCell.objects.bulk_create([
            ResultCell(survey=survey, question_id=row["question_id"], item=row["item"], value=row["number"], count=row["n"])
            for row in answers.exclude(number__isnull=True).values("question_id", "item", "number").annotate(n=Count("pk")).order_by()
        ], batch_size=500)
        ResultQuestion.objects.bulk_create([
            ResultQuestion(survey=survey, question_id=row["question_id"], responses=row["n"], texts=row["t"])
            for row in answers.values("question_id").annotate(
                n=Count("response_id", distinct=True), t=Count("pk", filter=~Q(text=""))).order_by()
        ], batch_size=500)
        base = answers.filter(question__kind__in=Question.SCALED_KINDS, number__isnull=False).annotate(rtype=_rtype())
        sums = {"s": Sum("number"), "k": Count("pk"), "n": Count("response_id", distinct=True)}
        groups = (
            (base.filter(question__department__isnull=False), "question__department_id", None),
            (base.filter(response__place__isnull=False), None, "response__place_id"),
            (base.filter(question__department__isnull=False, response__place__isnull=False), "question__department_id", "response__place_id"),
        )
        cross = []
        for qs, dept, place in groups:
            for row in qs.values(*[f for f in (dept, place, "rtype") if f]).annotate(**sums).order_by():
                cross.append(CrossCell(survey=survey, department=row.get(dept, 0) if dept else 0, place=row[place] if place else 0,
                                       respondent_type=row["rtype"], total=row["s"], answers=row["k"], respondents=row["n"]))
        CrossCell.objects.bulk_create(cross, batch_size=500)


def stale_result_surveys() -> list[Survey]:
    """Surveys whose stored total of responses differs from their submitted responses (answers written
    without the counters). One statement, so both counts come from the same snapshot."""
    stored = ResponseDay.objects.filter(survey=OuterRef("pk")).order_by().values("survey").annotate(n=Sum("count")).values("n")
    actual = (Response.objects.filter(survey=OuterRef("pk")).counted().order_by()
              .values("survey").annotate(n=Count("pk")).values("n"))
    return list(
        Survey.objects.surveys().exclude(status=Survey.Status.DRAFT)
        .annotate(stored=Coalesce(Subquery(stored), 0), actual=Coalesce(Subquery(actual), 0))
        .exclude(stored=F("actual"))
    )


def rebuild_stale_results() -> int:
    """Periodic safety net: rebuild the aggregates of surveys whose counters disagree with their responses."""
    surveys = stale_result_surveys()
    for survey in surveys:
        rebuild_results(survey)
    return len(surveys)


# --- Satisfaction index -----------------------------------------------------------------

INDEX_SQL = """
SELECT dept, COUNT(*) AS respondents, AVG(m) AS mean_rating, SUM(k) AS answers
FROM (
    SELECT q.department_id AS dept, a.response_id AS rid, AVG(a.number * 1.0) AS m, COUNT(*) AS k
    FROM {answer} a
    JOIN {question} q ON q.id = a.question_id
    JOIN {response} r ON r.id = a.response_id
    WHERE r.survey_id = %s AND r.status = 'submitted' AND r.exclusion_id IS NULL AND q.department_id IS NOT NULL
      AND q.kind IN ('rating', 'matrix') AND a.number BETWEEN 1 AND 5
    GROUP BY q.department_id, a.response_id
) per_respondent
GROUP BY dept
"""


def survey_index_rows(survey: Survey) -> list[tuple[int, int, float, int]]:
    """(department id, respondents, respondent-weighted mean rating, answers) for one survey, in one query."""
    sql = INDEX_SQL.format(answer=Answer._meta.db_table, question=Question._meta.db_table, response=Response._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, [survey.pk])
        return [(int(d), int(n), float(m), int(k)) for d, n, m, k in cursor.fetchall()]


def refresh_satisfaction_index(surveys=None) -> int:
    """Recompute the cached index rows of the given surveys (default: every open or closed survey)
    and of their periods. Idempotent: rows are upserted by their unique keys."""
    if surveys is None:
        surveys = list(Survey.objects.surveys().exclude(status=Survey.Status.DRAFT))
    written = 0
    periods = set()
    for survey in surveys:
        rows = survey_index_rows(survey)
        as_of = survey.closes_at if survey.closes_at and survey.closes_at <= timezone.now() else timezone.now()
        if survey.status != Survey.Status.OPEN and survey.closes_at is None:
            last = Response.objects.filter(survey=survey).counted().order_by("-submitted_at").values_list(
                "submitted_at", flat=True).first()
            as_of = last or as_of
        with transaction.atomic():
            SatisfactionIndex.objects.filter(survey=survey).exclude(department_id__in=[r[0] for r in rows]).delete()
            for dept, n, mean, k in rows:
                SatisfactionIndex.objects.update_or_create(
                    department_id=dept, survey=survey,
                    defaults={"period": survey.period, "score": scoring.rating_to_index(mean), "mean_rating": round(mean, 3),
                              "respondents": n, "answers": k, "as_of": as_of},
                )
                written += 1
        periods.add(survey.period)
    for period in periods:
        written += _refresh_period(period)
    return written


def _refresh_period(period: str) -> int:
    """Period rows combine the period's survey rows, weighted by respondents."""
    parts = defaultdict(list)
    answers = defaultdict(int)
    latest = {}
    for dept, mean, n, k, as_of in SatisfactionIndex.objects.filter(period=period, survey__isnull=False).values_list(
        "department_id", "mean_rating", "respondents", "answers", "as_of"
    ):
        parts[dept].append((mean, n))
        answers[dept] += k
        latest[dept] = max(latest.get(dept, as_of), as_of)
    with transaction.atomic():
        SatisfactionIndex.objects.filter(period=period, survey__isnull=True).exclude(department_id__in=list(parts)).delete()
        for dept, values in parts.items():
            mean = scoring.combine_periods(values)
            if mean is None:
                continue
            SatisfactionIndex.objects.update_or_create(
                department_id=dept, period=period, survey=None,
                defaults={"score": scoring.rating_to_index(mean), "mean_rating": round(mean, 3),
                          "respondents": sum(n for _m, n in values), "answers": answers[dept], "as_of": latest[dept]},
            )
    return len(parts)


PURGE_BATCH = 2000


def purge_stale_drafts(now=None) -> dict[str, int]:
    """Periodic (``surveys.purge_stale_drafts``): delete the drafts nobody submitted — those of closed surveys
    and those started more than ``QS_SURVEY_DRAFT_RETENTION_DAYS`` ago — in batches, old form-submission keys,
    and the expired server sessions (what ``manage.py clearsessions`` does). Idempotent."""
    now = now or timezone.now()
    days = getattr(settings, "QS_SURVEY_DRAFT_RETENTION_DAYS", 7)
    stale = Response.objects.filter(status=Response.Status.DRAFT).filter(
        Q(survey__status=Survey.Status.CLOSED) | Q(started_at__lt=now - timedelta(days=days))
    )
    drafts = 0
    while True:
        ids = list(stale.values_list("pk", flat=True)[:PURGE_BATCH])
        if not ids:
            break
        with transaction.atomic():
            # Locked first, so a draft submitted meanwhile is either submitted before (and kept) or refused.
            ids = list(Response.objects.filter(pk__in=ids, status=Response.Status.DRAFT).select_for_update().values_list("pk", flat=True))
            drafts += Response.objects.filter(pk__in=ids).delete()[1].get(Response._meta.label, 0)
    keys, _by_model = SubmissionKey.objects.filter(created_at__lt=now - timedelta(days=2)).delete()
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    return {"drafts": drafts, "submission_keys": keys}


# --- Suspicious bursts and their exclusion ---------------------------------------------------


class ExclusionError(Exception):
    """The exclusion cannot be made or undone; the message says why (translated)."""


@dataclass
class Burst:
    kind: str
    key: str
    responses: int
    excluded: int
    first: object
    last: object
    browsers: int = 0
    mean: float | None = None

    @property
    def label(self) -> str:
        if self.kind == ResponseExclusion.Kind.MINUTE:
            return timezone.localtime(self.first).strftime("%Y-%m-%d %H:%M")
        return self.key[:12]


def _minute_key(minute) -> str:
    return minute.astimezone(UTC).replace(second=0, microsecond=0).isoformat()


def _minute_range(key: str):
    try:
        start = datetime.fromisoformat(key)
    except (TypeError, ValueError):
        return None
    if start.tzinfo is None or start.second or start.microsecond:
        return None
    return start, start + timedelta(minutes=1)


def burst_responses(survey: Survey, kind: str, key: str):
    """The submitted responses of one burst, or None for a malformed key."""
    base = Response.objects.filter(survey=survey, status=Response.Status.SUBMITTED, submitted_at__isnull=False)
    if kind == ResponseExclusion.Kind.MINUTE:
        span = _minute_range(key)
        return None if span is None else base.filter(submitted_at__gte=span[0], submitted_at__lt=span[1])
    if kind == ResponseExclusion.Kind.BROWSER:
        if len(key) != 32 or any(c not in "0123456789abcdef" for c in key):
            return None
        return base.filter(browser_hash=key)
    return None


def _scaled_means(answers, group: str) -> dict:
    """Mean 1–5 answer to the department questions (what the index counts) per burst."""
    rows = (answers.filter(question__kind__in=Question.SCALED_KINDS, question__department__isnull=False, number__gte=1, number__lte=5)
            .values(group).annotate(m=Avg("number")).order_by())
    return {row[group]: round(float(row["m"]), 2) for row in rows if row["m"] is not None}


def bursts(survey: Survey, per_minute: int, limit: int = 100) -> list[Burst]:
    """Suspicious bursts of a survey's submitted responses: minutes with more than ``per_minute`` responses
    and browser ids with more than one response, largest first (at most ``limit`` of each). Four queries
    (the survey's responses grouped by minute and by browser, and the mean 1–5 answer of the bursts listed)."""
    base = Response.objects.filter(survey=survey, status=Response.Status.SUBMITTED, submitted_at__isnull=False)
    sums = {"n": Count("pk"), "x": Count("pk", filter=Q(exclusion__isnull=False)), "first": Min("submitted_at"),
            "last": Max("submitted_at")}
    minutes = list(
        base.annotate(minute=TruncMinute("submitted_at", tzinfo=UTC)).values("minute")
        .annotate(**sums, b=Count("browser_hash", distinct=True, filter=~Q(browser_hash=""))).filter(n__gt=per_minute)
        .order_by("-n", "minute")[:limit]
    )
    browsers = list(
        base.exclude(browser_hash="").values("browser_hash").annotate(**sums).filter(n__gt=1).order_by("-n", "browser_hash")[:limit]
    )
    found = [Burst(ResponseExclusion.Kind.MINUTE, _minute_key(r["minute"]), r["n"], r["x"], r["first"], r["last"], browsers=r["b"])
             for r in minutes]
    found += [Burst(ResponseExclusion.Kind.BROWSER, r["browser_hash"], r["n"], r["x"], r["first"], r["last"], browsers=1)
              for r in browsers]
    answers = Answer.objects.filter(response__survey=survey, response__status=Response.Status.SUBMITTED)
    if minutes:
        means = _scaled_means(
            answers.filter(response__submitted_at__gte=min(r["minute"] for r in minutes),
                           response__submitted_at__lt=max(r["minute"] for r in minutes) + timedelta(minutes=1))
            .annotate(minute=TruncMinute("response__submitted_at", tzinfo=UTC)), "minute")
        for burst, row in zip(found, minutes, strict=False):
            burst.mean = means.get(row["minute"])
    if browsers:
        means = _scaled_means(answers.filter(response__browser_hash__in=[r["browser_hash"] for r in browsers]), "response__browser_hash")
        for burst in found[len(minutes):]:
            burst.mean = means.get(burst.key)
    return found


def _chunks(ids: list[int]):
    """``ids`` in slices of PURGE_BATCH (an ``IN (…)`` list stays below SQLite's variable limit)."""
    size = PURGE_BATCH
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _count_responses(survey: Survey, ids: list[int], sign: int) -> None:
    """Add (+1) or take away (−1) these submitted responses in the stored aggregates, with the counter code
    of the submit (``counter_increments``): the same rows a submit writes, summed and signed. Counters that
    would go below zero (written behind the counters' back) make it rebuild them instead."""
    form = SurveyForm.load(survey)
    totals: dict = {}
    for chunk in _chunks(ids):
        answers: dict[int, dict[int, list[Cell]]] = defaultdict(lambda: defaultdict(list))
        for rid, qid, item, number, text in Answer.objects.filter(response_id__in=chunk).values_list(
            "response_id", "question_id", "item", "number", "text"
        ):
            if qid in form.questions:
                answers[rid][qid].append(Cell(item=item, number=number, text=text))
        for rid, rtype, place_id, submitted_at in Response.objects.filter(pk__in=chunk).values_list(
            "pk", "respondent_type", "place_id", "submitted_at"
        ):
            for model, keys, adds, rows in counter_increments(survey, form.questions, answers.get(rid, {}), rtype, place_id, submitted_at):
                _keys, _adds, by_key = totals.setdefault(model, (keys, adds, {}))
                for row in rows:
                    sums = by_key.setdefault(row[:len(keys)], [0] * len(adds))
                    for i, value in enumerate(row[len(keys):]):
                        sums[i] += value
    try:
        with transaction.atomic():
            for model in COUNTER_MODELS:  # the lock order
                if model in totals:
                    keys, adds, sums = totals[model]
                    _upsert(model, keys, adds, [(*key, *(sign * v for v in values)) for key, values in sums.items()])
    except IntegrityError:  # a counter below zero: they were off already
        rebuild_results(survey)


def exclude_burst(survey: Survey, kind: str, key: str, reason: str, by) -> ResponseExclusion:
    """Exclude the burst's responses that are still counted from the results and the index: one
    ``ResponseExclusion`` (who, when, why), an entry in the survey's history, the stored aggregates and the
    satisfaction index updated. Responses claimed by a concurrent exclusion are not claimed twice (row locks);
    a burst with nothing left to exclude raises ExclusionError and records nothing."""
    reason = (reason or "").strip()
    if not reason:
        raise ExclusionError(_("Give the reason for the exclusion."))
    responses = burst_responses(survey, kind, key)
    if responses is None:
        raise ExclusionError(_("This burst does not exist. Reload the page."))
    with transaction.atomic():
        ids = list(responses.filter(exclusion__isnull=True).select_for_update().values_list("pk", flat=True))
        if not ids:
            raise ExclusionError(_("These responses are already excluded."))
        record = ResponseExclusion.objects.create(survey=survey, kind=kind, key=key, reason=reason[:MAX_REASON_LENGTH],
                                                  responses=len(ids), created_by=by)
        for chunk in _chunks(ids):
            Response.objects.filter(pk__in=chunk, exclusion__isnull=True).update(exclusion=record)
        _count_responses(survey, ids, -1)
        _audit(survey, _("Excluded %(n)d responses (%(kind)s): %(reason)s") % {
            "n": len(ids), "kind": record.get_kind_display(), "reason": reason})
    refresh_satisfaction_index(surveys=[survey])
    return record


def include_again(record: ResponseExclusion, by) -> int:
    """Undo an exclusion: its responses count again (aggregates and index updated); the record stays, with
    who included them again and when. Returns the number of responses."""
    with transaction.atomic():
        record = ResponseExclusion.objects.select_for_update().get(pk=record.pk)
        if record.restored_at is not None:
            raise ExclusionError(_("These responses have already been included again."))
        ids = list(Response.objects.filter(exclusion=record).select_for_update().values_list("pk", flat=True))
        for chunk in _chunks(ids):
            Response.objects.filter(pk__in=chunk).update(exclusion=None)
        _count_responses(record.survey, ids, +1)
        record.restored_by, record.restored_at = by, timezone.now()
        record.save(update_fields=["restored_by", "restored_at"])
        _audit(record.survey, _("Included %(n)d excluded responses again (%(kind)s)") % {"n": len(ids), "kind": record.get_kind_display()})
    refresh_satisfaction_index(surveys=[record.survey])
    return len(ids)


def _audit(survey: Survey, reason: str) -> None:
    """An entry in the survey's history (simple-history: the signed-in user and the time, with ``reason``)."""
    locked = Survey.objects.select_for_update().get(pk=survey.pk)  # a fresh row: saving it changes nothing
    locked._change_reason = reason[:100]
    locked.save()


# --- Exports ----------------------------------------------------------------------------


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
        .order_by("pk").values_list("pk", "submitted_at", "respondent_type", "place__name").iterator(chunk_size=2000)
    )
    answers = (
        submitted_answers(survey).order_by("response_id", "question_id", "item")
        .values_list("response_id", "question_id", "item", "number", "text").iterator(chunk_size=2000)
    )
    pending = next(answers, None)
    for pk, submitted_at, rtype, place in responses:
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
        yield [pk, local, str(types.get(rtype, "")), place or "", *cells]


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


class CountedAnswers:
    """A queryset with a known length, for the Paginator: its count comes from the stored counters
    instead of a COUNT over the answers."""

    ordered = True

    def __init__(self, queryset, count: int):
        self.queryset = queryset
        self._count = count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, key):
        return self.queryset[key]


def text_answers(survey: Survey, questions: list[Question], count: int | None = None):
    """Non-empty free-text answers of submitted responses, by question then newest first
    (index ``surveys_answer_text_page_idx`` serves the order; LIMIT/OFFSET per page). With ``count``
    (``results(...)["text_count"]``) the paginator needs no COUNT query."""
    ids = [q.pk for q in questions if q.kind == Question.Kind.TEXT]
    queryset = (
        Answer.objects.filter(question_id__in=ids, response__status=Response.Status.SUBMITTED, response__exclusion__isnull=True)
        .exclude(text="")
        .select_related("question__department", "response").order_by("question_id", "-id")
    )
    return queryset if count is None else CountedAnswers(queryset, count)


def stored_response_total():
    """Annotation: a survey's submitted responses from the stored per-day counters (0 without any)."""
    total = ResponseDay.objects.filter(survey=OuterRef("pk")).order_by().values("survey").annotate(n=Sum("count")).values("n")
    return Coalesce(Subquery(total), 0)


def response_counts(survey_ids: list[int]) -> dict[int, int]:
    """Submitted responses per survey, from the stored per-day counters."""
    return dict(
        ResponseDay.objects.filter(survey_id__in=survey_ids).order_by()
        .values("survey_id").annotate(n=Sum("count")).values_list("survey_id", "n")
    )

