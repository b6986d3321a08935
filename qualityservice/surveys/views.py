from __future__ import annotations

import logging
import uuid
from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qualityservice.core import csrf, pagecache, ratelimit
from qualityservice.core.documents import absolute_url, pdf_response, qr_data_uri, qr_png, qr_svg, render_pdf
from qualityservice.core.exports import xlsx_response
from qualityservice.core.i18n import english
from qualityservice.core.permissions import department_scope, role_required
from qualityservice.core.registry import optional_function
from qualityservice.core.roles import Role
from qualityservice.core.submissions import create_once, scoped
from qualityservice.core.workflow import TransitionError
from qualityservice.org.models import Department, Place

from . import answering, building, counters, exports
from . import bursts as burst_service
from . import results as result_service
from .answering import SurveyForm
from .forms import (
    BurstExclusionForm,
    BurstThresholdForm,
    FeedbackFromAnswerForm,
    QuestionForm,
    SectionForm,
    SubmissionKeyForm,
    SurveySettingsForm,
    TokenBatchForm,
)
from .models import (
    Answer,
    Question,
    RespondentType,
    SatisfactionIndex,
    Section,
    Survey,
    Token,
    new_draft_key,
)
from .workflows import SURVEY

logger = logging.getLogger(__name__)
SUPERVISORS = (Role.SUPERVISOR,)
READERS = (Role.SUPERVISOR, Role.HEAD)

# --- Staff: surveys and the builder -------------------------------------------------------


@role_required(*READERS)
def survey_list(request: HttpRequest) -> HttpResponse:
    surveys = Survey.objects.visible_to(request.user).surveys().annotate(responses_n=result_service.stored_response_total())
    page = Paginator(surveys, 30).get_page(request.GET.get("page"))
    templates = list(Survey.objects.templates().order_by("pk")) if department_scope(request.user) is None else []
    return render(request, "surveys/survey_list.html", {"page_obj": page, "templates": templates,
                                                        "can_build": department_scope(request.user) is None})


def _own_survey(request, pk) -> Survey:
    return get_object_or_404(Survey.objects.visible_to(request.user), pk=pk)


@role_required(*SUPERVISORS)
def survey_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create and edit share this view; a double-submitted create makes one survey (``create_once``: also
    two concurrent requests with the same key make one)."""
    survey = _own_survey(request, pk) if pk else None
    form = SurveySettingsForm(request.POST or None, instance=survey)
    if request.method == "POST" and form.is_valid():
        if survey is not None:
            form.save()
            messages.success(request, _("Survey saved."))
            return redirect(survey)

        def create(key):
            new = form.save(commit=False)
            new.created_by, new.submission_key = request.user, key
            new.save()
            form.save_m2m()  # members: the colleges a signed-in audience is narrowed to
            Section.objects.create(survey=new, order=1, title=_("Questions"), title_en="Questions")
            return new

        saved, created = create_once(Survey, scoped("survey", form.cleaned_data["submission_key"]), create)
        if created:
            messages.success(request, _("Survey saved."))
        return redirect(saved)
    title = _("Survey settings") if survey else _("New survey")
    back = survey.get_absolute_url() if survey else reverse("surveys:list")
    return render(request, "org/form.html", {"form": form, "title": title, "back": back, "once": survey is None})


@role_required(*SUPERVISORS)
def builder(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _own_survey(request, pk)
    loaded = SurveyForm.load(survey)
    return render(request, "surveys/builder.html", {
        "survey": survey, "loaded": loaded, "section_form": SectionForm(initial={"order": len(loaded.sections) + 1}),
        "question_form": QuestionForm(survey=survey) if loaded.sections else None,
        "public_url": absolute_url(survey.get_public_url()), "log": survey.status_log.select_related("by")[:10],
    })


@require_POST
@role_required(*SUPERVISORS)
def section_add(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _own_survey(request, pk)
    form = SectionForm(request.POST)
    if form.is_valid():
        def create(key):
            section = form.save(commit=False)
            section.survey, section.submission_key = survey, key
            section.save()
            return section

        _section, created = create_once(Section, scoped("section", form.cleaned_data["submission_key"]), create)
        if created:
            messages.success(request, _("Section added."))
    else:
        messages.error(request, _("The section needs a title."))
    return redirect(survey)


@role_required(*SUPERVISORS)
def section_edit(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    survey = _own_survey(request, pk)
    section = get_object_or_404(survey.sections, pk=section_pk)
    form = SectionForm(request.POST or None, instance=section)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Section saved."))
        return redirect(survey)
    return render(request, "org/form.html", {"form": form, "title": _("Edit section"), "back": survey.get_absolute_url()})


@require_POST
@role_required(*SUPERVISORS)
def section_delete(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    survey = _own_survey(request, pk)
    section = get_object_or_404(survey.sections, pk=section_pk)
    if survey.status != Survey.Status.DRAFT and section.questions.exists():
        messages.error(request, _("Questions of a survey that has been opened cannot be deleted."))
    else:
        section.delete()
        messages.success(request, _("Section deleted."))
    return redirect(survey)


@role_required(*SUPERVISORS)
def question_edit(request: HttpRequest, pk: int, question_pk: int | None = None) -> HttpResponse:
    """Add and edit share this view."""
    survey = _own_survey(request, pk)
    question = get_object_or_404(survey.questions, pk=question_pk) if question_pk else None
    department_before = question.department_id if question else None
    form = QuestionForm(request.POST or None, instance=question, survey=survey)
    if request.method == "POST" and form.is_valid():
        if question is None:
            _saved, created = create_once(Question, scoped("question", form.cleaned_data["submission_key"]),
                                          lambda key: form.save(submission_key=key))
            if created:
                messages.success(request, _("Question saved."))
            return redirect(survey)
        saved = form.save()
        if saved.department_id != department_before:
            # The cross-tabs count answers under the question's department: rebuilt in the background under
            # this survey's lock (submits to other surveys go on); the results page says so meanwhile.
            counters.schedule_rebuild(survey)
        messages.success(request, _("Question saved."))
        return redirect(survey)
    if request.method == "POST" and question is None:
        messages.error(request, _("The question was not added: %(errors)s") % {
            "errors": " ".join(str(e) for errors in form.errors.values() for e in errors)})
    title = _("Edit question") if question else _("New question")
    return render(request, "org/form.html", {"form": form, "title": title, "back": survey.get_absolute_url()})


@require_POST
@role_required(*SUPERVISORS)
def question_delete(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    survey = _own_survey(request, pk)
    question = get_object_or_404(survey.questions, pk=question_pk)
    if survey.status != Survey.Status.DRAFT and question.answers.exists():
        messages.error(request, _("Questions of a survey that has been opened cannot be deleted."))
    else:
        question.delete()
        messages.success(request, _("Question deleted."))
    return redirect(survey)


@require_POST
@role_required(*SUPERVISORS)
def question_move(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    survey = _own_survey(request, pk)
    question = get_object_or_404(survey.questions, pk=question_pk)
    building.move_question(question, -1 if request.POST.get("direction") == "up" else 1)
    return redirect(survey)


@role_required(*SUPERVISORS)
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _own_survey(request, pk)
    loaded = SurveyForm.load(survey)
    _prepare(loaded, {})
    return render(request, "surveys/answer.html", _answer_context(request, survey, loaded, preview=True))


@require_POST
@role_required(*SUPERVISORS)
def survey_copy(request: HttpRequest, pk: int) -> HttpResponse:
    source = _own_survey(request, pk)
    form = SubmissionKeyForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(source)
    copy, created = create_once(Survey, scoped("survey-copy", form.cleaned_data["submission_key"]),
                                lambda key: building.copy_survey(source, request.user, submission_key=key))
    if created:
        messages.success(request, _("Copied into a new draft survey: %(title)s") % {"title": copy.display_title})
    return redirect(copy)


@require_POST
@role_required(*SUPERVISORS)
def survey_status(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _own_survey(request, pk)
    target = request.POST.get("to", "")
    if target not in Survey.Status.values:
        raise Http404
    try:
        SURVEY.apply(survey, SURVEY.action_for(survey, target), by=request.user)
        messages.success(request, _("The survey is now %(status)s.") % {"status": survey.get_status_display()})
    except TransitionError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(survey)


# --- Staff: distribution --------------------------------------------------------------------


@role_required(*SUPERVISORS)
def distribute(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _own_survey(request, pk)
    url = absolute_url(survey.get_public_url())
    stats = survey.tokens.aggregate(total=Count("pk"), used=Count("pk", filter=Q(used_at__isnull=False)))
    batches = survey.tokens.values("batch").annotate(n=Count("pk"), used=Count("pk", filter=Q(used_at__isnull=False))).order_by("batch")
    return render(request, "surveys/distribute.html", {
        "survey": survey, "url": url, "qr": qr_data_uri(url, scale=5), "token_form": TokenBatchForm(),
        "stats": stats, "batches": batches, "responses": result_service.response_counts([survey.pk]).get(survey.pk, 0),
    })


@role_required(*SUPERVISORS)
def survey_qr(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in ("svg", "png"):
        raise Http404
    survey = _own_survey(request, pk)
    url = absolute_url(survey.get_public_url())
    if fmt == "svg":
        response = HttpResponse(qr_svg(url, scale=8, border=2), content_type="image/svg+xml")
    else:
        response = HttpResponse(qr_png(url, scale=12), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-qr.{fmt}"'
    return response


POSTER_LANGUAGES = ("zh-hans", "en")


@role_required(*SUPERVISORS)
def survey_poster(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable poster: the survey's own title and introduction and the poster's text in the language
    chosen on the distribution page (``?lang=zh-hans`` or ``en``; the reader's language without one)."""
    survey = _own_survey(request, pk)
    language = request.GET.get("lang")
    if language not in POSTER_LANGUAGES:
        language = "en" if english() else "zh-hans"
    url = absolute_url(survey.get_public_url())
    with translation.override(language):
        pdf = render_pdf("surveys/poster_pdf.html", {"survey": survey, "url": url, "qr": qr_data_uri(url, scale=10)}, request)
    return pdf_response(pdf, f"survey-{survey.pk}-poster-{language}.pdf")


@require_POST
@role_required(*SUPERVISORS)
def tokens_issue(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _own_survey(request, pk)
    form = TokenBatchForm(request.POST)
    if form.is_valid():
        recipients = [line.strip()[:120] for line in form.cleaned_data["recipients"].splitlines() if line.strip()]
        count = min(max(form.cleaned_data["count"], len(recipients)), 5000)
        batch = form.cleaned_data["batch"] or timezone.localtime().strftime("%Y-%m-%d %H:%M")
        _first, created = create_once(
            Token, scoped("tokens", form.cleaned_data["submission_key"]),
            lambda key: answering.issue_tokens(survey, count, batch, recipients, submission_key=key))
        if created:
            messages.success(request, _("%(n)d tokens issued in batch “%(batch)s”.") % {"n": count, "batch": batch})
    else:
        messages.error(request, _("Tokens not issued: %(errors)s") % {"errors": " ".join(str(e) for es in form.errors.values() for e in es)})
    return redirect("surveys:distribute", survey.pk)


@role_required(*SUPERVISORS)
def tokens_export(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _own_survey(request, pk)
    base = absolute_url(survey.get_public_url())
    tokens = survey.tokens.order_by("pk")
    batch = request.GET.get("batch")
    if batch is not None:
        tokens = tokens.filter(batch=batch)
    rows = (
        (batch, recipient, code, f"{base}?t={code}", timezone.localtime(used).replace(tzinfo=None) if used else "")
        for batch, recipient, code, used in tokens.values_list("batch", "recipient", "code", "used_at").iterator(chunk_size=2000)
    )
    headers = [_("Batch"), _("Recipient"), _("Token"), _("Link"), _("Used")]
    return xlsx_response(f"survey-{survey.pk}-tokens.xlsx", headers, rows, title=_("Tokens"))


# --- Staff: results -------------------------------------------------------------------------


def _visible_questions(request, loaded: SurveyForm) -> list[Question]:
    scope = department_scope(request.user)
    questions = loaded.ordered()
    if scope is None:
        return questions
    return [q for q in questions if q.department_id in scope]


def feedback_available() -> bool:
    return optional_function("qualityservice.feedback", "services", "create_feedback") is not None


@role_required(*READERS)
def results(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _own_survey(request, pk)
    loaded = SurveyForm.load(survey)
    questions = _visible_questions(request, loaded)
    data = result_service.results(survey, questions)
    tabs = result_service.crosstabs(survey, questions, department_scope(request.user))
    texts = Paginator(result_service.text_answers(survey, questions, data["text_count"]), 20).get_page(request.GET.get("page"))
    charts = [{"id": "per-day", "type": "line", "labels": [d["day"] for d in data["per_day"]], "values": [d["n"] for d in data["per_day"]]}]
    for block in data["blocks"]:
        if block["chart"]:
            charts.append({"id": f"q{block['question'].pk}", **block["chart"]})
    if data["servqual_gaps"]:
        charts.append({"id": "servqual", "type": "bar", "labels": [str(dict(_dimension_labels()).get(d, d)) for d in data["servqual_gaps"]],
                       "values": list(data["servqual_gaps"].values()), "signed": True})
    if data["nps"]:
        n = data["nps"]
        charts.append({"id": "nps", "type": "pie", "labels": [_("Promoters"), _("Passives"), _("Detractors")],
                       "values": [n.promoters, n.passives, n.detractors]})
    progress = None
    if survey.target_responses:
        progress = min(100, round(100 * data["total"] / survey.target_responses))
    return render(request, "surveys/results.html", {
        "survey": survey, "data": data, "tabs": tabs, "texts": texts, "charts": charts, "progress": progress,
        "feedback_available": feedback_available(),
        "feedback_departments": list(Department.objects.filter(is_active=True).exclude(kind=Department.Kind.TEAM)) if texts else [],
        "dimension_labels": dict(_dimension_labels()), "can_build": department_scope(request.user) is None,
    })


def _dimension_labels():
    from .models import ServqualDimension

    return ServqualDimension.choices


@role_required(*READERS)
def export_raw(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _own_survey(request, pk)
    loaded = SurveyForm.load(survey)
    allowed = None if department_scope(request.user) is None else {q.pk for q in _visible_questions(request, loaded)}
    return xlsx_response(
        f"survey-{survey.pk}-responses.xlsx", exports.raw_export_headers(loaded, allowed),
        exports.raw_export_rows(survey, loaded, allowed), title=_("Responses"),
    )


@role_required(*READERS)
def export_summary(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _own_survey(request, pk)
    loaded = SurveyForm.load(survey)
    data = result_service.results(survey, _visible_questions(request, loaded))
    return xlsx_response(f"survey-{survey.pk}-summary.xlsx", exports.summary_headers(), exports.summary_rows(data), title=pgettext("survey results", "Summary"))


ANSWER_TITLE_LENGTH = 60


def answer_title(text: str) -> str:
    """The title of a feedback record made from a free-text answer: the answer itself (its first line,
    shortened to ANSWER_TITLE_LENGTH characters) — what was said, not which question was asked."""
    first = " ".join(next((line for line in (text or "").splitlines() if line.strip()), "").split())
    return first if len(first) <= ANSWER_TITLE_LENGTH else first[:ANSWER_TITLE_LENGTH - 1].rstrip() + "…"


@require_POST
@role_required(*READERS)
def answer_to_feedback(request: HttpRequest, pk: int, answer_pk: int) -> HttpResponse:
    survey = _own_survey(request, pk)
    loaded = SurveyForm.load(survey)
    allowed = [q.pk for q in _visible_questions(request, loaded) if q.kind == Question.Kind.TEXT]
    answer = get_object_or_404(
        Answer.objects.select_related("question"), pk=answer_pk, question_id__in=allowed, response__survey=survey,
        response__status="submitted",
    )
    back = reverse("surveys:results", args=[survey.pk]) + "#texts"
    if answer.feedback_ref:
        messages.info(request, _("This answer has already become a feedback record."))
        return redirect(back)
    if not feedback_available():
        messages.error(request, _("The feedback module is not available."))
        return redirect(back)
    form = FeedbackFromAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the department to route the feedback to."))
        return redirect(back)
    department = form.cleaned_data["department"]
    scope = department_scope(request.user)
    if scope is not None and department.pk not in scope:
        raise Http404
    from qualityservice.feedback.services import create_feedback

    try:
        created = create_feedback(
            kind="suggestion", channel="survey", department=department,
            title=answer_title(answer.text), body=answer.text,
            anonymous=True, created_by=request.user, source_ref=f"survey-answer:{answer.pk}",
            submission_key=uuid.uuid5(uuid.NAMESPACE_URL, f"qualityservice:survey-answer:{answer.pk}"),
        )
    except ValidationError as exc:  # the feedback app refused the record: its messages are for the user
        messages.error(request, _("The feedback record could not be created: %(error)s") % {"error": " ".join(exc.messages)})
        return redirect(back)
    except Exception:  # anything else is a fault, not the user's: logged with its traceback, never shown
        logger.exception("survey answer %s: creating the feedback record failed", answer.pk)
        messages.error(request, _("The feedback record could not be created. The error has been logged; please try again later."))
        return redirect(back)
    ref = created.code  # feedback.services.FeedbackRef
    Answer.objects.filter(pk=answer.pk, feedback_ref="").update(feedback_ref=ref)
    messages.success(request, _("Feedback record %(ref)s created for %(dept)s.") % {"ref": ref, "dept": department.display_name})
    return redirect(back)


# --- Staff: suspicious bursts -----------------------------------------------------------------


def _burst_threshold(data) -> int:
    form = BurstThresholdForm(data)
    if form.is_valid() and form.cleaned_data["per_minute"]:
        return form.cleaned_data["per_minute"]
    return settings.QS_SURVEY_BURST_PER_MINUTE


def _bursts_url(survey: Survey, per_minute: int) -> str:
    url = reverse("surveys:bursts", args=[survey.pk])
    return url if per_minute == settings.QS_SURVEY_BURST_PER_MINUTE else f"{url}?per_minute={per_minute}"


@role_required(*READERS)
def bursts(request: HttpRequest, pk: int) -> HttpResponse:
    """Suspicious bursts of a survey's responses (many in one minute, several from one browser) and the
    exclusions made. Heads of a department the survey asks about read it; supervisors exclude and include
    again."""
    survey = _own_survey(request, pk)
    per_minute = _burst_threshold(request.GET)
    exclusions = list(survey.exclusions.select_related("created_by", "restored_by")[:100])
    scope = department_scope(request.user)
    index = SatisfactionIndex.objects.filter(survey=survey).select_related("department").order_by("department__sort_order")
    if scope is not None:
        index = index.filter(department_id__in=scope)
    return render(request, "surveys/bursts.html", {
        "survey": survey, "bursts": burst_service.bursts(survey, per_minute), "per_minute": per_minute,
        "exclusions": exclusions, "excluded": sum(e.responses for e in exclusions if e.active),
        "total": result_service.response_counts([survey.pk]).get(survey.pk, 0), "index": list(index),
        "can_exclude": scope is None, "reason_max": burst_service.MAX_REASON_LENGTH,
    })


@require_POST
@role_required(*SUPERVISORS)
def burst_exclude(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _own_survey(request, pk)
    back = _bursts_url(survey, _burst_threshold(request.POST))
    form = BurstExclusionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(back)
    data = form.cleaned_data
    try:
        record = burst_service.exclude_burst(survey, data["kind"], data["key"], data["reason"], request.user)
    except burst_service.ExclusionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(n)d responses excluded from the results and the satisfaction index.") % {"n": record.responses})
    return redirect(back)


@require_POST
@role_required(*SUPERVISORS)
def burst_include(request: HttpRequest, pk: int, exclusion_pk: int) -> HttpResponse:
    survey = _own_survey(request, pk)
    record = get_object_or_404(survey.exclusions, pk=exclusion_pk)
    try:
        n = burst_service.include_again(record, request.user)
    except burst_service.ExclusionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(n)d responses count again in the results and the satisfaction index.") % {"n": n})
    return redirect(_bursts_url(survey, _burst_threshold(request.POST)))


# --- Staff: satisfaction index --------------------------------------------------------------


def _index_chart(rows, key_name) -> dict:
    """Trend across surveys: one category per survey (in date order), one line per department."""
    surveys = {}
    for row in sorted(rows, key=lambda r: r.as_of):
        surveys.setdefault(row.survey_id, f"{row.survey.display_title} ({row.as_of.date().isoformat()})")
    order = list(surveys)
    series: dict[str, list] = {}
    for row in rows:
        series.setdefault(key_name(row), [None] * len(order))[order.index(row.survey_id)] = row.score
    return {"id": "index-trend", "type": "trend", "labels": list(surveys.values()),
            "series": [{"name": name, "values": values} for name, values in series.items()]}


@role_required(*READERS)
def index_overview(request: HttpRequest) -> HttpResponse:
    rows = list(SatisfactionIndex.objects.visible_to(request.user).select_related("department", "survey").order_by("department__sort_order", "as_of"))
    period_rows = [r for r in rows if r.survey_id is None]
    periods = sorted({r.period for r in period_rows}, reverse=True)
    table = {}
    for r in period_rows:
        table.setdefault(r.department, {})[r.period] = r
    table_rows = [{"department": d, "cells": [cells.get(p) for p in periods]} for d, cells in table.items()]
    survey_rows = [r for r in rows if r.survey_id is not None]
    chart = _index_chart(survey_rows, lambda r: r.department.display_name)
    return render(request, "surveys/index_overview.html", {"periods": periods, "table_rows": table_rows, "charts": [chart]})


@role_required(*READERS)
def index_department(request: HttpRequest, pk: int) -> HttpResponse:
    department = get_object_or_404(Department.objects.visible_to(request.user), pk=pk)
    rows = list(SatisfactionIndex.objects.filter(department=department).select_related("survey").order_by("as_of"))
    survey_rows = [r for r in rows if r.survey_id is not None]
    period_rows = [r for r in rows if r.survey_id is None]
    chart = _index_chart(survey_rows, lambda r: department.display_name)
    return render(request, "surveys/index_department.html", {"department": department, "survey_rows": survey_rows,
                                                             "period_rows": period_rows, "charts": [chart]})


# --- Public: answering ----------------------------------------------------------------------


def public_list(request: HttpRequest) -> HttpResponse:
    """Open surveys anyone can find (token surveys are reached only through their personal links)."""
    now = timezone.now()
    surveys = (
        Survey.objects.surveys().filter(status=Survey.Status.OPEN).exclude(audience=Survey.Audience.TOKEN)
        .filter(Q(opens_at__isnull=True) | Q(opens_at__lte=now)).filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .order_by("closes_at", "-created_at")[:50]
    )
    return render(request, "surveys/public_list.html", {"surveys": surveys})


def _session_key(survey: Survey) -> str:
    return f"surveys:draft:{survey.pk}"


# --- The browser id and the public rate limits --------------------------------------------------
#
# The browser id is core's signed random cookie (core.ratelimit.visitor_id; no server session). It keys
# the strict per-browser limits, the draft of an "anyone" survey and the keyed hash a response keeps for
# the bursts page.


def browser_id(request) -> str | None:
    return ratelimit.visitor_id(request)


def remember_browser(request, response: HttpResponse) -> HttpResponse:
    return ratelimit.remember_visitor(request, response)


def browser_hash(survey: Survey, browser: str | None) -> str:
    """What a response keeps of its browser: a keyed hash (SECRET_KEY) of the id and the survey — the same
    browser gets another hash in another survey, and the id cannot be recovered from it."""
    if not browser:
        return ""
    return salted_hmac("qualityservice.surveys.browser", f"{survey.pk}:{browser}", algorithm="sha256").hexdigest()[:32]


def _browser_draft_key(survey: Survey, browser: str) -> str:
    return "b" + salted_hmac("qualityservice.surveys.draft", f"{survey.pk}:{browser}", algorithm="sha256").hexdigest()[:40]


# Which surveys this browser has a draft of ("12.40"): only then is the draft looked up, so the blank page
# and a submit in one go cost no query. Not a secret: a wrong value costs one lookup; a lost one shows the
# blank page (saving still finds the draft by its key; an orphaned draft is purged).
DRAFTS_COOKIE = "qs_survey_drafts"
MAX_DRAFT_HINTS = 20


def _draft_hints(request) -> list[int]:
    raw = request.COOKIES.get(DRAFTS_COOKIE, "")[:200]
    return [int(part) for part in raw.split(".") if part.isdigit()][-MAX_DRAFT_HINTS:]


def _hint_draft(request, response: HttpResponse, survey: Survey, present: bool) -> HttpResponse:
    if survey.audience != Survey.Audience.ANYONE:  # the others find their draft by token or session
        return response
    hints = _draft_hints(request)
    if (survey.pk in hints) == present:
        return response
    hints = [*hints, survey.pk][-MAX_DRAFT_HINTS:] if present else [pk for pk in hints if pk != survey.pk]
    if hints:
        response.set_cookie(DRAFTS_COOKIE, ".".join(map(str, hints)), max_age=settings.QS_SURVEY_DRAFT_RETENTION_DAYS * 86400,
                            httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
    else:
        response.delete_cookie(DRAFTS_COOKIE, samesite="Lax")
    return response


def _limited(request, survey: Survey, action: str = "submit") -> bool:
    """Count this POST against the survey's limits (core.ratelimit, one round trip); True when over one.
    ``submit``: per browser id — requests without one share a single allowance per client address, so dropping
    the cookie gains nothing — and a generous per-address ceiling (campus NAT). ``save`` (autosave): per
    browser id. ``draft``: the autosave that starts a new draft also counts against the per-address ceiling
    (a draft ≈ a respondent)."""
    address = f"{survey.pk}:{ratelimit.client_ip(request)}"
    if action == "draft":
        return ratelimit.hit([("survey-draft-ip", address, settings.QS_SURVEY_RATE_PER_IP)])
    browser = browser_id(request)
    per_browser = f"{survey.pk}:{browser}" if browser else f"{address}:no-browser-id"
    if action == "save":
        return ratelimit.hit([("survey-save-browser", per_browser, settings.QS_SURVEY_AUTOSAVE_RATE_PER_BROWSER)])
    return ratelimit.hit([("survey-submit-ip", address, settings.QS_SURVEY_RATE_PER_IP),
                          ("survey-submit-browser", per_browser, settings.QS_SURVEY_RATE_PER_BROWSER)])


def _respondent(request, survey: Survey) -> answering.Respondent:
    """Who answers: a token (token surveys), a signed-in account (signed-in surveys) or the browser.
    The draft of a token survey follows the token; of a signed-in survey, the session (a signed-in user has
    one already); of an "anyone" survey, the browser id (a draft key derived from it, so answering opens no
    server session — a draft key an older version kept in the session is still found). A browser without
    the id keeps no draft (its answers are stored when it submits)."""
    browser = browser_id(request)
    hashed = browser_hash(survey, browser)
    if survey.audience == Survey.Audience.TOKEN:
        code = (request.POST.get("t") or request.GET.get("t") or "").strip()[:24]
        token = Token.objects.filter(survey=survey, code=code).first() if code else None
        if token is None:
            return answering.Respondent(browser_hash=hashed)
        return answering.Respondent(token=token, user=request.user if request.user.is_authenticated else None,
                                   draft_key=f"t{token.code}", browser_hash=hashed)
    name = _session_key(survey)
    key = request.session.get(name)  # without a session cookie: no store read
    if survey.audience == Survey.Audience.SIGNED_IN:
        def new_key() -> str:
            request.session[name] = value = new_draft_key()
            return value

        user = request.user if request.user.is_authenticated else None
        return answering.Respondent(user=user, draft_key=key, new_draft_key=new_key, browser_hash=hashed)
    if key is not None or not browser:
        return answering.Respondent(draft_key=key, browser_hash=hashed)
    derived = _browser_draft_key(survey, browser)
    return answering.Respondent(draft_key=derived if survey.pk in _draft_hints(request) else None,
                               new_draft_key=lambda: derived, browser_hash=hashed)


def _public_survey(code: str) -> Survey:
    """The survey behind a public link (not a draft). Kept per process (``pagecache.memo``, rebuilt when any
    survey is saved or changes status) as an immutable row, so answering costs no query for it; each request
    gets its own instance. An unknown code is not kept (the 404 escapes the memo)."""
    return pagecache.memo(
        f"surveys.public.{code}",
        lambda: pagecache.frozen(get_object_or_404(Survey.objects.surveys().exclude(status=Survey.Status.DRAFT), public_code=code)),
    ).thaw()


def _prepare(loaded: SurveyForm, answers: dict) -> None:
    """Attach the current (draft) answers and the initial skip-logic visibility to the questions."""
    shown = {q.pk for q in answering.visible_questions(loaded, answers)}
    for q in loaded.ordered():
        cells = answers.get(q.pk, [])
        q.hidden = q.pk not in shown
        q.scale_values = q.scale()
        q.current = cells[0].number if cells and q.kind in (Question.Kind.RATING, Question.Kind.NPS, Question.Kind.SINGLE) else None
        q.current_text = cells[0].text if cells and q.kind == Question.Kind.TEXT else ""
        chosen = {c.item: c.number for c in cells}
        for o in q.option_list:
            o.checked = (q.kind == Question.Kind.SINGLE and q.current == o.value) or (q.kind == Question.Kind.MULTIPLE and o.value in chosen)
            o.current = chosen.get(o.value) if q.kind == Question.Kind.MATRIX else None


def _answer_context(request, survey, loaded, *, preview=False, respondent=None, current=None, errors=()):
    places = list(Place.objects.filter(is_active=True).exclude(kind=Place.Kind.CAMPUS).order_by("kind", "name")) if survey.ask_place else []
    return {
        "survey": survey, "loaded": loaded, "preview": preview, "errors": errors, "current": current,
        "token": respondent.token.code if respondent and respondent.token else "",
        "respondent_types": RespondentType.choices, "places": places, "max_text": 2000,
        "lang": get_language() or "",
    }


def _answer_page(request, survey, respondent, draft, *, posted=None, errors=(), limited="", status=200,
                 placeholders=False) -> HttpResponse:
    """The answer page, with the draft's answers filled in — or, with ``posted`` (a refused or failed
    submit's data), with what was posted. ``placeholders``: rendered for the page cache
    (``pagecache.anonymous_page``) — CSRF token and submission key as placeholders."""
    loaded = SurveyForm.load(survey)  # a fresh copy: _prepare writes on the questions
    if posted is not None:
        answers, meta = answering.posted_answers(survey, posted)
        current = SimpleNamespace(respondent_type=meta.get("respondent_type", ""), place_id=meta.get("place_id"))
    else:
        answers, current = answering.draft_answers(draft), draft
    _prepare(loaded, answers)
    context = _answer_context(request, survey, loaded, respondent=respondent, current=current, errors=errors)
    context["limited"] = limited
    if placeholders:
        context.update(pagecache.placeholder_context(), submission_key=pagecache.KEY_PLACEHOLDER)
    return render(request, "surveys/answer.html", context, status=status)


def _gate(request, survey: Survey, respondent: answering.Respondent):
    """Return a response that stops the respondent (closed, sign-in, token, answered) or None."""
    if not survey.is_accepting():
        return render(request, "surveys/closed.html", {"survey": survey}, status=410)
    if survey.audience == Survey.Audience.SIGNED_IN and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), login_url=reverse("members:signin"))  # members: campus sign-in
    if survey.audience == Survey.Audience.SIGNED_IN and not survey.admits(request.user):
        return render(request, "surveys/audience.html", {"survey": survey}, status=403)
    if survey.audience == Survey.Audience.TOKEN and respondent.token is None:
        return render(request, "surveys/token_required.html", {"survey": survey}, status=403)
    if answering.has_answered(survey, respondent):
        return render(request, "surveys/already.html", {"survey": survey}, status=409)
    return None


def start(request: HttpRequest, code: str) -> HttpResponse:
    survey = _public_survey(code)
    respondent = _respondent(request, survey)
    stop = _gate(request, survey, respondent)
    if stop is not None:
        return stop
    draft = answering.find_draft(survey, respondent)  # no query without a draft key
    if draft is None and survey.audience == Survey.Audience.ANYONE:
        # The same blank form for every anonymous visitor: served from the rendered-page cache (core.pagecache;
        # a signed-in user or pending messages bypass it). Token and signed-in surveys are always rendered.
        page = pagecache.anonymous_page(
            request, (survey.pk,), lambda placeholders: _answer_page(request, survey, respondent, None, placeholders=placeholders)
        )
        return remember_browser(request, _hint_draft(request, page, survey, False))
    return remember_browser(request, _answer_page(request, survey, respondent, draft))


@require_POST
def save_answer(request: HttpRequest, code: str) -> HttpResponse:
    """Autosave of one question into the draft (fetch from answer.js). JSON {ok, error}. A save that answers
    nothing, or comes without a way to find the draft again (no browser id), stores nothing: no draft row,
    no session."""
    survey = _public_survey(code)
    respondent = _respondent(request, survey)
    if _gate(request, survey, respondent) is not None:
        return JsonResponse({"ok": False, "error": _("This survey accepts no answers from you.")}, status=409)
    if _limited(request, survey, "save"):
        return JsonResponse({"ok": False, "error": _("Too many saves in a short time; your answers are kept on this page and saved when you submit.")}, status=429)
    try:
        change = answering.parse_draft_change(survey, request.POST)
    except answering.AnswerError as exc:
        return JsonResponse({"ok": False, "error": str(exc)}, status=400)
    draft = answering.find_draft(survey, respondent)
    if draft is None:
        if change.empty:
            return JsonResponse({"ok": True, "message": _("Saved")})  # nothing to keep yet
        if not respondent.can_keep_draft:
            return JsonResponse({"ok": False, "error": _("This browser does not keep cookies, so your answers are not saved as you go; they are saved when you submit.")})
        if _limited(request, survey, "draft"):
            return JsonResponse({"ok": False, "error": _("Too many saves in a short time; your answers are kept on this page and saved when you submit.")}, status=429)
    stored = answering.store_draft_change(survey, respondent, change, draft)
    return _hint_draft(request, JsonResponse({"ok": True, "message": _("Saved")}), survey, stored is not None or draft is not None)


@csrf.keeps_typed_input  # a submit refused by the CSRF check comes back with the answers given (core.csrf)
@require_POST
def submit(request: HttpRequest, code: str) -> HttpResponse:
    survey = _public_survey(code)
    respondent = _respondent(request, survey)
    stop = _gate(request, survey, respondent)
    if stop is not None:
        return stop
    if csrf.is_retry(request):  # nothing stored: the answers as posted, a fresh token
        return _answer_page(request, survey, respondent, None, posted=request.POST, status=403)
    if _limited(request, survey):
        # Nothing is stored; the form comes back with what was typed, to be sent again a little later.
        message = _("Many responses have been sent from this device or network in a short time. Your answers are still on "
                    "this page: please wait a few minutes and press Submit again.")
        return remember_browser(request, _answer_page(request, survey, respondent, None, posted=request.POST, limited=message, status=429))
    try:
        response, errors = answering.submit(survey, respondent, request.POST)
    except answering.AlreadyAnswered:
        return render(request, "surveys/already.html", {"survey": survey}, status=409)
    if errors:  # the valid answers went into the draft, when the respondent can keep one
        page = _answer_page(request, survey, respondent, None, posted=request.POST, errors=errors, status=400)
        if answering.find_draft(survey, respondent) is not None:
            page = _hint_draft(request, page, survey, True)
        return remember_browser(request, page)
    request.session.pop(_session_key(survey), None)  # writes the session only if it held a draft key
    return _hint_draft(request, redirect("surveys:thanks", survey.public_code), survey, False)


def thanks(request: HttpRequest, code: str) -> HttpResponse:
    survey = get_object_or_404(Survey.objects.surveys(), public_code=code)
    return render(request, "surveys/thanks.html", {"survey": survey})

