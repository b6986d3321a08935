"""Staff pages (staff_urls.py, under /staff/competitions/), the judges' pages (signed in, or through their private
link under /competitions/j/<code>/) and the public results page (/competitions/<code>/).

Scoping: competitions through ``Competition.objects.visible_to`` and ``access.can_organise``; a judge reaches
only the sheets of their own appointment; the chief judge the submitted sheets of the panel; everything else is
a 404, like a page the role may not open."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from qualityservice.core import certificates, csrf, objections, pagecache, ratelimit
from qualityservice.core import panel as scoring
from qualityservice.core.documents import pdf_response, render_pdf
from qualityservice.core.exports import xlsx_response
from qualityservice.core.pagination import KeysetPaginator
from qualityservice.core.permissions import STAFF_ROLES, role_required, staff_profile, user_role
from qualityservice.core.registry import optional_function
from qualityservice.core.workflow import TransitionError

from . import access, reports, services
from .access import MANAGERS
from .forms import (
    AnswerForm,
    AppointmentForm,
    CompetitionForm,
    ConflictForm,
    CriterionForm,
    DeductionForm,
    FlagForm,
    ObjectionForm,
    PublicObjectionForm,
    ReasonForm,
    RoundForm,
    SignUpForm,
)
from .models import (
    Appointment,
    Certificate,
    Competition,
    Contestant,
    Criterion,
    Deduction,
    Flag,
    Objection,
    Round,
    Sheet,
    Via,
)
from .workflows import CERTIFICATE, COMPETITION, CONTESTANT, FLAG, OBJECTION, ROUND, SHEET

PAGE_SIZE = 30


def _messages_of(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch" or "application/json" in request.headers.get("Accept", "")


def _competition(request: HttpRequest, pk: int) -> Competition:
    return get_object_or_404(Competition.objects.visible_to(request.user).select_related("department"), pk=pk)


def _organised(request: HttpRequest, pk: int) -> Competition:
    competition = _competition(request, pk)
    if not access.can_organise(request.user, competition):
        raise Http404
    return competition


def _round(request: HttpRequest, pk: int, *, chief_ok: bool = True) -> Round:
    """A round the user organises — or, with ``chief_ok``, whose competition they are the chief judge of."""
    rnd = get_object_or_404(Round.objects.select_related("competition__department", "rubric"), pk=pk)
    if access.can_organise(request.user, rnd.competition) and Competition.objects.visible_to(request.user).filter(pk=rnd.competition_id).exists():
        return rnd
    if chief_ok and access.is_chief_of(request.user, rnd.competition_id):
        return rnd
    raise Http404


# --- Competitions ----------------------------------------------------------------------------------------


@role_required(*MANAGERS)
def competition_list(request: HttpRequest) -> HttpResponse:
    competitions = Competition.objects.visible_to(request.user).select_related("department").annotate(
        n_contestants=Count("contestants", filter=Q(contestants__status=Contestant.Status.APPROVED)))
    page = KeysetPaginator(competitions, ordering=("-created_at", "-pk"), per_page=PAGE_SIZE).page(request.GET)
    return render(request, "competitions/competition_list.html", {"page_obj": page, "new_url": reverse("competitions:new")})


@role_required(*STAFF_ROLES)
def mine(request: HttpRequest) -> HttpResponse:
    """Every signed-in staff member's page: competitions open for sign-up, my sign-ups, my judging."""
    staff = staff_profile(request.user)
    entries = list(Contestant.objects.filter(staff=staff).select_related("competition").order_by("-signed_up_at")) if staff else []
    appointments = list(Appointment.objects.filter(staff=staff).select_related("competition").annotate(
        n_todo=Count("sheets", filter=Q(sheets__status__in=[Sheet.Status.DRAFT, Sheet.Status.RETURNED],
                                        sheets__round__status__in=[Round.Status.SCORING, Round.Status.REVIEW])))
                        .order_by("-competition__created_at")) if staff else []
    signed = {c.competition_id for c in entries}
    judging = {a.competition_id for a in appointments}
    open_ones = [c for c in services.open_competitions_for(request.user, staff) if c.pk not in signed and c.pk not in judging]
    return render(request, "competitions/mine.html", {"entries": entries, "appointments": appointments, "open": open_ones})


@role_required(*MANAGERS)
def competition_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    competition = _organised(request, pk) if pk is not None else None
    form = CompetitionForm(request.POST or None, instance=competition, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.competition_fields()
        if competition is None:
            if data["department"].kind == data["department"].Kind.GROUP and not access.may_create_group_wide(request.user):
                raise Http404
            competition, created = services.create_competition(key=form.cleaned_data["submission_key"], by=request.user, **data)
            if created:
                messages.success(request, pgettext("competition", "Competition created. Now add its rubric, rounds and judges."))
            return redirect(competition)
        try:
            competition = services.update_competition(competition, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, pgettext("competition", "Competition saved."))
            return redirect(competition)
    back = competition.get_absolute_url() if competition else reverse("competitions:list")
    title = (f"{competition.display_title} · {pgettext('competition', 'Edit competition')}" if competition
             else pgettext("competition", "New competition"))
    return render(request, "org/form.html", {"form": form, "title": title, "back": back, "once": competition is None},
                  status=400 if form.is_bound else 200)


@role_required(*MANAGERS)
def competition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    competition = _competition(request, pk)
    organiser = access.can_organise(request.user, competition)
    contestants = competition.contestants.visible_to(request.user).select_related("staff", "department", "team")
    ctx = {"competition": competition, "organiser": organiser, "contestants": list(contestants.order_by("number")),
           "rounds": list(competition.rounds.select_related("rubric").order_by("number")),
           "signup_form": SignUpForm(user=request.user, competition=competition),
           "moves": COMPETITION.allowed(request.user, competition), "reason_form": ReasonForm()}
    for c in ctx["contestants"]:
        c.competition = competition  # the moves' checks read it: no query per row
        c.moves = CONTESTANT.allowed(request.user, c) if organiser else [t for t in CONTESTANT.allowed(request.user, c) if t.action == "withdraw"]
    if organiser:
        appointments = list(competition.appointments.select_related("staff__department", "staff__user").order_by("order", "pk"))
        conflicts = services.conflicts_of(appointments, ctx["contestants"], list(
            services.Conflict.objects.filter(appointment__competition=competition).select_related("appointment__staff", "contestant__staff")))
        names = {c.pk: c for c in ctx["contestants"]}
        for a in appointments:
            a.conflict_list = [(names[cid], services.conflict_reason(reason)) for (aid, cid), reason in conflicts.items()
                               if aid == a.pk and cid in names]
            a.link = request.build_absolute_uri(a.get_link_url())
        rubric = services.current_rubric(competition)
        criteria = list(rubric.criteria.all())
        ctx.update({
            "appointments": appointments, "rubric": rubric, "criteria": criteria,
            "chain_text": " → ".join(services.describe_link(link, criteria)
                                     for link in [*services.tie_break_chain(competition, criteria), scoring.NUMBER]),
            "deductions": list(rubric.deductions.all()), "conflict_form": ConflictForm(competition=competition),
            "appointment_form": AppointmentForm(), "events": services.timeline(competition, COMPETITION),
            "certificates": list(competition.certificates.select_related("contestant__staff").order_by("rank", "pk")),
            "can_issue": (last := services.final_round(competition)) is not None and last.status == Round.Status.FINAL,
        })
    return render(request, "competitions/competition_detail.html", ctx)


@require_POST
@role_required(*MANAGERS)
def competition_move(request: HttpRequest, pk: int) -> HttpResponse:
    competition = _competition(request, pk)
    action = request.POST.get("action", "")
    try:
        services.move(competition, COMPETITION, action, by=request.user, reason=request.POST.get("reason", ""))
    except TransitionError as exc:
        messages.error(request, " ".join(_messages_of(exc)))
    else:
        messages.success(request, pgettext("competition", "Done: %(action)s") % {"action": COMPETITION.label(action)})
    return redirect(competition)


# --- Rubric ----------------------------------------------------------------------------------------------------


@role_required(*MANAGERS)
def rubric(request: HttpRequest, pk: int) -> HttpResponse:
    competition = _organised(request, pk)
    versions = list(competition.rubrics.prefetch_related("criteria", "deductions").order_by("-number"))
    return render(request, "competitions/rubric.html", {"competition": competition, "versions": versions,
                                                         "current": versions[0] if versions else None})


@require_POST
@role_required(*MANAGERS)
def rubric_version(request: HttpRequest, pk: int) -> HttpResponse:
    competition = _organised(request, pk)
    version, created = services.new_rubric_version(competition, by=request.user, note=request.POST.get("note", ""))
    if created:
        messages.success(request, pgettext("competition", "Version %(n)s started: change it for the rounds still to come.") % {"n": version.number})
    return redirect("competitions:rubric", competition.pk)


def _rubric_item_edit(request, competition_pk, pk, *, model, form_class, save, title_new, title_edit, saved):
    competition = _organised(request, competition_pk)
    current = services.current_rubric(competition)
    item = get_object_or_404(model, pk=pk, rubric__competition=competition) if pk is not None else None
    if item is not None and item.rubric_id != current.pk:
        raise Http404
    form = form_class(request.POST or None, instance=item, rubric=current)
    if request.method == "POST" and form.is_valid():
        fields = form.criterion_fields() if hasattr(form, "criterion_fields") else {n: form.cleaned_data[n] for n in form.Meta.fields}
        try:
            save(current, item, form.cleaned_data["submission_key"], fields)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, saved)
            return redirect("competitions:rubric", competition.pk)
    return render(request, "org/form.html", {"form": form, "title": f"{competition.display_title} · {title_edit if item else title_new}",
                                             "back": reverse("competitions:rubric", args=[competition.pk]),
                                             "once": item is None}, status=400 if form.is_bound else 200)


@role_required(*MANAGERS)
def criterion_edit(request: HttpRequest, pk: int, criterion_pk: int | None = None) -> HttpResponse:
    return _rubric_item_edit(
        request, pk, criterion_pk, model=Criterion, form_class=CriterionForm,
        save=lambda rubric, item, key, fields: services.save_criterion(rubric, key=key, criterion=item, **fields),
        title_new=pgettext("competition", "New criterion"), title_edit=pgettext("competition", "Edit criterion"), saved=pgettext("competition", "Criterion saved."))


@role_required(*MANAGERS)
def deduction_edit(request: HttpRequest, pk: int, deduction_pk: int | None = None) -> HttpResponse:
    return _rubric_item_edit(
        request, pk, deduction_pk, model=Deduction, form_class=DeductionForm,
        save=lambda rubric, item, key, fields: services.save_deduction(rubric, key=key, deduction=item, **fields),
        title_new=pgettext("competition", "New deduction"), title_edit=pgettext("competition", "Edit deduction"), saved=pgettext("competition", "Deduction saved."))


@require_POST
@role_required(*MANAGERS)
def rubric_item_delete(request: HttpRequest, pk: int, kind: str, item_pk: int) -> HttpResponse:
    competition = _organised(request, pk)
    model = Criterion if kind == "criterion" else Deduction
    item = get_object_or_404(model, pk=item_pk, rubric__competition=competition)
    try:
        services.delete_rubric_item(item)
    except ValidationError as exc:
        messages.error(request, " ".join(_messages_of(exc)))
    else:
        messages.success(request, pgettext("competition", "Removed from the rubric."))
    return redirect("competitions:rubric", competition.pk)


# --- Rounds ---------------------------------------------------------------------------------------------------


@role_required(*MANAGERS)
def round_edit(request: HttpRequest, pk: int | None = None, round_pk: int | None = None) -> HttpResponse:
    rnd = _round(request, round_pk, chief_ok=False) if round_pk is not None else None
    competition = rnd.competition if rnd else _organised(request, pk)
    form = RoundForm(request.POST or None, instance=rnd)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.ROUND_FIELDS}
        try:
            if rnd is None:
                rnd, _created = services.create_round(competition, key=form.cleaned_data["submission_key"], by=request.user, **data)
            else:
                rnd = services.update_round(rnd, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, pgettext("competition", "Round saved."))
            return redirect(rnd)
    title = f"{competition.display_title} · " + (pgettext("competition", "Edit round") if rnd else pgettext("competition", "New round"))
    return render(request, "org/form.html", {"form": form, "title": title, "once": rnd is None,
                                             "back": rnd.get_absolute_url() if rnd else competition.get_absolute_url()},
                  status=400 if form.is_bound else 200)


@role_required(*STAFF_ROLES)
def round_detail(request: HttpRequest, round_pk: int) -> HttpResponse:
    rnd = _round(request, round_pk)
    flags = list(rnd.flags.exclude(status=Flag.Status.SUPERSEDED).select_related(
        "entry__contestant__staff", "appointment__staff", "criterion", "sheet__appointment__staff").order_by("status", "kind", "pk"))
    chief = access.is_chief_of(request.user, rnd.competition_id)
    resolver = chief or access.can_organise(request.user, rnd.competition)
    forms_by_flag = {}
    sheets_for_flags = _flag_sheet_choices(rnd, flags)
    for flag in flags:
        flag.text = services.describe_flag(flag)
        if resolver and flag.status == Flag.Status.OPEN:
            form = FlagForm(flag=flag)
            form.fields["sheet"].queryset = form.fields["sheet"].queryset.none()
            flag.sheet_choices = sheets_for_flags.get(flag.pk, [])
            forms_by_flag[flag.pk] = form
        flag.form = forms_by_flag.get(flag.pk)
    objection_rows = list(rnd.objections.select_related("contestant__staff", "raised_by__staff", "answered_by__staff"))
    for o in objection_rows:  # a contestant who organises or judges never sees who objected about them
        o.author_hidden = objections.hidden_from(request.user, o.contestant.staff_id if o.contestant_id else None)
    grid = reports.progress(rnd)
    return render(request, "competitions/round_detail.html", {
        "round": rnd, "competition": rnd.competition, "grid": grid, "flags": flags, "chief": chief,
        "analysis": reports.judge_analysis(rnd, grid["appointments"]),
        "organiser": access.can_organise(request.user, rnd.competition), "moves": ROUND.allowed(request.user, rnd),
        "events": services.timeline(rnd, ROUND), "objections": objection_rows, "answer_form": AnswerForm(),
        "reason_form": ReasonForm(), "open_flags": sum(1 for f in flags if f.status == Flag.Status.OPEN),
    })


def _flag_sheet_choices(rnd: Round, flags) -> dict[int, list[Sheet]]:
    """For each open flag, the sheets the chief may return (one query for all flags)."""
    wanted = [f for f in flags if f.status == Flag.Status.OPEN]
    if not wanted:
        return {}
    sheets = list(Sheet.objects.filter(round=rnd, status__in=[Sheet.Status.SUBMITTED, Sheet.Status.CONFIRMED])
                  .select_related("appointment__staff"))
    out = {}
    for flag in wanted:
        if flag.entry_id:
            out[flag.pk] = [s for s in sheets if s.entry_id == flag.entry_id]
        else:
            out[flag.pk] = [s for s in sheets if s.appointment_id == flag.appointment_id]
    return out


@require_POST
@role_required(*STAFF_ROLES)
def round_move(request: HttpRequest, round_pk: int) -> HttpResponse:
    rnd = _round(request, round_pk)
    action = request.POST.get("action", "")
    try:
        services.move(rnd, ROUND, action, by=request.user, reason=request.POST.get("reason", ""))
    except TransitionError as exc:
        messages.error(request, " ".join(_messages_of(exc)))
    else:
        messages.success(request, pgettext("competition", "Done: %(action)s") % {"action": ROUND.label(action)})
    return redirect(rnd)


@role_required(*STAFF_ROLES)
def standings(request: HttpRequest, round_pk: int) -> HttpResponse:
    rnd = _round(request, round_pk)
    data = reports.standings(rnd)
    return render(request, "competitions/standings.html", {"round": rnd, "competition": rnd.competition, **data})


@role_required(*STAFF_ROLES)
def judge_analysis(request: HttpRequest, round_pk: int) -> HttpResponse:
    """The per-judge analysis of a round (organisers and the chief judge): each judge's offsets from the rest of
    the panel, the bias flag and, with the normalisation, the points subtracted."""
    rnd = _round(request, round_pk)
    return render(request, "competitions/judge_analysis.html", {"round": rnd, "competition": rnd.competition,
                                                                 **reports.judge_detail(rnd)})


@role_required(*STAFF_ROLES)
def matrix_export(request: HttpRequest, round_pk: int) -> HttpResponse:
    """The full matrix (judges × contestants × criteria) of a round, to Excel: organisers and the chief judge."""
    rnd = _round(request, round_pk)
    criteria, deductions = services.rubric_items(rnd.rubric_id) if rnd.rubric_id else ([], [])
    stamp = timezone.localtime().strftime("%Y%m%d")
    return xlsx_response(f"{pgettext('competition', 'score-matrix')}-{rnd.pk}-{stamp}.xlsx", reports.matrix_headers(criteria, deductions),
                         reports.matrix_rows(rnd), title=pgettext("competition", "Score matrix"))


@role_required(*STAFF_ROLES)
def judge_export(request: HttpRequest, round_pk: int, appointment_pk: int) -> HttpResponse:
    """One judge's sheets of a round, to Excel: organisers, the chief judge, and the judge themselves."""
    rnd = get_object_or_404(Round.objects.select_related("competition__department"), pk=round_pk)
    appointment = get_object_or_404(Appointment.objects.select_related("staff"), pk=appointment_pk, competition_id=rnd.competition_id)
    own = appointment.staff_id == access.staff_id(request.user)
    if not own:
        rnd = _round(request, round_pk)
    criteria, deductions = services.rubric_items(rnd.rubric_id) if rnd.rubric_id else ([], [])
    stamp = timezone.localtime().strftime("%Y%m%d")
    return xlsx_response(f"{pgettext('competition', 'score-sheets')}-{appointment.staff.name}-{stamp}.xlsx",
                         reports.matrix_headers(criteria, deductions), reports.matrix_rows(rnd, appointment=appointment),
                         title=appointment.staff.name)


@role_required(*STAFF_ROLES)
def results_pdf(request: HttpRequest, round_pk: int) -> HttpResponse:
    """The result list of a round as a PDF (organisers and the chief judge; published rounds are public anyway)."""
    rnd = _round(request, round_pk)
    data = reports.standings(rnd)
    pdf = render_pdf("competitions/results_pdf.html", {"round": rnd, "competition": rnd.competition, "now": timezone.localtime(), **data},
                     request)
    return pdf_response(pdf, f"{pgettext('competition', 'results')}-{rnd.pk}.pdf", inline=request.GET.get("inline") == "1")


# --- Contestants ------------------------------------------------------------------------------------------------


@require_POST
@role_required(*STAFF_ROLES)
def signup(request: HttpRequest, pk: int) -> HttpResponse:
    competition = get_object_or_404(Competition.objects.visible_to(request.user).select_related("department"), pk=pk)
    form = SignUpForm(request.POST, user=request.user, competition=competition)
    back = competition.get_absolute_url() if user_role(request.user) in MANAGERS or access.can_organise(request.user, competition) \
        else reverse("competitions:mine")
    if not form.is_valid():
        for error in [m for errs in form.errors.values() for m in errs]:
            messages.error(request, error)
        return redirect(back)
    staff = form.cleaned_data["staff"]
    if not access.can_sign_up(request.user, competition, staff):
        raise Http404
    try:
        contestant, created = services.sign_up(competition, staff, by=request.user, key=form.cleaned_data["submission_key"],
                                               note=form.cleaned_data.get("note", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(_messages_of(exc)))
    else:
        if created:
            messages.success(request, pgettext("competition", "%(name)s is signed up as number %(n)s; the organiser approves.") % {
                "name": staff.name, "n": contestant.number})
    return redirect(back)


@require_POST
@role_required(*STAFF_ROLES)
def contestant_move(request: HttpRequest, contestant_pk: int) -> HttpResponse:
    contestant = get_object_or_404(Contestant.objects.select_related("competition__department", "staff"), pk=contestant_pk)
    if not access.can_sign_up(request.user, contestant.competition, contestant.staff):
        raise Http404
    action = request.POST.get("action", "")
    try:
        services.move(contestant, CONTESTANT, action, by=request.user, reason=request.POST.get("reason", ""))
    except TransitionError as exc:
        messages.error(request, " ".join(_messages_of(exc)))
    else:
        messages.success(request, pgettext("competition", "Done: %(action)s") % {"action": CONTESTANT.label(action)})
    if access.can_organise(request.user, contestant.competition) or user_role(request.user) in MANAGERS:
        return redirect(contestant.competition)
    return redirect("competitions:mine")


# --- Judges and conflicts ---------------------------------------------------------------------------------------


@role_required(*MANAGERS)
def appointment_edit(request: HttpRequest, pk: int | None = None, appointment_pk: int | None = None) -> HttpResponse:
    appointment = None
    if appointment_pk is not None:
        appointment = get_object_or_404(Appointment.objects.select_related("competition", "staff"), pk=appointment_pk)
        competition = _organised(request, appointment.competition_id)
    else:
        competition = _organised(request, pk)
    form = AppointmentForm(request.POST or None, appointment=appointment)
    if request.method == "POST" and form.is_valid():
        try:
            if appointment is None:
                services.appoint(competition, form.cleaned_data["badge_number"], role=form.cleaned_data["role"],
                                 order=form.cleaned_data["order"], by=request.user, key=form.cleaned_data["submission_key"])
            else:
                services.update_appointment(appointment, role=form.cleaned_data["role"], order=form.cleaned_data["order"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, pgettext("competition", "Judge saved."))
            return redirect(competition)
    title = f"{competition.display_title} · " + ((pgettext("competition", "Judge %(name)s") % {"name": appointment.staff.name})
                                                 if appointment else pgettext("competition", "Appoint a judge"))
    return render(request, "org/form.html", {"form": form, "title": title, "back": competition.get_absolute_url(),
                                             "once": appointment is None}, status=400 if form.is_bound else 200)


@require_POST
@role_required(*MANAGERS)
def conflict_new(request: HttpRequest, pk: int) -> HttpResponse:
    competition = _organised(request, pk)
    form = ConflictForm(request.POST, competition=competition)
    if form.is_valid():
        try:
            services.declare_conflict(form.cleaned_data["appointment"], form.cleaned_data["contestant"], reason=form.cleaned_data["reason"],
                                      by=request.user, key=form.cleaned_data["submission_key"])
        except (ValidationError, TransitionError) as exc:
            messages.error(request, " ".join(_messages_of(exc)))
        else:
            messages.success(request, pgettext("competition", "Conflict recorded: the judge does not score this contestant."))
    else:
        messages.error(request, " ".join(m for errs in form.errors.values() for m in errs))
    return redirect(competition)


# --- Judging (signed in) ---------------------------------------------------------------------------------------------


def _current_round(competition_id: int) -> Round | None:
    return (Round.objects.filter(competition_id=competition_id).exclude(status=Round.Status.DRAFT)
            .select_related("competition", "rubric").order_by("-number").first())


def _judging_context(appointment: Appointment, *, link: bool) -> dict:
    rnd = _current_round(appointment.competition_id)
    sheets = []
    if rnd is not None:
        sheets = list(Sheet.objects.filter(round=rnd, appointment=appointment).select_related("entry__contestant__staff")
                      .order_by("entry__order", "pk"))
    for sheet in sheets:
        sheet.url = (reverse("competitions:link_sheet", args=[appointment.code, sheet.code]) if link
                     else reverse("competitions:sheet", args=[sheet.pk]))
    done = sum(1 for s in sheets if s.status in (Sheet.Status.SUBMITTED, Sheet.Status.CONFIRMED))
    return {"base_template": "core/base_public.html" if link else "core/base_staff.html",
            "appointment": appointment, "competition": appointment.competition, "round": rnd, "sheets": sheets,
            "done": done, "comparison": services.judge_comparison(appointment, rnd) if rnd else [], "link": link,
            "entry_problem": None if rnd is None or rnd.status != Round.Status.SCORING or rnd.window_open() else
            services.entry_error(Sheet(round=rnd, status=Sheet.Status.DRAFT))}


@role_required(*STAFF_ROLES)
def judging(request: HttpRequest, appointment_pk: int) -> HttpResponse:
    appointment = get_object_or_404(Appointment.objects.select_related("competition", "staff"), pk=appointment_pk,
                                    staff_id=access.staff_id(request.user) or -1)
    return render(request, "competitions/judging.html", _judging_context(appointment, link=False))


def _sheet_for(request: HttpRequest, sheet_pk: int) -> tuple[Sheet, str]:
    """The sheet and what the user is to it: "judge" (their own), "chief", "organiser" — else 404."""
    sheet = get_object_or_404(Sheet.objects.select_related("round__competition__department", "round__rubric",
                                                           "entry__contestant__staff", "entry__contestant__department",
                                                           "appointment__staff"), pk=sheet_pk)
    if access.is_judge_of(request.user, sheet):
        return sheet, "judge"
    if access.can_organise(request.user, sheet.round.competition) and Competition.objects.visible_to(request.user).filter(
            pk=sheet.round.competition_id).exists():
        return sheet, "organiser"
    if access.is_chief_of(request.user, sheet.round.competition_id):
        return sheet, "chief"
    raise Http404


def _sheet_context(request, sheet: Sheet, *, as_: str, urls: dict) -> dict:
    criteria, deductions = services.rubric_items(sheet.round.rubric_id)
    values, counts = services.sheet_values(sheet.pk)
    hidden = as_ == "chief" and sheet.version == 0  # the chief reads a sheet once it was submitted
    for c in criteria:
        c.value = None if hidden else values.get(c.code)
        c.levels_shown = c.display_levels()
    for d in deductions:
        d.count = None if hidden else counts.get(d.code)
    problem = services.entry_error(sheet)
    editable = sheet.is_editable and problem is None and as_ in ("judge", "organiser", "link")
    correctable = as_ in ("judge", "link") and sheet.status == Sheet.Status.SUBMITTED and problem is None
    ctx = {"base_template": "core/base_public.html" if as_ == "link" else "core/base_staff.html", "sheet": sheet, "round": sheet.round, "competition": sheet.round.competition, "criteria": criteria,
           "deductions": deductions, "as": as_, "editable": editable, "correctable": correctable, "problem": problem,
           "hidden": hidden, "urls": urls, "reason_form": ReasonForm(),
           "total": None if hidden else (sheet.total if sheet.version else None)}
    if as_ in ("chief", "organiser"):
        ctx["moves"] = [t for t in SHEET.allowed(request.user, sheet) if t.action in ("confirm", "return", "block")]
        ctx["versions"] = list(sheet.versions.select_related("by__staff")) if not hidden else []
        ctx["changes"] = list(sheet.changes.select_related("by__staff")) if not hidden else []
        ctx["reentry"] = getattr(sheet, "reentry", None) if sheet.round.competition.blind_reentry else None
    return ctx


@role_required(*STAFF_ROLES)
def sheet_detail(request: HttpRequest, sheet_pk: int) -> HttpResponse:
    sheet, as_ = _sheet_for(request, sheet_pk)
    urls = {"save": reverse("competitions:sheet_save", args=[sheet.pk]), "submit": reverse("competitions:sheet_submit", args=[sheet.pk]),
            "correct": reverse("competitions:sheet_correct", args=[sheet.pk]), "move": reverse("competitions:sheet_move", args=[sheet.pk]),
            "back": reverse("competitions:judging", args=[sheet.appointment_id]) if as_ == "judge" else sheet.round.get_absolute_url(),
            "reentry": reverse("competitions:sheet_reentry", args=[sheet.pk])}
    return render(request, "competitions/sheet.html", _sheet_context(request, sheet, as_=as_, urls=urls))


def _save(request: HttpRequest, sheet: Sheet, *, by, via: str, back: str) -> HttpResponse:
    try:
        result = services.save_values(sheet, request.POST, by=by, via=via)
    except ValidationError as exc:
        errors = _messages_of(exc)
        if _wants_json(request):
            return JsonResponse({"ok": False, "errors": errors}, status=400)
        for error in errors:
            messages.error(request, error)
        return redirect(back)
    if _wants_json(request):
        return JsonResponse({"ok": True, "changed": result["changed"], "message": pgettext("competition", "Saved")})
    messages.success(request, pgettext("competition", "Saved."))
    return redirect(back)


def _submit(request: HttpRequest, sheet: Sheet, *, by, via: str, back: str, done: str) -> HttpResponse:
    try:
        if request.POST.get("values") == "1":  # the last values go with the submission (no autosave)
            services.save_values(sheet, request.POST, by=by, via=via)
        services.submit_sheet(sheet, by=by, via=via, reason=request.POST.get("reason", ""))
    except (ValidationError, TransitionError) as exc:
        for error in _messages_of(exc):
            messages.error(request, error)
        return redirect(back)
    messages.success(request, pgettext("competition", "Sheet submitted: it is locked now."))
    return redirect(done)


def _correct(request: HttpRequest, sheet: Sheet, *, by, via: str, back: str) -> HttpResponse:
    try:
        services.correct_sheet(sheet, request.POST, by=by, via=via, reason=request.POST.get("reason", ""))
    except (ValidationError, TransitionError) as exc:
        for error in _messages_of(exc):
            messages.error(request, error)
    else:
        messages.success(request, pgettext("competition", "Correction recorded as a new version."))
    return redirect(back)


@require_POST
@role_required(*STAFF_ROLES)
def sheet_save(request: HttpRequest, sheet_pk: int) -> HttpResponse:
    sheet, as_ = _sheet_for(request, sheet_pk)
    if as_ == "chief":
        raise Http404
    return _save(request, sheet, by=request.user, via=Via.SIGNED_IN if as_ == "judge" else Via.CLERK,
                 back=reverse("competitions:sheet", args=[sheet.pk]))


@require_POST
@role_required(*STAFF_ROLES)
def sheet_submit(request: HttpRequest, sheet_pk: int) -> HttpResponse:
    sheet, as_ = _sheet_for(request, sheet_pk)
    if as_ == "chief":
        raise Http404
    back = reverse("competitions:sheet", args=[sheet.pk])
    done = reverse("competitions:judging", args=[sheet.appointment_id]) if as_ == "judge" else sheet.round.get_absolute_url()
    return _submit(request, sheet, by=request.user, via=Via.SIGNED_IN if as_ == "judge" else Via.CLERK, back=back, done=done)


@require_POST
@role_required(*STAFF_ROLES)
def sheet_correct(request: HttpRequest, sheet_pk: int) -> HttpResponse:
    sheet, as_ = _sheet_for(request, sheet_pk)
    if as_ != "judge":
        raise Http404
    return _correct(request, sheet, by=request.user, via=Via.SIGNED_IN, back=reverse("competitions:sheet", args=[sheet.pk]))


@require_POST
@role_required(*STAFF_ROLES)
def sheet_move(request: HttpRequest, sheet_pk: int) -> HttpResponse:
    """The chief judge confirms or returns; the organiser blocks (a conflict)."""
    sheet, as_ = _sheet_for(request, sheet_pk)
    if as_ == "judge" and not access.is_chief_of(request.user, sheet.round.competition_id):
        raise Http404
    action = request.POST.get("action", "")
    if action not in ("confirm", "return", "block"):
        messages.error(request, pgettext("competition", "Unknown action."))
        return redirect("competitions:sheet", sheet.pk)
    try:
        SHEET.apply(sheet, action, by=request.user, reason=request.POST.get("reason", ""), version=request.POST.get("version") or None)
    except TransitionError as exc:
        messages.error(request, " ".join(_messages_of(exc)))
    else:
        messages.success(request, pgettext("competition", "Done: %(action)s") % {"action": SHEET.label(action)})
        if action == "block":
            services.assign_reserve(sheet.entry)
    return redirect(sheet.round)


@role_required(*MANAGERS)
def sheet_reentry(request: HttpRequest, sheet_pk: int) -> HttpResponse:
    """The blind second entry of a paper sheet (organisers; not who typed it first)."""
    sheet, as_ = _sheet_for(request, sheet_pk)
    if as_ != "organiser" or not sheet.round.competition.blind_reentry:
        raise Http404
    if request.method == "POST":
        try:
            reentry = services.save_reentry(sheet, request.POST, by=request.user)
        except ValidationError as exc:
            for error in _messages_of(exc):
                messages.error(request, error)
        else:
            if reentry.differences:
                messages.warning(request, pgettext("competition", "The second entry differs on: %(items)s.") % {"items": pgettext("competition", ", ").join(reentry.differences)})
            else:
                messages.success(request, pgettext("competition", "The second entry matches."))
            return redirect(sheet.round)
    criteria, deductions = services.rubric_items(sheet.round.rubric_id)
    for c in criteria:
        c.value, c.levels_shown = None, c.display_levels()
    for d in deductions:
        d.count = None
    return render(request, "competitions/sheet.html", {
        "base_template": "core/base_staff.html", "sheet": sheet, "round": sheet.round, "competition": sheet.round.competition, "criteria": criteria, "deductions": deductions,
        "as": "reentry", "editable": True, "urls": {"save": reverse("competitions:sheet_reentry", args=[sheet.pk]),
                                                     "back": sheet.round.get_absolute_url()}, "blind": True})


@require_POST
@role_required(*STAFF_ROLES)
def flag_resolve(request: HttpRequest, flag_pk: int) -> HttpResponse:
    flag = get_object_or_404(Flag.objects.select_related("round__competition", "sheet"), pk=flag_pk)
    if not access.is_chief_of(request.user, flag.round.competition_id) and not access.can_organise(request.user, flag.round.competition):
        raise Http404
    form = FlagForm(request.POST, flag=flag)
    if not form.is_valid():
        messages.error(request, " ".join(m for errs in form.errors.values() for m in errs))
        return redirect(flag.round)
    try:
        if form.cleaned_data["decision"] == "accept":
            FLAG.apply(flag, "accept", by=request.user, note=form.cleaned_data["note"])
        else:
            FLAG.apply(flag, "return", by=request.user, note=form.cleaned_data["note"], sheet=form.cleaned_data.get("sheet"))
    except TransitionError as exc:
        messages.error(request, " ".join(_messages_of(exc)))
    else:
        messages.success(request, pgettext("competition", "Flag resolved."))
    return redirect(flag.round)


# --- Objections -----------------------------------------------------------------------------------------------------


@require_POST
@role_required(*STAFF_ROLES)
def objection_new(request: HttpRequest, round_pk: int) -> HttpResponse:
    """Any signed-in staff member objects to published results during the notice (the organiser records one
    received on paper the same way)."""
    rnd = get_object_or_404(Round.objects.select_related("competition"), pk=round_pk, status=Round.Status.NOTICE)
    form = ObjectionForm(request.POST, round=rnd)
    if form.is_valid():
        try:
            services.raise_objection(rnd, by=request.user, text=form.cleaned_data["text"], contestant=form.cleaned_data["contestant"],
                                     key=form.cleaned_data["submission_key"])
        except ValidationError as exc:
            messages.error(request, " ".join(_messages_of(exc)))
        else:
            messages.success(request, pgettext("competition", "Objection recorded; the organiser answers it."))
    else:
        messages.error(request, " ".join(m for errs in form.errors.values() for m in errs))
    return redirect(rnd.competition.get_public_url())


@require_POST
@role_required(*MANAGERS)
def objection_answer(request: HttpRequest, objection_pk: int) -> HttpResponse:
    objection = get_object_or_404(Objection.objects.select_related("round__competition"), pk=objection_pk)
    rnd = _round(request, objection.round_id, chief_ok=False)
    form = AnswerForm(request.POST)
    try:
        OBJECTION.apply(objection, "answer", by=request.user, answer=form.data.get("answer", ""))
    except TransitionError as exc:
        messages.error(request, " ".join(_messages_of(exc)))
    else:
        messages.success(request, pgettext("competition", "Objection answered."))
    return redirect(rnd)


# --- Certificates ------------------------------------------------------------------------------------------------------


@require_POST
@role_required(*MANAGERS)
def certificates_issue(request: HttpRequest, pk: int) -> HttpResponse:
    competition = _organised(request, pk)
    try:
        made = services.issue_certificates(competition, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(_messages_of(exc)))
    else:
        messages.success(request, pgettext("competition", "%(n)d certificates ready.") % {"n": len(made)})
    return redirect(competition)


def _certificate(request: HttpRequest, certificate_pk: int) -> Certificate:
    certificate = get_object_or_404(Certificate.objects.select_related("competition__department", "contestant__staff",
                                                                         "contestant__department"), pk=certificate_pk)
    if not access.can_organise(request.user, certificate.competition) or not Competition.objects.visible_to(request.user).filter(
            pk=certificate.competition_id).exists():
        raise Http404
    return certificate


@role_required(*MANAGERS)
def certificate_pdf(request: HttpRequest, certificate_pk: int) -> HttpResponse:
    certificate = _certificate(request, certificate_pk)
    pdf = certificates.render_pdf([services.certificate_data(certificate)], request)
    return pdf_response(pdf, f"{certificate.serial}.pdf", inline=request.GET.get("inline") == "1")


@require_POST
@role_required(*MANAGERS)
def certificate_revoke(request: HttpRequest, certificate_pk: int) -> HttpResponse:
    certificate = _certificate(request, certificate_pk)
    try:
        CERTIFICATE.apply(certificate, "revoke", by=request.user, reason=request.POST.get("reason", ""))
    except TransitionError as exc:
        messages.error(request, " ".join(_messages_of(exc)))
    else:
        messages.success(request, pgettext("competition", "Certificate %(serial)s revoked.") % {"serial": certificate.serial})
    return redirect(certificate.competition)


# --- Private judge links (public URLs: the link's code is the credential) ---------------------------------------------


def _link(code: str) -> Appointment:
    return get_object_or_404(Appointment.objects.select_related("competition", "staff__user"), code=code)


def _link_sheet(code: str, sheet_code: str) -> tuple[Appointment, Sheet]:
    appointment = _link(code)
    sheet = get_object_or_404(Sheet.objects.select_related("round__competition", "round__rubric", "entry__contestant__staff",
                                                           "entry__contestant__department", "appointment__staff"),
                              code=sheet_code, appointment=appointment)
    return appointment, sheet


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    # The link is the judge's credential: it never leaves the site in a Referer. (Not "no-referrer": browsers then
    # send "Origin: null" with the page's own form posts, which the CSRF check refuses.)
    response["Referrer-Policy"] = "same-origin"
    return response


def link_home(request: HttpRequest, code: str) -> HttpResponse:
    appointment = _link(code)
    return _private(render(request, "competitions/judging.html", _judging_context(appointment, link=True)))


def link_sheet(request: HttpRequest, code: str, sheet_code: str) -> HttpResponse:
    appointment, sheet = _link_sheet(code, sheet_code)
    base = [appointment.code, sheet.code]
    urls = {"save": reverse("competitions:link_save", args=base), "submit": reverse("competitions:link_submit", args=base),
            "correct": reverse("competitions:link_correct", args=base), "back": reverse("competitions:link", args=[appointment.code])}
    return _private(render(request, "competitions/sheet.html", _sheet_context(request, sheet, as_="link", urls=urls)))


@require_POST
def link_save(request: HttpRequest, code: str, sheet_code: str) -> HttpResponse:
    appointment, sheet = _link_sheet(code, sheet_code)
    return _private(_save(request, sheet, by=appointment.staff.user, via=Via.LINK,
                          back=reverse("competitions:link_sheet", args=[code, sheet_code])))


@require_POST
def link_submit(request: HttpRequest, code: str, sheet_code: str) -> HttpResponse:
    appointment, sheet = _link_sheet(code, sheet_code)
    return _private(_submit(request, sheet, by=appointment.staff.user, via=Via.LINK,
                            back=reverse("competitions:link_sheet", args=[code, sheet_code]),
                            done=reverse("competitions:link", args=[code])))


@require_POST
def link_correct(request: HttpRequest, code: str, sheet_code: str) -> HttpResponse:
    appointment, sheet = _link_sheet(code, sheet_code)
    return _private(_correct(request, sheet, by=appointment.staff.user, via=Via.LINK,
                             back=reverse("competitions:link_sheet", args=[code, sheet_code])))


# --- Public pages ---------------------------------------------------------------------------------------------------------


def public_index(request: HttpRequest) -> HttpResponse:
    """Competitions with published results, newest first (page cache for anonymous visitors)."""

    def build(placeholders: bool) -> HttpResponse:
        competitions = list(Competition.objects.filter(rounds__status__in=[Round.Status.NOTICE, Round.Status.FINAL])
                            .distinct().select_related("department").order_by("-created_at")[:50])
        return render(request, "competitions/public_index.html", {"competitions": competitions})

    return pagecache.anonymous_page(request, ("competitions-index",), build)


def public_results(request: HttpRequest, code: str) -> HttpResponse:
    """The results of a competition's published rounds, each contestant with the per-criterion breakdown; the
    aggregation and the tie-break chain stated; during the public notice, the objection form for everyone (a
    visitor gives a name and phone). Page cache for anonymous visitors."""
    identified = _objector(request) is not None

    def build(placeholders: bool) -> HttpResponse:
        competition = get_object_or_404(Competition.objects.select_related("department"), code=code)
        rounds = list(competition.rounds.filter(status__in=[Round.Status.NOTICE, Round.Status.FINAL]).select_related(
            "competition", "rubric").order_by("-number"))
        if not rounds:
            raise Http404
        initial = {"submission_key": pagecache.KEY_PLACEHOLDER} if placeholders else {}
        sections = [{"round": rnd, **reports.standings(rnd, final=True),
                     "objection_form": PublicObjectionForm(round=rnd, identified=identified, initial=initial)
                     if rnd.status == Round.Status.NOTICE else None}
                    for rnd in rounds]
        ctx = {"competition": competition, "sections": sections, "now": timezone.now()}
        if placeholders:
            ctx.update(pagecache.placeholder_context())
        return render(request, "competitions/public_results.html", ctx)

    return ratelimit.remember_visitor(request, pagecache.anonymous_page(request, ("competitions-results",), build))


def _objector(request: HttpRequest) -> tuple[str, str, str] | None:
    """Who objects when they are signed in: (source, name, phone) of a staff member or a member (campus sign-in);
    None for a visitor, who types a name and phone."""
    user = request.user
    if not user.is_authenticated:
        return None
    staff = staff_profile(user)
    if staff is not None or user_role(user) is not None:
        return Objection.Source.STAFF, getattr(staff, "name", "") or user.get_username(), ""
    member_for = optional_function("qualityservice.members", "services", "member_for")
    member = member_for(user) if member_for else None
    if member is not None:
        return Objection.Source.MEMBER, member.name, member.phone
    return None


@csrf.keeps_typed_input
def public_objection(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """An objection sent from the public results page during the notice: by a signed-in staff member or member, or
    by anyone with a name and phone; rate-limited per address and browser; one objection per form (a double click
    or a resent POST makes one)."""
    rnd = get_object_or_404(Round.objects.select_related("competition__department"), competition__code=code, number=number,
                            status__in=[Round.Status.NOTICE, Round.Status.FINAL])
    back = rnd.competition.get_public_url()
    if request.method != "POST":
        return redirect(back)
    who = _objector(request)
    form = PublicObjectionForm(request.POST, round=rnd, identified=who is not None)

    def send(data):
        source, name, phone = who or (Objection.Source.PUBLIC, data["name"], data["phone"])
        return services.raise_objection(rnd, by=request.user, text=data["text"], contestant=data["contestant"],
                                        key=data["submission_key"], source=source, name=name, phone=phone)

    sent, status = objections.receive(request, form, group="competition-objection", send=send,
                                      per_ip=settings.QS_COMPETITIONS_OBJECTION_RATE_PER_IP,
                                      per_visitor=settings.QS_COMPETITIONS_OBJECTION_RATE_PER_VISITOR)
    if sent is not None:
        code = sent[0].feedback_code
        messages.success(request, pgettext("competition", "Objection recorded (tracking code %(code)s); the organiser answers it.")
                         % {"code": code} if code else pgettext("competition", "Objection recorded; the organiser answers it."))
        return redirect(back)
    return _objection_page(request, rnd, form, status=status)


def _objection_page(request: HttpRequest, rnd: Round, form, *, status: int) -> HttpResponse:
    response = render(request, "competitions/objection_form.html", {"round": rnd, "competition": rnd.competition, "form": form},
                      status=status)
    return ratelimit.remember_visitor(request, response)
