"""Surveys and the satisfaction index (product.md section D).

A survey has sections and questions; questions of type choice and matrix have options (for a
matrix the options are its items, answered on the 1–5 scale). Respondents answer into a draft
``Response`` (status draft) that becomes a response only when submitted and fully valid.

One response per person: a ``Participation`` row per (survey, person key) — the person key is the
signed-in account or the single-use token — under a database unique constraint, written in the
same transaction that submits the response. Participation rows carry no link to the answers, so an
anonymous survey stores no identity with its answers.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from qualityservice.core.i18n import localised as _localised
from qualityservice.core.permissions import DepartmentScopedQuerySet, department_scope
from qualityservice.core.submissions import SubmissionKeyField

MAX_TEXT_LENGTH = 2000
RATING_MIN, RATING_MAX = 1, 5
NPS_MIN, NPS_MAX = 0, 10


# Skip logic names the answers that make a question appear: "3", "1,3", "0-6" (also "0–6", "0~6", "0至6",
# Chinese commas and 、). Stored in the compact form ``format_answer_values`` writes ("0-6", "1,3,5-7").
_VALUE_SEPARATORS = str.maketrans({",": " ", "、": " ", ";": " ", "/": " ", "–": "-", "—": "-", "~": "-", "至": "-", "到": "-"})
_VALUE_TOKEN = re.compile(r"(\d{1,3})(?:-(\d{1,3}))?", re.ASCII)


def parse_answer_values(text: str) -> frozenset[int] | None:
    """The answer numbers a skip-logic condition names, or None when it cannot be read (a word, a range
    that runs backwards). ``""`` gives the empty set. Full-width digits and punctuation are read too."""
    cleaned = unicodedata.normalize("NFKC", text or "").translate(_VALUE_SEPARATORS)
    cleaned = re.sub(r"\s*-\s*", "-", cleaned.strip())
    values: set[int] = set()
    for token in cleaned.split():
        match = _VALUE_TOKEN.fullmatch(token)
        if match is None:
            return None
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) is not None else first
        if last < first:
            return None
        values.update(range(first, last + 1))
    return frozenset(values)


def format_answer_values(values) -> str:
    """The compact form of a set of answer numbers: runs of three or more as ranges ("0-6", "1,3,5-7")."""
    ordered = sorted(set(values))
    parts, start = [], 0
    while start < len(ordered):
        end = start
        while end + 1 < len(ordered) and ordered[end + 1] == ordered[end] + 1:
            end += 1
        if end - start >= 2:
            parts.append(f"{ordered[start]}-{ordered[end]}")
        else:
            parts.extend(str(v) for v in ordered[start:end + 1])
        start = end + 1
    return ",".join(parts)


def new_survey_code() -> str:
    """Unguessable code for the public link: 96 random bits, URL-safe."""
    return secrets.token_urlsafe(12)


def new_token_code() -> str:
    return secrets.token_urlsafe(12)


def new_draft_key() -> str:
    return secrets.token_urlsafe(24)


def current_period() -> str:
    return str(timezone.localdate().year)




class SurveyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Supervisors/admins: every survey (also those without questions yet). Heads and others: the surveys
        with a question they may see — core's department scoping of ``Question`` decides which."""
        if department_scope(user) is None:
            return self
        return self.filter(Exists(Question.objects.visible_to(user).filter(survey=OuterRef("pk"))))

    def templates(self):
        return self.filter(is_template=True)

    def surveys(self):
        return self.filter(is_template=False)


class Survey(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("survey status", "Draft")
        OPEN = "open", pgettext_lazy("survey status", "Open")
        CLOSED = "closed", pgettext_lazy("survey status", "Closed")

    class Audience(models.TextChoices):
        ANYONE = "anyone", _("Anyone with the link")
        SIGNED_IN = "signed_in", _("Signed-in users only (one response each)")
        TOKEN = "token", _("Single-use tokens (one response per token)")

    class Kind(models.TextChoices):
        CUSTOM = "custom", _("Custom")
        SATISFACTION = "satisfaction", _("Satisfaction survey")
        SERVQUAL = "servqual", _("SERVQUAL")
        NPS = "nps", _("Net Promoter Score")

    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description = models.TextField(_("introduction"), blank=True)
    description_en = models.TextField(_("introduction (English)"), blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.CUSTOM)
    is_template = models.BooleanField(_("template"), default=False)
    template_key = models.SlugField(_("template key"), max_length=40, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices, default=Audience.ANYONE)
    # members: a signed-in audience narrowed to member types (comma-separated MemberKind values) and colleges;
    # both empty: every signed-in account. See members.services.in_audience.
    member_kinds = models.CharField(_("only these member types"), max_length=40, blank=True)
    member_colleges = models.ManyToManyField("members.College", verbose_name=_("only these colleges / units"), blank=True,
                                             related_name="+")
    anonymous = models.BooleanField(
        _("anonymous"), default=True, help_text=_("Anonymous surveys store no identity with the answers.")
    )
    ask_respondent_type = models.BooleanField(_("ask whether student, teacher or staff"), default=True)
    ask_place = models.BooleanField(_("ask which place the answers are about"), default=False)
    period = models.CharField(
        _("period"), max_length=20, default=current_period,
        help_text=_("The period the satisfaction index of this survey counts for, e.g. 2026 or 2026-spring."),
    )
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    target_responses = models.PositiveIntegerField(_("target number of responses"), null=True, blank=True)
    public_code = models.CharField(_("public code"), max_length=24, unique=True, default=new_survey_code, editable=False)
    copied_from = models.ForeignKey(
        "self", verbose_name=_("copied from"), null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # A double-submitted "new survey" or "copy" form makes one survey (core.submissions.create_once).
    submission_key = SubmissionKeyField()
    # Set while the stored result counters are rebuilt in the background (counters.schedule_rebuild): the
    # results page says so until the task is done.
    results_rebuilding = models.DateTimeField(_("results being rebuilt since"), null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["public_code", "submission_key", "results_rebuilding"])

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["template_key"], condition=~Q(template_key=""), name="surveys_survey_unique_template_key"
            ),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True) | Q(closes_at__isnull=True) | Q(closes_at__gt=models.F("opens_at")),
                name="surveys_survey_closes_after_opens",
            ),
        ]
        indexes = [
            # Survey list: WHERE is_template = ? ORDER BY created_at DESC
            models.Index(fields=["is_template", "-created_at"], name="surveys_survey_list_idx"),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return _localised(self, "title")

    @property
    def display_description(self) -> str:
        return _localised(self, "description")

    def get_absolute_url(self) -> str:
        return reverse("surveys:builder", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("surveys:start", args=[self.public_code])

    @property
    def member_kind_list(self) -> list[str]:
        return [k for k in self.member_kinds.split(",") if k]

    def admits(self, user) -> bool:
        """members: whether a signed-in account is in this survey's audience (member types, colleges)."""
        from qualityservice.members.services import in_audience

        colleges = list(self.member_colleges.values_list("pk", flat=True)) if self.audience == self.Audience.SIGNED_IN else []
        return in_audience(user, self.member_kind_list, colleges)

    def is_accepting(self, now=None) -> bool:
        """A survey accepts answers only while open and inside its dates."""
        if self.is_template or self.status != self.Status.OPEN:
            return False
        now = now or timezone.now()
        if self.opens_at and now < self.opens_at:
            return False
        if self.closes_at and now >= self.closes_at:
            return False
        return True


class SurveyStatusLog(models.Model):
    """Who moved a survey from one status to another, and when: the timeline of ``workflows.SurveyFlow``."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="status_log")
    from_status = models.CharField(_("from"), max_length=8, choices=Survey.Status.choices)
    to_status = models.CharField(_("to"), max_length=8, choices=Survey.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("survey status change")
        verbose_name_plural = _("survey status changes")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class Section(models.Model):
    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    # A double-submitted "add section" form adds one section.
    submission_key = SubmissionKeyField()

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return _localised(self, "title")


class ServqualDimension(models.TextChoices):
    TANGIBLES = "tangibles", _("Tangibles")
    RELIABILITY = "reliability", _("Reliability")
    RESPONSIVENESS = "responsiveness", _("Responsiveness")
    ASSURANCE = "assurance", _("Assurance")
    EMPATHY = "empathy", _("Empathy")


class QuestionQuerySet(DepartmentScopedQuerySet):
    department_field = "department"


class Question(models.Model):
    class Kind(models.TextChoices):
        RATING = "rating", _("Rating 1–5")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TEXT = "text", _("Text")
        NPS = "nps", _("Recommendation 0–10 (NPS)")
        MATRIX = "matrix", _("Matrix (several items rated 1–5)")

    class ServqualPart(models.TextChoices):
        EXPECTATION = "expectation", _("Expectation")
        PERCEPTION = "perception", _("Perception")

    SCALED_KINDS = (Kind.RATING, Kind.MATRIX)  # answers on the 1–5 scale: they feed the satisfaction index
    OPTION_KINDS = (Kind.SINGLE, Kind.MULTIPLE, Kind.MATRIX)

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, verbose_name=_("section"), on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveIntegerField(_("order"), default=0)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.RATING)
    text = models.CharField(_("question"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=400, blank=True)
    required = models.BooleanField(_("required"), default=True)
    department = models.ForeignKey(
        "org.Department", verbose_name=_("department"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="survey_questions", help_text=_("The department this question rates (for the satisfaction index)."),
    )
    department_code = models.SlugField(
        _("department code"), max_length=40, blank=True,
        help_text=_("Templates name departments by code; copying a template resolves the code."),
    )
    servqual_dimension = models.CharField(
        _("SERVQUAL dimension"), max_length=16, choices=ServqualDimension.choices, blank=True
    )
    servqual_part = models.CharField(_("SERVQUAL part"), max_length=12, choices=ServqualPart.choices, blank=True)
    show_if_question = models.ForeignKey(
        "self", verbose_name=_("show only if question"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="dependents",
    )
    show_if_value = models.CharField(
        _("has the answer"), max_length=20, blank=True,
        help_text=_("The rating, score or option number that makes this question appear."),
    )
    # A double-submitted "add question" form adds one question.
    submission_key = SubmissionKeyField()

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["section__order", "order", "pk"]
        indexes = [
            # Satisfaction index: questions of a department (JOIN answers ON question_id)
            models.Index(fields=["department", "kind"], name="surveys_question_dept_idx"),
        ]

    def __str__(self) -> str:
        return self.display_text

    @property
    def display_text(self) -> str:
        return _localised(self, "text")

    @property
    def field_name(self) -> str:
        return f"q{self.pk}"

    @property
    def show_if_values(self) -> frozenset[int]:
        """The answers of ``show_if_question`` that make this question appear (empty: none can)."""
        return parse_answer_values(self.show_if_value) or frozenset()

    @property
    def show_if_value_list(self) -> list[int]:
        return sorted(self.show_if_values)

    def scale(self) -> list[int]:
        if self.kind == self.Kind.NPS:
            return list(range(NPS_MIN, NPS_MAX + 1))
        if self.kind in self.SCALED_KINDS:
            return list(range(RATING_MIN, RATING_MAX + 1))
        return []

    def answer_values(self, options=None) -> list[int]:
        """The numbers an answer to this question can be, for skip logic: the scale of a rating or score,
        the option numbers of a choice (``options``: the options when already loaded)."""
        if self.kind in (self.Kind.SINGLE, self.Kind.MULTIPLE):
            return sorted(o.value for o in (self.options.all() if options is None else options))
        if self.kind == self.Kind.MATRIX:
            return []
        return self.scale()


class Option(models.Model):
    """A choice of a single/multiple-choice question, or an item of a matrix. ``value`` is its
    number within the question (1, 2, …): answers and skip logic refer to it, so it survives copies."""

    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="options")
    value = models.PositiveSmallIntegerField(_("number"))
    text = models.CharField(_("text"), max_length=200)
    text_en = models.CharField(_("text (English)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["value"]
        constraints = [
            models.UniqueConstraint(fields=["question", "value"], name="surveys_option_unique_value"),
        ]

    def __str__(self) -> str:
        return self.display_text

    @property
    def display_text(self) -> str:
        return _localised(self, "text")


class Token(models.Model):
    """A single-use invitation to answer a survey (issued in batches, exported for mail-merge)."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="tokens")
    code = models.CharField(_("code"), max_length=24, unique=True, default=new_token_code)
    batch = models.CharField(_("batch"), max_length=60, blank=True)
    recipient = models.CharField(_("recipient"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    # The first token of a batch carries the batch form's key: a double-submitted form issues one batch.
    submission_key = SubmissionKeyField()

    class Meta:
        verbose_name = _("token")
        verbose_name_plural = _("tokens")
        ordering = ["pk"]
        indexes = [
            # Distribution page: tokens of a survey, used or not
            models.Index(fields=["survey", "used_at"], name="surveys_token_survey_used_idx"),
        ]

    def __str__(self) -> str:
        return self.code


class Participation(models.Model):
    """That a person (an account ``u:<id>`` or a token ``t:<id>``) has answered a survey. The
    unique constraint is what enforces one response per person, also under concurrent submits.
    It is deliberately not linked to the response, and carries no time."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="participations")
    person = models.CharField(_("person"), max_length=40)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(fields=["survey", "person"], name="surveys_participation_once_per_person"),
        ]

    def __str__(self) -> str:
        return self.person


class RespondentType(models.TextChoices):
    STUDENT = "student", _("Student")
    TEACHER = "teacher", _("Teacher")
    STAFF = "staff", _("Staff")
    OTHER = "other", _("Other")


class ResponseQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(status=Response.Status.SUBMITTED)

    def counted(self):
        """Submitted and not excluded: what the results and the satisfaction index count."""
        return self.filter(status=Response.Status.SUBMITTED, exclusion__isnull=True)


class ResponseExclusion(models.Model):
    """The survey owner's decision to leave a suspicious burst of responses out of the results and the
    index: which burst, why, who and when — and who included it again (``restored_*``). The responses
    point at it (``Response.exclusion``); see bursts.exclude_burst / include_again."""

    class Kind(models.TextChoices):
        MINUTE = "minute", _("Many responses in one minute")
        BROWSER = "browser", _("Several responses from one browser")

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="exclusions")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # The burst: the minute's start (ISO 8601, UTC) or the browser's keyed hash.
    key = models.CharField(_("burst"), max_length=64)
    reason = models.TextField(_("reason"))
    responses = models.PositiveIntegerField(_("responses"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("excluded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("excluded"), default=timezone.now)
    restored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("included again by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    restored_at = models.DateTimeField(_("included again"), null=True, blank=True)

    class Meta:
        verbose_name = _("response exclusion")
        verbose_name_plural = _("response exclusions")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # Bursts page: WHERE survey_id = ? ORDER BY created_at DESC
            models.Index(fields=["survey", "-created_at"], name="surveys_exclusion_survey_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}"

    @property
    def active(self) -> bool:
        return self.restored_at is None

    @property
    def label(self) -> str:
        """The burst as the page shows it: the local minute, or the start of the browser's hash."""
        if self.kind == self.Kind.MINUTE:
            try:
                return timezone.localtime(datetime.fromisoformat(self.key)).strftime("%Y-%m-%d %H:%M")
            except ValueError:
                return self.key
        return self.key[:12]


class Response(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("survey response status", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("survey response status", "Submitted")

    # Foreign keys without an index of their own where an index below leads with them (survey), or with a partial
    # one (most responses have no place, account, token or exclusion): every index is written on every response.
    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="responses",
                               db_index=False)  # surveys_response_results_idx
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Bound to the respondent's browser id, session or token while a draft; cleared on submit.
    draft_key = models.CharField(max_length=48, null=True, blank=True, unique=True, editable=False)
    respondent_type = models.CharField(_("respondent"), max_length=10, choices=RespondentType.choices, blank=True)
    place = models.ForeignKey(
        "org.Place", verbose_name=_("place"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        db_index=False,
    )
    # Identity only for surveys that are not anonymous (and say so on their first page).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("respondent account"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", db_index=False,
    )
    token = models.ForeignKey(Token, verbose_name=_("token"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              db_index=False)
    language = models.CharField(_("language"), max_length=10, blank=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # The answer form's random key: a double-submitted form makes one response.
    submission_key = SubmissionKeyField()
    # A keyed hash of the browser id cookie and the survey (views.browser_hash): groups the responses of one
    # browser for the bursts page; not reversible, different in every survey, never linked to a person.
    browser_hash = models.CharField(max_length=32, blank=True, default="", editable=False)
    # Set when the survey owner excluded the response (a suspicious burst): results and index skip it.
    exclusion = models.ForeignKey(
        ResponseExclusion, verbose_name=_("excluded by decision"), null=True, blank=True, on_delete=models.RESTRICT,
        related_name="excluded_responses", editable=False, db_index=False,
    )

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["pk"]
        indexes = [
            # Results: submitted responses of a survey, counted per day
            models.Index(fields=["survey", "status", "submitted_at"], name="surveys_response_results_idx"),
            # Bursts page: GROUP BY browser_hash over a survey's submitted responses that have one
            models.Index(fields=["survey", "browser_hash"], condition=Q(status="submitted") & ~Q(browser_hash=""),
                         name="surveys_response_browser_idx"),
            # Periodic purge: WHERE status = 'draft' AND started_at < ?
            models.Index(fields=["started_at"], condition=Q(status="draft"), name="surveys_response_draft_age_idx"),
            # The other foreign keys, for their look-ups and ON DELETE: only the rows that have one.
            *[models.Index(fields=[fk], name=f"surveys_response_{fk}_idx", condition=Q(**{f"{fk}__isnull": False}))
              for fk in ("place", "user", "token", "exclusion")],
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"


class Answer(models.Model):
    """One answer: ``number`` for rating/NPS/single choice/matrix cells, ``item`` for the matrix
    item or the chosen option of a multiple choice (0 otherwise), ``text`` for text answers."""

    # No index of their own: surveys_answer_unique_cell leads with the response, surveys_answer_question_idx with
    # the question (ten answers a response, each index written ten times).
    response = models.ForeignKey(Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers",
                                 db_index=False)
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers",
                                 db_index=False)
    item = models.PositiveSmallIntegerField(pgettext_lazy("survey matrix", "item"), default=0)
    number = models.SmallIntegerField(_("number"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    feedback_ref = models.CharField(_("feedback record"), max_length=60, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("survey", "answer")
        verbose_name_plural = pgettext_lazy("survey", "answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question", "item"], name="surveys_answer_unique_cell"),
        ]
        indexes = [
            # Distributions and averages: GROUP BY question, item, number over one survey's answers
            models.Index(fields=["question", "item", "number"], name="surveys_answer_question_idx"),
            # Free-text list on the results page (partial: text answers only):
            # WHERE question_id IN (…) AND NOT text = '' ORDER BY question_id, id DESC LIMIT 20 OFFSET k
            models.Index(fields=["question", "-id"], condition=~Q(text=""), name="surveys_answer_text_page_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:40] if self.text else str(self.number)


class SatisfactionIndexQuerySet(DepartmentScopedQuerySet):
    department_field = "department"


class SatisfactionIndex(models.Model):
    """Cached aggregate read by dashboards and the year-end evaluation. Two kinds of rows:
    per survey (``survey`` set) — the trend across surveys — and per period (``survey`` empty).
    Formula (see README): index = (m − 1) / 4 × 100 where m is the mean over respondents of each
    respondent's mean answer to the department's 1–5 questions (rating and matrix)."""

    department = models.ForeignKey("org.Department", verbose_name=_("department"), on_delete=models.CASCADE, related_name="+")
    period = models.CharField(_("period"), max_length=20)
    survey = models.ForeignKey(Survey, verbose_name=_("survey"), null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("satisfaction index"))
    mean_rating = models.FloatField(_("mean rating"))
    respondents = models.PositiveIntegerField(_("respondents"))
    answers = models.PositiveIntegerField(pgettext_lazy("survey", "answers"))
    as_of = models.DateTimeField(_("date"))
    computed_at = models.DateTimeField(_("computed"), auto_now=True)

    objects = SatisfactionIndexQuerySet.as_manager()

    class Meta:
        verbose_name = _("satisfaction index")
        verbose_name_plural = _("satisfaction indices")
        ordering = ["department_id", "as_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "survey"], condition=Q(survey__isnull=False), name="surveys_index_one_per_survey"
            ),
            models.UniqueConstraint(
                fields=["department", "period"], condition=Q(survey__isnull=True), name="surveys_index_one_per_period"
            ),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=100), name="surveys_index_score_0_100"),
        ]
        indexes = [
            # Department page trend: WHERE department_id = ? ORDER BY as_of
            models.Index(fields=["department", "as_of"], name="surveys_index_dept_trend_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.period}: {self.score}"


# --- Stored result aggregates (see counters.py and README "Stored result aggregates") ------------------
#
# Counters incremented with the response that a submit writes (answering.submit, counters.counter_upserts)
# and recomputed from the answers by counters.rebuild_results
# (bulk loaders, the rebuild_survey_results command, the periodic job when a survey's stored total
# disagrees with its responses). Reading the results page costs O(questions), not O(answers).


class ResultCell(models.Model):
    """How many submitted answers of (question, item) have the number ``value``."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="+")
    item = models.PositiveSmallIntegerField(pgettext_lazy("survey matrix", "item"), default=0)
    value = models.SmallIntegerField(_("number"))
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("result counter")
        verbose_name_plural = _("result counters")
        constraints = [
            # Upsert target of the submit (ON CONFLICT); its leading survey column serves the results
            # page: WHERE survey_id = ? AND question_id IN (…)
            models.UniqueConstraint(fields=["survey", "question", "item", "value"], name="surveys_resultcell_unique"),
        ]

    def __str__(self) -> str:
        return f"q{self.question_id}/{self.item}={self.value}: {self.count}"


class ResultQuestion(models.Model):
    """Per question: how many submitted responses answered it, and how many non-empty text answers it has
    (the count of the paginated free-text list)."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="+")
    responses = models.PositiveIntegerField(_("responses"), default=0)
    texts = models.PositiveIntegerField(_("text answers"), default=0)

    class Meta:
        verbose_name = _("question result")
        verbose_name_plural = _("question results")
        constraints = [
            # Upsert target of the submit; serves WHERE survey_id = ? on the results page
            models.UniqueConstraint(fields=["survey", "question"], name="surveys_resultquestion_unique"),
        ]

    def __str__(self) -> str:
        return f"q{self.question_id}: {self.responses}"


class ResponseDay(models.Model):
    """Submitted responses of a survey per local day (``day`` empty: responses without a submission time,
    written only by a rebuild). The survey's total is the sum of its rows."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"), null=True, blank=True)
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("responses per day")
        verbose_name_plural = _("responses per day")
        constraints = [
            # Upsert target of the submit; serves the results page and the survey list: WHERE survey_id = ?
            models.UniqueConstraint(fields=["survey", "day"], name="surveys_responseday_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.count}"


class CrossCell(models.Model):
    """Cross-tab counters of the 1–5 answers (rating and matrix questions) by respondent type:
    ``department`` = the questions' department (0: all questions of the survey), ``place`` = the response's
    place (0: any place). ``total``/``answers`` give the mean; ``respondents`` counts distinct responses.
    Department and place are plain ids (0 is not a row), so the unique key needs no NULLs."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="+")
    department = models.PositiveIntegerField(_("department"), default=0)
    place = models.PositiveIntegerField(_("place"), default=0)
    respondent_type = models.CharField(_("respondent"), max_length=10)
    total = models.BigIntegerField(_("sum"), default=0)
    answers = models.PositiveIntegerField(pgettext_lazy("survey", "answers"), default=0)
    respondents = models.PositiveIntegerField(_("respondents"), default=0)

    class Meta:
        verbose_name = _("cross-tab counter")
        verbose_name_plural = _("cross-tab counters")
        constraints = [
            # Upsert target of the submit; serves the cross-tabs: WHERE survey_id = ? [AND department = ?]
            models.UniqueConstraint(
                fields=["survey", "department", "place", "respondent_type"], name="surveys_crosscell_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department}/{self.place}/{self.respondent_type}"
