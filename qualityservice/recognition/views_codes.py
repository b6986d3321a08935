"""The supervisor's voting-code and fraud-signal page of a round, the printable and Excel lists of a batch, and
the public vote with a code (``/recognition/vote/<round code>/code/``) for voters without an account."""

from __future__ import annotations

import random

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import pgettext, pgettext_lazy
from django.views.decorators.http import require_POST

from qualityservice.core.exports import xlsx_response
from qualityservice.core.forms import BootstrapFormMixin
from qualityservice.core.permissions import role_required
from qualityservice.core.ratelimit import remember_visitor, visitor_id
from qualityservice.core.roles import Role
from qualityservice.core.submissions import SubmissionKeyFormMixin

from . import codes, services
from .models import Round
from .results_models import CodeBatch

ORGANISERS = (Role.SUPERVISOR,)


class BatchForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.Form):
    label = forms.CharField(label=pgettext_lazy("codes", "Label"), max_length=80,
                            help_text=pgettext_lazy("codes", "Where the codes go, e.g. 退休教师 or 校外服务对象."))
    size = forms.IntegerField(label=pgettext_lazy("codes", "Number of codes"), min_value=1)


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=300)


def codes_url(rnd: Round) -> str:
    return reverse("recognition:round_codes", args=[rnd.pk])


@role_required(*ORGANISERS)
def round_codes(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = get_object_or_404(Round, pk=pk)
    return render(request, "recognition/results/codes.html", {
        "round": rnd, "batches": codes.batch_rows(rnd), "form": BatchForm(), "signals": codes.signals(rnd),
        "jury_url": reverse("recognition:round_jury", args=[rnd.pk]), "results_url": reverse("recognition:round_results", args=[rnd.pk]),
        "voting": rnd.status == Round.Status.VOTING,
    })


@require_POST
@role_required(*ORGANISERS)
def round_codes_new(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = get_object_or_404(Round, pk=pk)
    form = BatchForm(request.POST)
    if form.is_valid():
        try:
            batch, _created = codes.generate_batch(rnd, label=form.cleaned_data["label"], size=form.cleaned_data["size"],
                                                   by=request.user, key=form.cleaned_data["submission_key"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, pgettext("codes", "%(n)d codes generated.") % {"n": batch.size})
    else:
        messages.error(request, pgettext("codes", "Give the batch a label and a number of codes."))
    return redirect(codes_url(rnd))


def _batch(pk: int) -> CodeBatch:
    return get_object_or_404(CodeBatch.objects.select_related("round"), pk=pk)


@role_required(*ORGANISERS)
def batch_print(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable sheet of the batch's unused codes (cut into slips and handed out)."""
    batch = _batch(pk)
    rows = list(batch.codes.filter(used=False).values_list("code", flat=True))
    return render(request, "recognition/results/codes_print.html", {
        "batch": batch, "codes": rows, "vote_url": request.build_absolute_uri(reverse("recognition:vote_code", args=[batch.round.code]))})


@role_required(*ORGANISERS)
def batch_export(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(pk)
    rows = ((code, pgettext("codes", "used") if used else "") for code, used in batch.codes.values_list("code", "used").iterator())
    return xlsx_response(f"voting-codes-{batch.pk}.xlsx", [pgettext("codes", "Code"), pgettext("codes", "Used")], rows,
                         title=batch.label[:31] or "codes")


@require_POST
@role_required(*ORGANISERS)
def batch_void(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(pk)
    form = ReasonForm(request.POST)
    try:
        codes.void_batch(batch, by=request.user, reason=form.data.get("reason", "") if not form.is_valid() else form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, pgettext("codes", "The batch's unused codes are void."))
    return redirect(codes_url(batch.round))


@require_POST
@role_required(*ORGANISERS)
def round_void_ballot(request: HttpRequest, pk: int) -> HttpResponse:
    """Void one ballot by the receipt a voter or a review reported, with a reason (``services.void_ballot``)."""
    rnd = get_object_or_404(Round, pk=pk)
    try:
        services.void_ballot(rnd, request.POST.get("receipt", "").strip().upper()[:16], by=request.user,
                             reason=request.POST.get("reason", "")[:300])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, pgettext("codes", "Ballot voided."))
    return redirect(codes_url(rnd))


def vote_code(request: HttpRequest, code: str) -> HttpResponse:
    """The ballot for a voter with a single-use code instead of an account: the nominees in a random order,
    the code, up to K choices; the receipt. Not cached (a fresh order and token each time)."""
    rnd = get_object_or_404(Round.objects.exclude(status=Round.Status.DRAFT), code=code)
    nominations = list(services.ballot_nominations(rnd).select_related("department", "staff"))
    random.SystemRandom().shuffle(nominations)
    receipt, error = None, None
    typed = ""
    if request.method == "POST":
        typed = codes.normalise(request.POST.get("voting_code", ""))
        try:
            receipt = codes.cast_with_code(rnd, typed, request.POST.getlist("choice"), browser=visitor_id(request))
        except ValidationError as exc:
            error = " ".join(exc.messages)
    response = render(request, "recognition/results/vote_code.html", {
        "round": rnd, "nominations": nominations, "receipt": receipt, "error": error, "typed": typed,
        "open": rnd.status == Round.Status.VOTING}, status=400 if error else 200)
    return remember_visitor(request, response)
