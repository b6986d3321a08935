"""Answering a survey: its structure loaded once, validation of the posted answers, drafts (autosave),
the submit (one response per person where the survey knows the person), tokens, and the purge of drafts
nobody submitted."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from importlib import import_module
from types import MappingProxyType

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qualityservice.core import fastinsert, pagecache
from qualityservice.core.i18n import localised
from qualityservice.core.submissions import scoped
from qualityservice.core.workflow import TransitionError

from .counters import counter_upserts, lock_results, results_lock_key
from .models import MAX_TEXT_LENGTH, Answer, Participation, Question, RespondentType, Response, Survey, Token
from .workflows import RESPONSE


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
        position = {q.pk: i for i, q in enumerate(q for sec in sections for q in sec.question_list)}
        for q in questions:
            parent = by_id.get(q.show_if_question_id)
            q.show_if_text = parent.display_text if parent else ""
            q.show_if_problem = skip_logic_problem(q, parent, position) if parent else ""
        return cls(survey=survey, sections=sections, questions={q.pk: q for q in questions})

    @classmethod
    def cached(cls, survey: Survey) -> FrozenSurveyForm:
        """The survey's structure for validating answers, kept per process (``pagecache.memo``: rebuilt when
        a survey, section, question or option is saved or deleted). Shared by every request: read-only —
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
    show_if_values: frozenset[int]
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
                show_if_values=q.show_if_values,
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


def skip_logic_problem(question: Question, parent: Question, position: dict[int, int]) -> str:
    """Why ``question`` can never appear (its condition on ``parent`` cannot be met), or ``""``: the builder
    shows it next to the question. ``position``: each question's place in the survey's order."""
    if position.get(parent.pk, -1) >= position.get(question.pk, -1):
        return _("It depends on a question that comes after it: move it below “%(q)s” or change the condition.") % {
            "q": parent.display_text}
    possible = set(parent.answer_values(getattr(parent, "option_list", None)))
    if not question.show_if_values & possible:
        return _("No answer to “%(q)s” is %(values)s, so this question never appears: change the condition.") % {
            "q": parent.display_text, "values": question.show_if_value or "—"}
    return ""


def visible_questions(form: SurveyForm, answers: dict[int, list[Cell]]) -> list[Question]:
    """Skip logic: a question with a condition shows only when the earlier question is shown
    and its answer is one of the condition's (``show_if_values``: e.g. 0–6 of a score; for a multiple
    choice: one of the options is among those chosen)."""
    shown = []
    shown_ids = set()
    for q in form.ordered():
        if q.show_if_question_id:
            if q.show_if_question_id not in shown_ids:
                continue
            values = {c.number for c in answers.get(q.show_if_question_id, [])}
            if not values & q.show_if_values:
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
    row starts with the first real answer. The draft row is locked first, so an autosave and the submit of
    the same draft (a save still in flight when Submit is pressed) take turns: a save that comes second finds
    the draft submitted and stores nothing."""
    draft = draft or find_draft(survey, respondent)
    if draft is None and (change.empty or not respondent.can_keep_draft):
        return None
    with transaction.atomic():
        if draft is None:
            draft = get_or_create_draft(survey, respondent)
        if Response.objects.select_for_update().filter(pk=draft.pk, status=Response.Status.DRAFT).values_list(
                "pk", flat=True).first() is None:
            return None  # submitted (or purged) meanwhile
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


def _submission_key(data) -> str | None:
    """The stored key of the posted answer form (``core.submissions.scoped``), None without one."""
    return scoped("response", (data.get("submission_key") or "").strip())


def submit(survey: Survey, respondent: Respondent, data) -> tuple[Response | None, list[str]]:
    """Validate every answer; on success store the submitted response. Returns (response, []) or
    (None, errors). Valid answers of a failed attempt are kept in the draft so the respondent loses
    nothing, but nothing becomes a response. Raises AlreadyAnswered.

    A respondent with a draft has it turned into the response (``workflows.RESPONSE``: draft → submitted);
    one without (the usual case: a form answered in one go) gets the response created as submitted with its
    answers and counters by ``core.fastinsert.insert_together`` — on PostgreSQL one statement. The same form
    posted twice (its ``submission_key``) makes one response: the key's unique constraint refuses the
    second, which then answers with the first (``core.submissions``' scheme, without the look-up first:
    the hot path stays one statement)."""
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
        "submitted_at": now, "draft_key": None, "language": (data.get("lang") or "")[:10],
        "submission_key": key, "respondent_type": meta.get("respondent_type", ""), "place_id": meta.get("place_id"),
        "browser_hash": respondent.browser_hash,
    }
    if not survey.anonymous:  # an anonymous survey stores no identity with the answers
        fields.update(user=respondent.user, token=respondent.token)
    upserts = counter_upserts(survey, form.questions, kept, meta.get("respondent_type", ""), meta.get("place_id"), now)
    draft = find_draft(survey, respondent)  # no query without a draft key
    try:
        if draft is None and not respondent.person:
            # The usual case (a form answered in one go by anyone with the link): one statement on PostgreSQL.
            response = _create_submitted(survey, fields, kept, upserts, now)
            return response, []
        with transaction.atomic():
            lock_results(survey.pk)
            if respondent.person:
                # The database's unique constraint decides between concurrent submits.
                Participation.objects.create(survey=survey, person=respondent.person)
            if respondent.token is not None:
                claimed = Token.objects.filter(pk=respondent.token.pk, survey=survey, used_at__isnull=True).update(used_at=now)
                if claimed != 1:
                    raise AlreadyAnswered
            if draft is None:
                response = _create_submitted(survey, fields, kept, upserts, now)
            else:
                try:  # locks the draft row first: an autosave of this draft still in flight waits, or went first
                    response = RESPONSE.apply(draft, "submit", system=True, fields=fields)
                except (TransitionError, Response.DoesNotExist):  # submitted (or purged) meanwhile
                    raise AlreadyAnswered from None
                Answer.objects.filter(response=response).delete()  # the draft's answers: replaced by the valid ones
                Answer.objects.bulk_create(_answer_rows(kept, response))
                fastinsert.upsert(*upserts)
    except IntegrityError:
        if key is not None:
            repeat = Response.objects.filter(survey=survey, submission_key=key, status=Response.Status.SUBMITTED).first()
            if repeat is not None:
                return repeat, []  # the same form posted twice: one response
        raise AlreadyAnswered from None
    return response, []


def _answer_rows(answers: dict[int, list[Cell]], response: Response | None = None) -> list[Answer]:
    return [Answer(response=response, question_id=qid, item=c.item, number=c.number, text=c.text)
            for qid, cells in answers.items() for c in cells]


def _create_submitted(survey: Survey, fields: dict, answers: dict[int, list[Cell]], upserts, now) -> Response:
    """Create the response as submitted with its answers and counter increments (``core.fastinsert``: one
    statement on PostgreSQL, under the survey's shared results lock; no model signals — Response and Answer
    have no receivers). A repeated submission key raises IntegrityError and writes nothing."""
    response = Response(survey=survey, status=Response.Status.SUBMITTED, started_at=now, **fields)
    fastinsert.insert_together(response, many=[(_answer_rows(answers), "response_id")], upserts=upserts,
                               shared_lock=results_lock_key(survey.pk))
    return response


def has_answered(survey: Survey, respondent: Respondent) -> bool:
    if respondent.token is not None and respondent.token.used_at is not None:
        return True
    return bool(respondent.person) and Participation.objects.filter(survey=survey, person=respondent.person).exists()


def issue_tokens(survey: Survey, count: int, batch: str, recipients: list[str] | None = None, *,
                 submission_key: str | None = None) -> Token | None:
    """Issue a batch of ``count`` tokens; returns the first (None for none). ``submission_key``: the batch
    form's scoped key, kept by the first token (``create_once``: a double-submitted form issues one batch)."""
    recipients = recipients or []
    tokens = [Token(survey=survey, batch=batch, recipient=(recipients[i] if i < len(recipients) else "")) for i in range(count)]
    if tokens:
        tokens[0].submission_key = submission_key
    with transaction.atomic():
        Token.objects.bulk_create(tokens, batch_size=1000)
    return tokens[0] if tokens else None


PURGE_BATCH = 2000


def purge_stale_drafts(now=None) -> dict[str, int]:
    """Periodic (``surveys.purge_stale_drafts``): delete the drafts nobody submitted — those of closed surveys
    and those started more than ``QS_SURVEY_DRAFT_RETENTION_DAYS`` ago — in batches, and the expired server
    sessions (what ``manage.py clearsessions`` does). Idempotent."""
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
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    return {"drafts": drafts}
