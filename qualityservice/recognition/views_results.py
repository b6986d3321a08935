"""Staff pages of a round's jury and results, the judges' sheets on a phone, the certificates; the public notice
(winners with their stories, the objection form) and the public lists of honours.

- ``/staff/recognition/rounds/<id>/jury/`` (supervisor): the rubric, the judges, their sheets' progress, the
  anomaly flags and each judge's offset (``core.panel``);
- ``/staff/recognition/jury/`` (anyone appointed): my sheets; ``/staff/recognition/jury/<sheet>/``: score, confirm;
- ``/staff/recognition/rounds/<id>/results/`` (supervisor): the breakdown per nominee — nothing before the vote
  closed —, the objections, the certificates;
- ``/recognition/winners/<round code>/``: the public notice; ``/recognition/stars/<kind>/``: the honours list.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from qualityservice.core import objections, pagecache, ratelimit
from qualityservice.core.documents import pdf_response
from qualityservice.core.permissions import STAFF_ROLES, role_required
from qualityservice.core.roles import Role
from qualityservice.core.workflow import TransitionError

from . import jury, my_certificates, results
from .forms_results import AppointForm, CriterionForm, ObjectionForm, RevokeForm, RubricForm
from .models import Ballot, Round
from .results_models import Certificate, JuryMember, JurySheet, Objection, Result
from .workflows_results import SHEET

ORGANISERS = (Role.SUPERVISOR,)  # administrators pass role_required too


def _round(pk: int) -> Round:
    return get_object_or_404(Round, pk=pk)


def jury_url(rnd: Round) -> str:
    return reverse("recognition:round_jury", args=[rnd.pk])


def results_url(rnd: Round) -> str:
    return reverse("recognition:round_results", args=[rnd.pk])


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- The jury (supervisor) ---------------------------------------------------------------------------------------


@role_required(*ORGANISERS)
def round_jury(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round(pk)
    criteria = jury.criteria_of(rnd)
    rubric = jury.rubric_of(rnd)
    members = list(JuryMember.objects.filter(round=rnd).select_related("user__staff__department", "sheet"))
    nominations = list(jury.on_ballot(rnd))
    names = {m.pk: str(m) for m in members}
    rows = []
    for member in members:
        rows.append({"member": member, "sheet": getattr(member, "sheet", None),
                     "conflicts": [n.display_title for n in nominations if jury.conflicted(member, n)]})
    flags = []
    offsets = {}
    if rnd.vote_closed:
        flags = jury.flags_of(rnd)  # stored from the confirmed sheets; cleared on the round's page
        offsets = {names.get(judge, "—"): round(value, 1) for judge, value in jury.offsets(rnd, criteria).items()}
    return render(request, "recognition/results/round_jury.html", {
        "round": rnd, "criteria": criteria, "rubric_form": RubricForm(instance=rubric), "criterion_form": CriterionForm(),
        "appoint_form": AppointForm(), "rows": rows, "flags": flags, "offsets": offsets,
        "rubric_open": rnd.status in jury.RUBRIC_OPEN, "jury_open": rnd.status in jury.JURY_OPEN,
        "results_url": results_url(rnd), "max_total": jury.max_total(criteria),
    })


@require_POST
@role_required(*ORGANISERS)
def round_jury_criterion(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round(pk)
    form = CriterionForm(request.POST)
    if form.is_valid():
        try:
            jury.save_criterion(rnd, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, pgettext("jury", "Criterion saved."))
    else:
        messages.error(request, " ".join(f"{form.fields[name].label}: {' '.join(errs)}" if name in form.fields else " ".join(errs)
                                         for name, errs in form.errors.items()))
    return redirect(jury_url(rnd))


@require_POST
@role_required(*ORGANISERS)
def round_jury_rubric(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round(pk)
    if rnd.status not in jury.RUBRIC_OPEN:
        messages.error(request, pgettext("jury", "The rubric is frozen once the jury scores."))
        return redirect(jury_url(rnd))
    form = RubricForm(request.POST, instance=jury.rubric_of(rnd))
    if form.is_valid():
        form.save()
        messages.success(request, pgettext("jury", "Aggregation saved."))
    else:
        messages.error(request, pgettext("jury", "Check the aggregation's values."))
    return redirect(jury_url(rnd))


@require_POST
@role_required(*ORGANISERS)
def round_jury_appoint(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round(pk)
    form = AppointForm(request.POST)
    if form.is_valid():
        try:
            jury.appoint(rnd, form.cleaned_data["user"], by=request.user)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, pgettext("jury", "Judge appointed."))
    else:
        messages.error(request, pgettext("jury", "Choose a judge from the list."))
    return redirect(jury_url(rnd))


# --- The judge's sheets (anyone appointed) -----------------------------------------------------------------------


@role_required(*STAFF_ROLES)
def my_sheets(request: HttpRequest) -> HttpResponse:
    sheets = list(JurySheet.objects.filter(member__user=request.user).select_related("round").order_by("-round__created_at"))
    return render(request, "recognition/results/my_sheets.html", {"sheets": sheets})


def _my_sheet(request: HttpRequest, pk: int) -> JurySheet:
    """A judge opens only their own sheet: another judge's is a 404, like a sheet that does not exist."""
    return get_object_or_404(JurySheet.objects.select_related("round", "member"), pk=pk, member__user=request.user)


@role_required(*STAFF_ROLES)
def sheet(request: HttpRequest, pk: int) -> HttpResponse:
    mine = _my_sheet(request, pk)
    errors = []
    if request.method == "POST":
        try:
            jury.save_scores(mine, request.POST, by=request.user)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, pgettext("jury", "Scores saved."))
            return redirect(mine)
    criteria = jury.criteria_of(mine.round)
    nominations = jury.sheet_nominations(mine)
    values = jury.sheet_values(mine)
    posted = request.POST if errors else {}
    cards = []
    for nomination in nominations:
        cells = []
        for c in criteria:
            name = jury.field_name(nomination.pk, c.code)
            value = posted.get(name) if posted else values.get(nomination.pk, {}).get(c.code)
            cells.append({"criterion": c, "name": name, "value": "" if value is None else jury._plain(value) if not isinstance(value, str) else value})
        cards.append({"nomination": nomination, "cells": cells})
    editable = mine.status == JurySheet.Status.DRAFT and mine.round.status == Round.Status.JUDGING
    return render(request, "recognition/results/sheet.html", {
        "sheet": mine, "cards": cards, "criteria": criteria, "errors": errors, "editable": editable,
        "moves": SHEET.allowed(request.user, mine) if editable else [], "missing": jury.missing_scores(mine),
        "confirm_url": reverse("recognition:jury_sheet_confirm", args=[mine.pk]),
    }, status=400 if errors else 200)


@require_POST
@role_required(*STAFF_ROLES)
def sheet_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    mine = _my_sheet(request, pk)
    try:
        jury.confirm(mine, by=request.user)
    except TransitionError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, pgettext("jury", "Sheet confirmed."))
    return redirect(mine)


# --- Results, objections, certificates (supervisor) --------------------------------------------------------------


@role_required(*ORGANISERS)
def round_results(request: HttpRequest, pk: int) -> HttpResponse:
    """Nothing before the vote closed (totals hidden, also from the supervisor); while the jury scores a preview
    from the stored vote counters and the confirmed sheets; from the notice on, the stored results."""
    rnd = _round(pk)
    rows, stored = [], False
    if rnd.status in results.PUBLISHED:
        rows, stored = list(results.stored(rnd)), True
    elif rnd.vote_closed:
        rows = [Result(nomination=r["nomination"], votes=r["votes"], vote_share=r["vote_share"], vote_score=r["vote_score"],
                       judges=r["judges"], jury_total=r["jury_total"], jury_score=r["jury_score"], total=r["total"],
                       rank=r["rank"], decided_by=r["decided_by"], winner=r["winner"]) for r in results.compute(rnd)]
    for row in rows:
        row.decided_by_text = results.describe_decided_by(row.decided_by)
        row.share_percent = row.vote_share * 100
    certs = list(Certificate.objects.filter(round=rnd).select_related("nomination")) if stored else []
    objection_rows = list(Objection.objects.filter(round=rnd).select_related("nomination")[:100]) if stored else []
    for o in objection_rows:  # a nominee who is also an organiser never sees the tracking code of an objection about them
        o.author_hidden = objections.hidden_from(request.user, o.nomination.staff_id if o.nomination_id else None)
    return render(request, "recognition/results/round_results.html", {
        "round": rnd, "rows": rows, "stored": stored, "certificates": certs, "objections": objection_rows,
        "publish_errors": results.publish_errors(rnd) if rnd.status == Round.Status.JUDGING else [],
        "open_flags": jury.open_flags(rnd) if rnd.status == Round.Status.JUDGING else 0,
        "jury_url": jury_url(rnd), "winners_url": results.winners_url(rnd), "revoke_form": RevokeForm(),
        "may_issue": rnd.status == Round.Status.FINAL,
    })


@require_POST
@role_required(*ORGANISERS)
def round_certificates_issue(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round(pk)
    try:
        made = results.issue_certificates(rnd, by=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, pgettext("certificate", "%(n)d certificates issued.") % {"n": len(made)})
    return redirect(results_url(rnd))


@role_required(*ORGANISERS)
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = get_object_or_404(Certificate.objects.select_related("round", "department"), pk=pk)
    return pdf_response(results.certificate_pdf(certificate), f"{certificate.serial}.pdf", inline=True)


@role_required(*STAFF_ROLES)
def my_certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A winner downloads their own certificate; the head of a collective winner's department downloads its. Any
    other account — the supervisor included (they use ``certificate_pdf``) — and a revoked certificate: 404."""
    certificate = get_object_or_404(my_certificates.mine(request.user).filter(status=Certificate.Status.VALID)
                                    .select_related("round", "department"), pk=pk)
    return pdf_response(results.certificate_pdf(certificate), f"{certificate.serial}.pdf")


@require_POST
@role_required(*ORGANISERS)
def certificate_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = get_object_or_404(Certificate.objects.select_related("round"), pk=pk)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, pgettext("certificate", "Give the reason for revoking the certificate."))
    else:
        try:
            results.revoke(certificate, by=request.user, reason=form.cleaned_data["reason"])
        except TransitionError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, pgettext("certificate", "Certificate revoked."))
    return redirect(results_url(certificate.round))


# --- Public: the notice, the objection, the honours lists ---------------------------------------------------------


def _published_round(code: str) -> Round:
    return get_object_or_404(Round.objects.filter(status__in=results.PUBLISHED), code=code)


def winners(request: HttpRequest, code: str) -> HttpResponse:
    """公示 and, after it, the final list: the winners with their stories and the breakdown of their result;
    the objection form while the notice runs."""
    rnd = _published_round(code)
    rows = list(results.winners(rnd))
    form = ObjectionForm(winners=rows)
    return ratelimit.remember_visitor(request, render(request, "recognition/results/winners.html", {  # the browser id
        "round": rnd, "rows": rows, "form": form, "notice_open": results.notice_open(rnd),
        "objection_url": reverse("recognition:objection", args=[rnd.code]), "sent": request.GET.get("sent", "")[:24],
    }))


@require_POST
def objection(request: HttpRequest, code: str) -> HttpResponse:
    rnd = _published_round(code)
    rows = list(results.winners(rnd))
    form = ObjectionForm(request.POST, winners=rows)

    def send(data):
        nomination = next((r.nomination for r in rows if r.nomination_id == data["nomination"]), None)
        return results.raise_objection(rnd, text=data["text"], nomination=nomination, contact=data["contact"], by=request.user,
                                       key=data["submission_key"])[0]

    made, status = objections.receive(request, form, group="recognition-objection", send=send,
                                      per_ip=settings.QS_RECOGNITION_OBJECTION_RATE_PER_IP,
                                      per_visitor=settings.QS_RECOGNITION_OBJECTION_RATE_PER_VISITOR)
    if made is not None:
        return redirect(f"{reverse('recognition:winners', args=[rnd.code])}?sent={made.feedback_code}#objection")
    return ratelimit.remember_visitor(request, render(request, "recognition/results/winners.html", {
        "round": rnd, "rows": rows, "form": form, "notice_open": results.notice_open(rnd),
        "objection_url": reverse("recognition:objection", args=[rnd.code]),
    }, status=status))


STAR_KINDS = {"service-stars": Round.Kind.SERVICE_STAR}


def stars(request: HttpRequest, kind: str) -> HttpResponse:
    """The public 服务明星 list (served from the page cache to anonymous visitors)."""
    if kind not in STAR_KINDS:
        raise Http404

    def build(placeholders: bool) -> HttpResponse:
        return render(request, "recognition/results/stars.html", {"rows": list(results.public_stars())})

    return pagecache.anonymous_page(request, ("recognition-stars", kind), build)


def published_receipts(request: HttpRequest, code: str) -> StreamingHttpResponse:
    """After the close: the published list of counted receipts, one a line, ordered by the receipt itself (random
    characters, so the order says nothing about when a ballot was cast — never the table's physical order)."""
    rnd = get_object_or_404(Round.objects.exclude(status=Round.Status.DRAFT), code=code)
    if not rnd.vote_closed:
        raise Http404
    rows = Ballot.objects.filter(round=rnd, voided=False).order_by("receipt").values_list("receipt", flat=True)
    response = StreamingHttpResponse((f"{receipt}\n" for receipt in rows.iterator(chunk_size=5000)),
                                     content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
