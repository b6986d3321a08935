"""Staff pages (staff_urls.py, under /staff/recognition/): the list, one view to create and edit, the
detail with its moves; and the public nomination page (urls.py) by its unguessable code.

Every staff view takes its rows from ``Nomination.objects.visible_to(request.user)``: an nomination of another
department is a 404, like a page the role may not open (``role_required``)."""

from __future__ import annotations

import random

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from qualityservice.core import pagecache
from qualityservice.core.pagination import KeysetPaginator
from qualityservice.core.permissions import role_required, user_role
from qualityservice.core.ratelimit import remember_visitor, visitor_id
from qualityservice.core.roles import Role
from qualityservice.core.workflow import TransitionError
from qualityservice.org.models import Department

from . import jury, services
from .forms import NominationForm, RoundForm
from .forms_results import FlagClearForm
from .models import JuryFlag, Nomination, Round
from .workflows import ELIGIBILITY, NOMINATION, ROUND

MANAGERS = (Role.HEAD, Role.SUPERVISOR)  # administrators pass role_required too
PAGE_SIZE = 30


def _nomination(request: HttpRequest, pk: int) -> Nomination:
    return get_object_or_404(Nomination.objects.visible_to(request.user).select_related("department", "round", "staff", "collective"), pk=pk)


@role_required(*MANAGERS)
def nomination_list(request: HttpRequest) -> HttpResponse:
    nominations = Nomination.objects.visible_to(request.user).select_related("department", "staff", "collective")
    # Keyset pages and a capped count: LIMIT in the database, constant time at any depth.
    page = KeysetPaginator(nominations, ordering=("-created_at", "-pk"), per_page=PAGE_SIZE).page(request.GET)
    return render(request, "recognition/nomination_list.html", {"page_obj": page, "new_url": reverse("recognition:new")})


@role_required(*MANAGERS)
def nomination_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """New nomination (``pk`` None) or a draft's changes: one view, one form."""
    nomination = _nomination(request, pk) if pk is not None else None
    if nomination is not None and not nomination.is_draft:
        messages.error(request, pgettext("nomination", "Only a draft can be changed."))
        return redirect(nomination)
    form = NominationForm(request.POST or None, request.FILES or None, instance=nomination, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS}
        if form.cleaned_data.get("photo") is not None:
            data["photo"] = form.cleaned_data["photo"]
        if nomination is None:
            try:
                nomination, created = services.create_nomination(key=form.cleaned_data["submission_key"], by=request.user, **data)
            except ValidationError as exc:  # the department's quota in the round is used up
                form.add_error(None, exc)
                return render(request, "org/form.html", {"form": form, "title": pgettext("nomination", "New nomination"),
                                                         "back": reverse("recognition:list"), "once": True})
            if created:
                messages.success(request, pgettext("nomination", "Nomination created."))
            return redirect(nomination)
        try:
            nomination = services.update_nomination(nomination, **data)
        except ValidationError as exc:  # submitted by someone else meanwhile
            form.add_error(None, exc)
        else:
            messages.success(request, pgettext("nomination", "Nomination saved."))
            return redirect(nomination)
    back = nomination.get_absolute_url() if nomination is not None else reverse("recognition:list")
    title = pgettext("nomination", "Edit nomination") if nomination is not None else pgettext("nomination", "New nomination")
    return render(request, "org/form.html", {"form": form, "title": title, "back": back, "once": nomination is None})


@role_required(*MANAGERS)
def nomination_detail(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = _nomination(request, pk)
    return render(request, "recognition/nomination_detail.html", {
        "nomination": nomination, "moves": NOMINATION.allowed(request.user, nomination), "events": services.timeline(nomination), "list_url": reverse("recognition:list"),
        "facts": nomination.facts or None, "may_refresh": nomination.round_id is not None and nomination.status != Nomination.Status.CLOSED,
    })


@require_POST
@role_required(*MANAGERS)
def nomination_move(request: HttpRequest, pk: int) -> HttpResponse:
    """One of the detail page's buttons (``action`` in the POST). A refused move changes nothing and says why."""
    nomination = _nomination(request, pk)
    action = request.POST.get("action", "")
    try:
        services.move(nomination, action, by=request.user)
    except TransitionError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, pgettext("nomination", "Done: %(action)s") % {"action": NOMINATION.label(action)})
    return redirect(nomination)


def nomination_public(request: HttpRequest, code: str) -> HttpResponse:
    """Anyone with the code (printed, sent by mail) sees the nomination's title and status. Anonymous visitors get
    the page from core.pagecache; saving an nomination renders it again (``page_cache_models``)."""

    def build(placeholders: bool) -> HttpResponse:
        nomination = get_object_or_404(Nomination.objects.select_related("department", "staff", "collective"), code=code)
        return render(request, "recognition/nomination_public.html", {"nomination": nomination})

    return pagecache.anonymous_page(request, ("recognition-nomination",), build)


# --- The public vote (事迹展示 + 投票) and the receipt check ---------------------------------------------------


def _round(code: str) -> Round:
    return get_object_or_404(Round.objects.exclude(status=Round.Status.DRAFT), code=code)


def round_vote(request: HttpRequest, code: str) -> HttpResponse:
    """The ballot on a phone: the nominees and their stories in a random order for each page view; a signed-in
    voter the round admits ticks up to K and casts one ballot; the page then shows the receipt. Never a page
    that reveals a running total. Not cached: it depends on the voter."""
    rnd = _round(code)
    receipt, error = None, None
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            # The browser id feeds the fraud signal "many ballots from one browser" (codes.py).
            receipt = services.cast_ballot(rnd, request.user, request.POST.getlist("choice"), browser=visitor_id(request))
        except ValidationError as exc:
            error = " ".join(exc.messages)
    voted = receipt is not None or services.has_voted(rnd, request.user)
    nominations = []  # the page with the receipt shows no ballot
    if receipt is None:
        nominations = list(services.ballot_nominations(rnd).select_related("department", "staff", "collective"))
        random.SystemRandom().shuffle(nominations)
    return remember_visitor(request, render(request, "recognition/round_vote.html", {
        "round": rnd, "nominations": nominations, "receipt": receipt, "error": error, "voted": voted,
        "may_vote": services.may_vote(rnd, request.user), "open": rnd.status == Round.Status.VOTING,
        "login_url": f"{reverse('login')}?next={rnd.get_vote_url()}",
    }, status=400 if error else 200))


def round_receipt(request: HttpRequest, code: str) -> HttpResponse:
    """After the close: anyone checks that a receipt is among the counted ballots; the published figures and
    the stored totals. Before the close the page says when it will answer, and shows no total."""
    rnd = _round(code)
    receipt = request.GET.get("receipt", "").strip()[:32]
    counted = services.receipt_counted(rnd, receipt) if receipt else None
    totals = services.totals(rnd)
    rows = []
    if totals is not None:
        rows = sorted(services.ballot_nominations(rnd).select_related("department", "staff", "collective"), key=lambda n: (-(n.votes or 0), n.pk))
    return render(request, "recognition/round_receipt.html", {
        "round": rnd, "receipt": receipt, "counted": counted, "rows": rows,
        "figures": services.figures(rnd) if totals is not None else None,
    })


# --- Rounds: the supervisor's pages; heads see the rounds open for nominations --------------------------------


def _rounds(request: HttpRequest):
    """Supervisors and administrators: every round; heads: the rounds open for nominations."""
    rounds = Round.objects.all()
    if user_role(request.user) not in (Role.SUPERVISOR, Role.ADMIN):
        rounds = rounds.filter(status=Round.Status.NOMINATING)
    return rounds


@role_required(*MANAGERS)
def round_list(request: HttpRequest) -> HttpResponse:
    page = KeysetPaginator(_rounds(request), ordering=("-created_at", "-pk"), per_page=PAGE_SIZE).page(request.GET)
    return render(request, "recognition/round_list.html", {
        "page_obj": page, "may_create": user_role(request.user) in (Role.SUPERVISOR, Role.ADMIN),
        "new_url": reverse("recognition:round_new"), "nominations_url": reverse("recognition:list"),
    })


@role_required(Role.SUPERVISOR)
def round_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """New round (``pk`` None) or a round's changes: one view, one form. Once the vote opened, the weights and
    the vote's settings are shown disabled with the reason, and a change to them is refused."""
    rnd = get_object_or_404(Round, pk=pk) if pk is not None else None
    form = RoundForm(request.POST or None, instance=rnd)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.ROUND_FIELDS if name in form.cleaned_data}
        if rnd is None:
            rnd, created = services.create_round(key=form.cleaned_data["submission_key"], by=request.user, **data)
            if created:
                messages.success(request, pgettext("round", "Round created."))
            return redirect(rnd.get_staff_url())
        try:
            rnd = services.update_round(rnd, **data)
        except ValidationError as exc:  # the vote opened meanwhile: the weights are frozen
            form.add_error(None, exc)
        else:
            messages.success(request, pgettext("round", "Round saved."))
            return redirect(rnd.get_staff_url())
    return render(request, "recognition/round_form.html", {
        "form": form, "round": rnd, "once": rnd is None,
        "title": pgettext("round", "Edit round") if rnd is not None else pgettext("round", "New round"),
        "back": rnd.get_staff_url() if rnd is not None else reverse("recognition:round_list"),
    })


@role_required(*MANAGERS)
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The round's settings, stage moves (``ROUND``) and timeline; per department the quota and the nominations
    made; the nominations the reader may see."""
    rnd = get_object_or_404(_rounds(request), pk=pk)
    counts = services.nominated_per_department(rnd)
    departments = Department.objects.centres().visible_to(request.user)
    quotas = [(d, rnd.quota_for(d.pk), counts.get(d.pk, 0)) for d in departments]
    nominations = (Nomination.objects.visible_to(request.user).filter(round=rnd)
                   .select_related("department", "staff", "collective").order_by("department__sort_order", "pk"))
    supervisor = user_role(request.user) in (Role.SUPERVISOR, Role.ADMIN)
    flags = jury.flags_of(rnd) if supervisor else []  # who scored what and why it is flagged
    return render(request, "recognition/round_detail.html", {
        "round": rnd, "moves": ROUND.allowed(request.user, rnd), "events": services.round_timeline(rnd) if supervisor else [],
        "quotas": quotas, "nominations": nominations, "supervisor": supervisor, "flags": flags,
        "open_flags": sum(1 for f in flags if f.status == JuryFlag.Status.OPEN),
        "may_clear": supervisor and rnd.status == Round.Status.JUDGING,
        "list_url": reverse("recognition:round_list"), "new_nomination_url": reverse("recognition:new"),
    })


@require_POST
@role_required(Role.SUPERVISOR)
def round_move(request: HttpRequest, pk: int) -> HttpResponse:
    """A stage move of the round (``action`` in the POST). A refused move changes nothing and says why."""
    rnd = get_object_or_404(Round, pk=pk)
    action = request.POST.get("action", "")
    try:
        services.move_round(rnd, action, by=request.user)
    except TransitionError as exc:
        text = " ".join(exc.messages)
        if action == "publish" and jury.open_flags(rnd):  # the refusal links to the flags to clear
            text = format_html('{} <a href="{}#flags" data-testid="flags-link">{}</a>', text, rnd.get_staff_url(),
                               pgettext("jury", "See the flags"))
        messages.error(request, text)
    else:
        messages.success(request, pgettext("round", "Done: %(action)s") % {"action": ROUND.label(action)})
    return redirect(rnd.get_staff_url())


@role_required(Role.SUPERVISOR)
def round_check(request: HttpRequest, pk: int) -> HttpResponse:
    """The eligibility review (资格审查): each submitted nomination with the vetoes the live data shows now and
    their reasons; the supervisor confirms or overrides with a written reason (POST: ``nomination``,
    ``action``, ``reason``), recorded in the nomination's timeline."""
    rnd = get_object_or_404(Round, pk=pk)
    submitted = (rnd.nominations.filter(status=Nomination.Status.SUBMITTED)
                 .select_related("department", "round", "staff", "collective").order_by("department__sort_order", "pk"))
    if request.method == "POST":
        nomination = get_object_or_404(submitted, pk=request.POST.get("nomination") or 0)
        action = request.POST.get("action", "")
        try:
            services.check_eligibility(nomination, action, by=request.user, reason=request.POST.get("reason", ""))
        except TransitionError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, pgettext("nomination", "Done: %(action)s") % {"action": ELIGIBILITY.label(action)})
        return redirect(rnd.get_check_url())
    rows = list(submitted)
    found = services.vetoes(rows)
    for nomination in rows:
        nomination.found_vetoes = found[nomination.pk]
        nomination.checks = ELIGIBILITY.allowed(request.user, nomination)
    return render(request, "recognition/round_check.html", {
        "round": rnd, "rows": rows, "open": rnd.status == Round.Status.REVIEWING,
    })


@require_POST
@role_required(*MANAGERS)
def nomination_facts(request: HttpRequest, pk: int) -> HttpResponse:
    """Read the supporting facts of a nomination again from live data (the head's button)."""
    nomination = _nomination(request, pk)
    try:
        services.refresh_facts(nomination)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, pgettext("nomination", "The facts were read again."))
    return redirect(nomination)


@require_POST
@role_required(Role.SUPERVISOR)
def jury_flag_clear(request: HttpRequest, pk: int) -> HttpResponse:
    """The supervisor clears an anomaly flag of the jury with a written reason (``FLAG``): accept the scores, or
    return the judge's sheet. Recorded in the round's timeline; a refused clearing changes nothing."""
    flag = get_object_or_404(JuryFlag.objects.select_related("round", "member", "nomination"), pk=pk)
    form = FlagClearForm(request.POST)
    if not form.is_valid():
        messages.error(request, pgettext("jury", "Give the reason for clearing the flag."))
    else:
        try:
            jury.clear_flag(flag, form.cleaned_data["decision"], by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, pgettext("jury", "Flag cleared."))
    return redirect(f"{flag.round.get_staff_url()}#flags")
