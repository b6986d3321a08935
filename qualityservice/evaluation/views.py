"""Staff pages (staff_urls.py, under /staff/evaluation/): the schemes, a scheme with its components, gates, items,
moves and ranking, the what-if view, the department reports (page and PDF) and the dashboards. A department head
reads only their own department's report, once the result is on public notice; another department's is a 404."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from qualityservice.core import csrf, indicators, objections
from qualityservice.core.documents import pdf_response, render_pdf
from qualityservice.core.permissions import can_see_department, role_required, user_role
from qualityservice.core.roles import Role
from qualityservice.core.workflow import TransitionError

from . import charts, scoring, services
from .forms import AdjustmentForm, ComponentForm, GateForm, ObjectionForm, PublicationForm, SchemeForm, VersionForm, VetoForm
from .models import Result, Scheme
from .workflows import SCHEME

MANAGERS = (Role.HEAD, Role.SUPERVISOR)  # administrators pass role_required too
PUBLISHED = (Scheme.Status.NOTICE, Scheme.Status.FINAL)


def _scheme(request, pk) -> Scheme:
    return get_object_or_404(Scheme, pk=pk)


def _supervisor(request) -> bool:
    return user_role(request.user) in (Role.SUPERVISOR, Role.ADMIN)


@role_required(*MANAGERS)
def scheme_list(request: HttpRequest) -> HttpResponse:
    """Supervisors: every scheme. Heads: the schemes on public notice or final (their own department's report)."""
    schemes = Scheme.objects.all() if _supervisor(request) else Scheme.objects.filter(status__in=PUBLISHED)
    return render(request, "evaluation/scheme_list.html", {
        "schemes": schemes, "may_create": _supervisor(request), "new_url": reverse("evaluation:scheme_new"),
    })


@role_required(Role.SUPERVISOR)
def scheme_new(request: HttpRequest) -> HttpResponse:
    form = SchemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scheme, _created = services.create_scheme(key=data["submission_key"], by=request.user, year=data["year"],
                                                  title=data["title"], title_en=data["title_en"])
        Scheme.objects.filter(pk=scheme.pk, status=Scheme.Status.DRAFT).update(
            excellent_share=data["excellent_share"], bonus_cap=data["bonus_cap"], deduction_cap=data["deduction_cap"])
        return redirect(scheme)
    return render(request, "org/form.html", {"form": form, "title": pgettext("evaluation", "New evaluation scheme"),
                                             "back": reverse("evaluation:schemes"), "once": True})


def _labels(keys):
    found = {}
    for key in keys:
        try:
            found[key] = indicators.get(key)
        except indicators.UnknownIndicator:
            found[key] = None
    return found


def _ranking_rows(results):
    return [{"result": r, "grade": services.GRADE_LABELS.get(r.grade, "—")} for r in results]


@role_required(Role.SUPERVISOR)
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _scheme(request, pk)
    components = list(scheme.components.all())
    weights = [c.weight for c in components]
    results = list(Result.objects.filter(scheme=scheme).select_related("department"))
    known = _labels([c.indicator for c in components] + [g.indicator for g in scheme.gates.all()])
    return render(request, "evaluation/scheme_detail.html", {
        "scheme": scheme, "components": [(c, known[c.indicator]) for c in components],
        "gates": [(g, known[g.indicator]) for g in scheme.gates.all()],
        "adjustments": scheme.adjustments.select_related("department"),
        "vetoes": scheme.vetoes.select_related("department"), "veto_form": VetoForm(),
        "weight_total": sum(weights, Decimal(0)), "weight_problem": services.weight_problem(weights),
        "moves": SCHEME.allowed(request.user, scheme), "rows": _ranking_rows(results),
        "component_form": ComponentForm(), "gate_form": GateForm(), "adjustment_form": AdjustmentForm(),
        "version_form": VersionForm(), "list_url": reverse("evaluation:schemes"),
        "publication_form": PublicationForm(initial={"publication": scheme.publication if not scheme.is_draft and scheme.publication
                                                     != Scheme.Publication.NONE else Scheme.Publication.GRADES}),
        "objections": scheme.objections.select_related("department")[:100], "events": services.timeline(scheme),
    })


def _post_to_draft(request, scheme, form, save):
    if form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, pgettext("evaluation", "Saved."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(scheme)


@require_POST
@role_required(Role.SUPERVISOR)
def scheme_component(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _scheme(request, pk)
    return _post_to_draft(request, scheme, ComponentForm(request.POST), lambda d: services.set_component(
        scheme, indicator=d["indicator"], weight=d["weight"], rule=d["rule"], floor=d["floor"], target=d["target"]))


@require_POST
@role_required(Role.SUPERVISOR)
def scheme_gate(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _scheme(request, pk)
    return _post_to_draft(request, scheme, GateForm(request.POST),
                          lambda d: services.set_gate(scheme, indicator=d["indicator"], minimum=d["minimum"]))


@require_POST
@role_required(Role.SUPERVISOR)
def scheme_adjustment(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _scheme(request, pk)
    return _post_to_draft(request, scheme, AdjustmentForm(request.POST), lambda d: services.add_adjustment(
        scheme, key=d["submission_key"], by=request.user, department=d["department"], points=d["points"], reason=d["reason"]))


@require_POST
@role_required(Role.SUPERVISOR)
def scheme_veto(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a department not eligible for awards (一票否决 by the supervisor), with the reason, in a draft."""
    scheme = _scheme(request, pk)
    return _post_to_draft(request, scheme, VetoForm(request.POST), lambda d: services.add_veto(
        scheme, key=d["submission_key"], by=request.user, department=d["department"], reason=d["reason"]))


@require_POST
@role_required(Role.SUPERVISOR)
def scheme_version(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _scheme(request, pk)
    form = VersionForm(request.POST)
    if form.is_valid():
        try:
            copy = services.new_version(scheme, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            return redirect(copy)
    else:
        messages.error(request, pgettext("evaluation", "Say why a new version is needed."))
    return redirect(scheme)


@require_POST
@role_required(Role.SUPERVISOR)
def scheme_move(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _scheme(request, pk)
    action = request.POST.get("action", "")
    params = {"publication": request.POST.get("publication", "")} if action in ("notice", "publish") else {}
    try:
        SCHEME.apply(scheme, action, by=request.user, **params)
    except TransitionError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, pgettext("evaluation", "Done: %(action)s") % {"action": SCHEME.label(action)})
    return redirect(scheme)


@role_required(Role.SUPERVISOR)
def scheme_whatif(request: HttpRequest, pk: int) -> HttpResponse:
    """Try other weights on a draft: the ranking with them beside the scheme's own; nothing is saved."""
    scheme = _scheme(request, pk)
    if not scheme.is_draft:
        messages.error(request, pgettext("evaluation", "The scheme is frozen: make a new version to change it."))
        return redirect(scheme)
    components = list(scheme.components.all())
    weights, problem = services.parse_weights(request.GET, scheme)
    depts = services.departments()
    current = {o.department_id: o for o in services.compute(scheme, depts=depts)} if components else {}
    trial = services.compute(scheme, weights=weights, depts=depts) if components else []
    known = _labels([c.indicator for c in components])
    rows = [{"outcome": o, "before": current.get(o.department_id), "grade": services.GRADE_LABELS.get(o.grade, "—")}
            for o in trial]
    return render(request, "evaluation/scheme_whatif.html", {
        "scheme": scheme, "fields": [(c, known[c.indicator], weights[c.indicator]) for c in components], "rows": rows,
        "problem": problem, "total": sum(weights.values(), Decimal(0)),
    })


def _report_result(request, pk, department_id) -> Result:
    """Supervisor: any department's report once scored; a head: their own, once on public notice; others 404."""
    scheme = _scheme(request, pk)
    if not _supervisor(request) and (scheme.status not in PUBLISHED or not can_see_department(request.user, department_id)):
        raise Http404
    return get_object_or_404(Result.objects.visible_to(request.user).select_related("department", "scheme"),
                             scheme=scheme, department_id=department_id)


def _report_context(result: Result, *, links: bool = True) -> dict:
    lines = [dict(x) for x in result.inputs.get("lines", [])]
    labels = [x["label"] for x in lines]
    points = [scoring.dec(x["points"]) for x in lines]
    if links:  # each figure links to the records behind it, where the owning app offers the list
        for x in lines:
            x["link"] = services.records_link(x["key"], result.department_id, x.get("period", ""))
    trend = services.trend(result)
    return {"result": result, "scheme": result.scheme, "lines": lines, "gates": result.inputs.get("gates", []),
            "adjustments": result.inputs.get("adjustments", []), "grade": services.GRADE_LABELS.get(result.grade, "—"),
            "radar": charts.radar(labels, points), "reasons": services.not_eligible_reasons(result),
            "count": Result.objects.filter(scheme=result.scheme).count(), "trend": trend,
            "trend_chart": charts.bars([str(t["year"]) for t in trend], [t["total"] for t in trend], maximum=100)
            if len(trend) > 1 else ""}


@role_required(*MANAGERS)
def report(request: HttpRequest, pk: int, department_id: int) -> HttpResponse:
    result = _report_result(request, pk, department_id)
    context = _report_context(result)
    context["pdf_url"] = reverse("evaluation:report_pdf", args=[pk, department_id])
    return render(request, "evaluation/report.html", context)


@role_required(*MANAGERS)
def report_pdf(request: HttpRequest, pk: int, department_id: int) -> HttpResponse:
    result = _report_result(request, pk, department_id)
    pdf = render_pdf("evaluation/report_pdf.html", _report_context(result), request=request)
    return pdf_response(pdf, f"evaluation-{result.scheme.year}-{result.department.code}.pdf")


# --- Dashboards (product K): read only the indicator registry ------------------------------------------


def _year(request) -> int:
    from django.utils import timezone

    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


@role_required(Role.SUPERVISOR)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The group dashboard: every indicator of the registry by department for the year, as a bar chart each
    (server-side SVG); one registry read whatever the number of departments."""
    year = _year(request)
    depts = services.departments()
    table = indicators.values(None, [d.pk for d in depts], indicators.Period.year(year))
    names = [d.display_name for d in depts]
    rows = [{"indicator": ind, "chart": charts.bars(names, vals, shown=[ind.display(v) for v in vals])}
            for ind, vals in table.rows()]
    return render(request, "evaluation/dashboard.html", {"rows": rows, "year": year, "departments": depts})


@role_required(*MANAGERS)
def department_dashboard(request: HttpRequest, department_id: int) -> HttpResponse:
    """A department's dashboard: its indicators this year beside last year (the trend); a head: their own."""
    if not can_see_department(request.user, department_id):
        raise Http404
    department = next((d for d in services.departments() if d.pk == department_id), None)
    if department is None:
        raise Http404
    year = _year(request)
    now = indicators.values(None, [department.pk], indicators.Period.year(year))
    before = indicators.values(None, [department.pk], indicators.Period.year(year - 1))
    rows = [{"indicator": ind, "value": vals[0], "before": before.value(ind.key, department.pk),
             "shown": ind.display(vals[0]), "shown_before": ind.display(before.value(ind.key, department.pk))}
            for ind, vals in now.rows()]
    return render(request, "evaluation/department_dashboard.html", {"rows": rows, "year": year, "department": department})


# --- The public page (公示): by the scheme's unguessable code ----------------------------------------------


@csrf.keeps_typed_input  # a POST refused by the CSRF check comes back filled in (core.csrf)
def public(request: HttpRequest, code: str) -> HttpResponse:
    """The result as the supervisor chose to publish it (full ranking or grades only; "not public" is a 404) and,
    while on public notice, the objection form: each objection becomes a feedback record for the supervisors."""
    scheme = get_object_or_404(Scheme, public_code=code)
    if not scheme.is_public:
        raise Http404
    form, status, sent = None, 200, None
    open_for_objections = scheme.status == Scheme.Status.NOTICE and services.feedback_available()
    if open_for_objections:
        form = ObjectionForm(request.POST or None)
        if request.method == "POST":
            sent, status = objections.receive(
                request, form, group="evaluation-objection", per_ip=settings.QS_EVALUATION_OBJECTION_RATE_PER_IP,
                per_visitor=settings.QS_EVALUATION_OBJECTION_RATE_PER_BROWSER,
                send=lambda data: services.raise_objection(scheme, key=data["submission_key"], text=data["text"],
                                                           department=data.get("department"), name=data.get("name", ""),
                                                           contact=data.get("contact", ""), by=request.user)[0])
            if sent is not None:
                form = ObjectionForm()
    elif request.method == "POST":
        messages.error(request, pgettext("evaluation", "The public notice of this result is over: objections are closed."))
        return redirect(scheme.get_public_url())
    return render(request, "evaluation/public.html", {
        "scheme": scheme, "rows": services.public_rows(scheme), "full": scheme.publication == Scheme.Publication.FULL,
        "form": form, "sent": sent,
    }, status=status)
