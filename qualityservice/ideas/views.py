"""Staff pages (staff_urls.py, under /staff/ideas/) and the public pages (urls.py, under /ideas/).

Every staff view reads ideas through ``Idea.objects.visible_to(user)`` (the full record) or, for colleagues who
may support an idea, ``Idea.objects.open_to(user)``; anything else is a 404, like a page the role may not open
(``role_required``). Changes are POSTs through a form; a refused change shows its message and changes nothing."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q, Sum
from django.db.models.functions import TruncMonth
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from qualityservice.core import certificates, pagecache
from qualityservice.core.documents import pdf_response
from qualityservice.core.exports import refuse_invalid_filter, xlsx_response
from qualityservice.core.i18n import pick
from qualityservice.core.indicators import departments_for
from qualityservice.core.pagination import KeysetPaginator
from qualityservice.core.permissions import role_required, staff_profile, user_role
from qualityservice.core.roles import Role
from qualityservice.core.submissions import create_once, scoped
from qualityservice.core.workflow import TransitionError
from qualityservice.org.models import Department, Staff

from . import services
from .forms import (
    DEFAULT_CRITERIA,
    AssignForm,
    CommentForm,
    CriterionFormSet,
    IdeaForm,
    MeasurementForm,
    MilestoneForm,
    MoveForm,
    QueueFilterForm,
    ReplaceReviewerForm,
    RoundForm,
    ScoreForm,
    VerifyForm,
)
from .models import Assignment, Category, Idea, IdeaAuthor, IdeaFile, Measurement, Merge, Milestone, Round, Tier
from .workflows import IDEA, is_coordinator, manages_implementation, may_verify, pending_measurement

EVERYONE = (Role.STAFF, Role.HEAD, Role.OPERATOR, Role.SUPERVISOR, Role.JUDGE)  # administrators pass role_required too
SUBMITTERS = (Role.STAFF, Role.HEAD, Role.OPERATOR, Role.SUPERVISOR)
COORDINATORS = (Role.HEAD, Role.SUPERVISOR)
PAGE_SIZE = 30
# Moves the detail page offers as forms with fields of their own (the others are plain buttons).
WITH_REASON = ("return", "decline", "stop")


def _full(request: HttpRequest, pk: int, *related) -> Idea:
    return get_object_or_404(Idea.objects.visible_to(request.user).select_related("round", "department", *related), pk=pk)


def _with_authors(idea: Idea) -> list[IdeaAuthor]:
    """The authors (one query), also kept on the idea so that the permission checks ask no more."""
    authors = list(IdeaAuthor.objects.filter(idea=idea).select_related("staff__department"))
    idea._author_ids = {a.staff_id for a in authors}
    return authors


# --- my ideas, the board, the form ---------------------------------------------------------------------


@role_required(*EVERYONE)
def mine(request: HttpRequest) -> HttpResponse:
    """A member of staff's own ideas (written, co-written or credited by a merge), the reviews assigned to them,
    the implementations they own and the measurements waiting for them as a verifier."""
    user = request.user
    profile = staff_profile(user)
    authored = (Idea.objects.filter(authors__staff=profile).select_related("round").order_by("-submitted_at", "-pk")[:50]
                if profile is not None else [])
    reviews = list(Assignment.objects.current().filter(reviewer=user).select_related("idea__round").order_by("-assigned_at")[:50])
    owned = list(Idea.objects.filter(owner=user).exclude(status=Idea.Status.AWARDED).order_by("-adopted_at")[:50])
    verifying = Idea.objects.filter(status=Idea.Status.IMPLEMENTED, measurements__verified_at__isnull=True,
                                    measurements__returned_at__isnull=True)
    if user_role(user) not in (Role.SUPERVISOR, Role.ADMIN):
        verifying = verifying.filter(round__verifiers=user)
    if profile is not None:  # an author never verifies their own idea
        verifying = verifying.exclude(pk__in=IdeaAuthor.objects.filter(staff=profile).values("idea_id"))
    return render(request, "ideas/mine.html", {
        "authored": list(authored), "reviews": reviews, "owned": owned, "verifying": list(verifying.distinct()[:50]),
        "may_submit": services.may_submit(user) and services.open_rounds(user).exists(), "now": timezone.now(),
    })


@role_required(*SUBMITTERS)
def board(request: HttpRequest) -> HttpResponse:
    """The ideas of the rounds the user takes part in, newest first, to read and support."""
    ideas = Idea.objects.open_to(request.user).exclude(status=Idea.Status.MERGED).select_related("department", "round")
    category = request.GET.get("category", "")
    if category in Category.values:
        ideas = ideas.filter(category=category)
    page = KeysetPaginator(ideas, ordering=("-submitted_at", "-pk"), per_page=PAGE_SIZE).page(request.GET)
    return render(request, "ideas/board.html", {"page_obj": page, "categories": Category.choices, "category": category})


@role_required(*SUBMITTERS)
def idea_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """A new idea (``pk`` None) or the author's changes to a submitted or returned one: one view, one form."""
    idea = None
    if pk is not None:
        idea = _full(request, pk)
        _with_authors(idea)
        if not services.is_author(request.user, idea):
            raise Http404
        if idea.status not in services.EDITABLE_STATUSES:
            messages.error(request, pgettext("idea", "The idea is being handled: it can no longer be changed."))
            return redirect(idea)
    elif not services.may_submit(request.user):
        raise Http404
    form = IdeaForm(request.POST or None, request.FILES or None, instance=idea, user=request.user)
    if idea is None and not form.fields["round"].queryset.exists():
        messages.info(request, pgettext("idea", "No round is open for ideas at the moment."))
        return redirect("ideas:mine")
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS}
        try:
            if idea is None:
                idea, created = services.submit_idea(key=form.cleaned_data["submission_key"], by=request.user,
                                                     round=form.cleaned_data["round"], coauthors=form.cleaned_data["coauthors"],
                                                     files=form.cleaned_data["files"], **data)
                if created:
                    messages.success(request, pgettext("idea", "Thank you: your idea is sent."))
            else:
                idea = services.update_idea(idea, by=request.user, coauthors=form.cleaned_data["coauthors"],
                                            files=form.cleaned_data["files"], **data)
                messages.success(request, pgettext("idea", "Idea saved."))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect(idea)
    return render(request, "ideas/idea_form.html", {
        "form": form, "idea": idea, "back": idea.get_absolute_url() if idea else reverse("ideas:mine"),
        "title": pgettext("idea", "Change the idea") if idea else pgettext("idea", "A golden idea"),
    })


@role_required(*SUBMITTERS)
def similar(request: HttpRequest) -> HttpResponse:
    """The htmx fragment under the title field: the round's ideas most like the title typed so far."""
    title = request.GET.get("title", "")[:80]
    try:
        round_id = int(request.GET.get("round", ""))
        exclude = int(request.GET["exclude"]) if request.GET.get("exclude") else None
    except ValueError:
        round_id, exclude = 0, None
    ideas = services.similar_ideas(request.user, round_id, title, exclude=exclude) if round_id else []
    profile = staff_profile(request.user)
    pks = [i.pk for i in ideas]
    supported = set(profile.idea_supports.filter(idea__in=pks).values_list("idea_id", flat=True)) if pks and profile else set()
    own = set(IdeaAuthor.objects.filter(idea__in=pks, staff=profile).values_list("idea_id", flat=True)) if pks and profile else set()
    for idea in ideas:
        idea.supported = idea.pk in supported
        idea.may_support = profile is not None and idea.pk not in own
    return render(request, "ideas/_similar.html", {"ideas": ideas, "typed": len(services.normalise(title)) >= 2})


# --- the idea page -------------------------------------------------------------------------------------------


@role_required(*EVERYONE)
def idea_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    idea = (Idea.objects.visible_to(user).select_related("round", "department", "owner__staff", "merged_into")
            .filter(pk=pk).first())
    if idea is None:
        colleague = get_object_or_404(Idea.objects.open_to(user).select_related("round", "department", "merged_into"), pk=pk)
        return _colleague_view(request, colleague)
    authors = _with_authors(idea)
    assignment = services.assignment_of(user, idea)
    coordinator = is_coordinator(user, idea)
    files = list(IdeaFile.objects.filter(idea=idea).order_by("pk"))
    milestones = list(Milestone.objects.filter(idea=idea).order_by("due_on", "pk"))
    measurements = list(Measurement.objects.filter(idea=idea).select_related("verified_by__staff", "recorded_by__staff").order_by("-recorded_at", "-pk"))
    merged_in = list(Merge.objects.filter(target=idea, undone_at__isnull=True).select_related("source"))
    moves = IDEA.allowed(user, idea)
    actions = {t.action for t in moves}
    ctx = {
        "idea": idea, "authors": authors, "files": files, "photos": [f for f in files if f.is_image and f.measurement_id is None],
        "documents": [f for f in files if not f.is_image or f.measurement_id], "milestones": milestones,
        "progress": services.progress(milestones), "measurements": measurements, "merged_in": merged_in,
        "assignment": assignment, "coordinator": coordinator, "events": services.timeline(idea),
        "comments": list(idea.comments.select_related("author__staff")),
        "comment_form": CommentForm() if services.may_comment(user, idea, assignment=assignment) else None,
        "may_edit": idea.status in services.EDITABLE_STATUSES and services.is_author(user, idea),
        "buttons": [t for t in moves if t.action not in (*WITH_REASON, "merge", "assign", "replace", "adopt", "award", "verify")],
        "reason_moves": [t for t in moves if t.action in WITH_REASON], "actions": actions,
        "manages": manages_implementation(user, idea) and idea.status in (Idea.Status.ADOPTED, Idea.Status.IMPLEMENTING),
        "may_measure": services.may_measure(user, idea) and not any(m.is_pending for m in measurements),
        "pending": next((m for m in measurements if m.is_pending), None),
        "milestone_form": MilestoneForm(),
        "show_implementation": idea.owner_id is not None and (idea.is_public or idea.status == Idea.Status.STOPPED),
    }
    if services.sees_reviews(user, idea, assignment):
        ctx["reviews"] = services.review_sheets(idea, replaced=coordinator)  # the coordinators also read the replaced
        ctx["criteria"] = services.criteria_of(idea.round_id)
    if "merge" in actions:
        ctx["merge_targets"] = [i for i in services.similar_ideas(user, idea.round_id, idea.title, exclude=idea.pk, limit=8)
                                if i.status not in (Idea.Status.MERGED, Idea.Status.RETURNED)]
    if "assign" in actions:
        ctx["assign_form"] = AssignForm(idea=idea)
    if "replace" in actions and any(a.is_current for a in ctx.get("reviews", [])):
        ctx["replace_form"] = ReplaceReviewerForm(idea=idea)
    if "adopt" in actions:
        ctx["owners"] = list(get_user_model().objects.filter(staff__is_active=True, staff__department=idea.department_id)
                             .select_related("staff").order_by("staff__badge_number"))
    if "award" in actions:
        ctx["tiers"] = Tier.choices
        ctx["suggested_tier"] = services.suggested_tier(idea)
    if "verify" in actions or (ctx["pending"] is not None and may_verify(user, idea)):
        ctx["may_verify"] = True
    return render(request, "ideas/idea_detail.html", ctx)


def _colleague_view(request: HttpRequest, idea: Idea) -> HttpResponse:
    """What a colleague sees: the idea itself, its supporters and a button to support it."""
    profile = staff_profile(request.user)
    return render(request, "ideas/idea_colleague.html", {
        "idea": idea, "photos": list(IdeaFile.objects.filter(idea=idea, is_image=True, measurement__isnull=True)),
        "supported": profile is not None and idea.supports.filter(staff=profile).exists(),
        "may_support": services.may_support(request.user, idea),
    })


@require_POST
@role_required(*SUBMITTERS)
def support(request: HttpRequest, pk: int) -> HttpResponse:
    idea = get_object_or_404(Idea.objects.open_to(request.user), pk=pk)
    wanted = request.POST.get("support", "1") != "0"
    try:
        services.set_support(idea, request.user, support=wanted)
    except ValidationError as exc:
        if request.htmx:
            return HttpResponse(" ".join(exc.messages), status=200)
        messages.error(request, " ".join(exc.messages))
        return redirect(idea)
    idea.refresh_from_db(fields=["support_count"])
    if request.htmx:
        return render(request, "ideas/_support_button.html", {"idea": idea, "supported": wanted, "may_support": True})
    messages.success(request, pgettext("idea", "Thank you for your support.") if wanted else pgettext("idea", "Support withdrawn."))
    return redirect(idea)


@require_POST
@role_required(*EVERYONE)
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    idea = _full(request, pk)
    if not services.may_comment(request.user, idea):
        raise Http404
    form = CommentForm(request.POST)
    if form.is_valid():
        services.add_comment(idea, by=request.user, text=form.cleaned_data["text"], key=form.cleaned_data["submission_key"])
        messages.success(request, pgettext("idea", "Comment added."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    back = request.POST.get("next", "")
    return redirect(back if back in (idea.get_review_url(), idea.get_absolute_url()) else idea.get_absolute_url())


@require_POST
@role_required(*EVERYONE)
def idea_move(request: HttpRequest, pk: int) -> HttpResponse:
    """One of the idea page's moves (``action`` and its parameters in the POST)."""
    idea = _full(request, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, pgettext("idea", "The form is out of date: reload the page and try again."))
        return redirect(idea)
    action = form.cleaned_data["action"]
    params = {}
    if action in WITH_REASON:
        params["reason"] = form.cleaned_data["reason"]
    elif action == "merge":
        target = form.cleaned_data.get("target")
        params["target"] = Idea.objects.visible_to(request.user).filter(pk=target).first() if target else None
        params["reason"] = form.cleaned_data["reason"]
    elif action == "adopt":
        owner = form.cleaned_data.get("owner")
        params["owner"] = get_user_model().objects.filter(pk=owner, staff__is_active=True).first() if owner else None
        params["reason"] = form.cleaned_data["reason"]
    elif action == "award":
        params["tier"] = form.cleaned_data["tier"]
    try:
        services.move(idea, action, by=request.user, **params)
    except TransitionError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, pgettext("idea", "Done: %(action)s") % {"action": IDEA.label(action)})
    return redirect(idea)


@require_POST
@role_required(*COORDINATORS)
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    idea = _full(request, pk)
    form = AssignForm(request.POST, idea=idea)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(idea)
    try:
        services.move(idea, "assign", by=request.user, reviewers=form.cleaned_data["reviewers"], due_at=form.due_at())
    except TransitionError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, pgettext("idea", "The reviewers are assigned and told."))
    return redirect(idea)


@require_POST
@role_required(*COORDINATORS)
def replace_reviewer(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator replaces a reviewer in force who has not scored (or has a conflict of interest), with a reason."""
    idea = _full(request, pk)
    form = ReplaceReviewerForm(request.POST, idea=idea)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(idea)
    data = form.cleaned_data
    try:
        services.move(idea, "replace", by=request.user, assignment=data["assignment"], reviewer=data["reviewer"],
                      reason=data["reason"], conflict=data["conflict"])
    except TransitionError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, pgettext("idea", "The reviewer is replaced; the new reviewer is told."))
    return redirect(idea)


# --- reviewing ------------------------------------------------------------------------------------------------


@role_required(*EVERYONE)
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """The reviewer's page: the idea, its discussion and the scoring form together; the other reviewers' scores
    and comments once the reviewer has scored; a correction is a new version with a reason."""
    idea = _full(request, pk)
    assignment = services.assignment_of(request.user, idea)
    if assignment is None:
        raise Http404
    _with_authors(idea)
    criteria = services.criteria_of(idea.round_id)
    open_ = idea.status == Idea.Status.REVIEW
    form = ScoreForm(request.POST or None, criteria=criteria, correcting=assignment.version > 0) if open_ else None
    if request.method == "POST":
        if form is None:
            messages.error(request, pgettext("idea", "The review of this idea is closed."))
            return redirect(idea.get_review_url())
        if form.is_valid():
            try:
                services.submit_scores(assignment, by=request.user, values=form.values(), comment=form.cleaned_data["comment"],
                                       reason=form.cleaned_data.get("reason", ""), key=form.cleaned_data["submission_key"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, pgettext("idea", "Your scores are saved and locked."))
                return redirect(idea.get_review_url())
    reviews = services.review_sheets(idea) if assignment.submitted_at else []
    mine = next((a for a in reviews if a.pk == assignment.pk), None)
    return render(request, "ideas/review.html", {
        "idea": idea, "assignment": assignment, "criteria": criteria, "form": form, "mine": mine,
        "others": [a for a in reviews if a.pk != assignment.pk],
        "files": list(IdeaFile.objects.filter(idea=idea, measurement__isnull=True)),
        "comments": list(idea.comments.select_related("author__staff")), "comment_form": CommentForm(),
    })


# --- implementation and measurement ------------------------------------------------------------------------------


@require_POST
@role_required(*EVERYONE)
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    idea = _full(request, pk)
    if not manages_implementation(request.user, idea):
        raise Http404
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            services.add_milestone(idea, by=request.user, title=form.cleaned_data["title"], due_on=form.cleaned_data["due_on"],
                                   weight=form.cleaned_data["weight"], key=form.cleaned_data["submission_key"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, pgettext("idea", "Step added."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(idea.get_absolute_url() + "#progress")


@require_POST
@role_required(*EVERYONE)
def milestone_mark(request: HttpRequest, pk: int, milestone: int) -> HttpResponse:
    idea = _full(request, pk)
    step = get_object_or_404(Milestone, pk=milestone, idea=idea)
    if not manages_implementation(request.user, idea):
        raise Http404
    try:
        services.mark_milestone(step, by=request.user, done=request.POST.get("done") == "1")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(idea.get_absolute_url() + "#progress")


@role_required(*EVERYONE)
def measure(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner records the measured benefit: baseline and after periods, readings or totals, the tariff, the
    evidence. The saving is computed and shown before anything is stored."""
    idea = _full(request, pk)
    if not manages_implementation(request.user, idea):
        raise Http404
    if not services.may_measure(request.user, idea):
        messages.error(request, pgettext("idea", "The benefit is measured by the implementation owner once the idea is implemented."))
        return redirect(idea)
    if pending_measurement(idea) is not None:
        messages.info(request, pgettext("idea", "A measurement is already waiting for verification."))
        return redirect(idea)
    form = MeasurementForm(request.POST or None, request.FILES or None, idea=idea)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        figures = {} if data["unit"] == Measurement.Unit.QUALITATIVE else form.figures()
        try:
            services.record_measurement(idea, by=request.user, key=data["submission_key"], unit=data["unit"], files=data["files"],
                                        note=data["note"], **figures)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, pgettext("idea", "Measurement recorded: a verifier confirms it next."))
            return redirect(idea)
    return render(request, "ideas/measure.html", {"idea": idea, "form": form})


@require_POST
@role_required(*EVERYONE)
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    idea = _full(request, pk)
    form = VerifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, pgettext("idea", "The form is out of date: reload the page and try again."))
        return redirect(idea)
    try:
        if form.cleaned_data["decision"] == "confirm":
            services.move(idea, "verify", by=request.user)
            messages.success(request, pgettext("idea", "The measured benefit is verified."))
        else:
            services.return_measurement(idea, by=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, pgettext("idea", "The measurement is returned to the owner."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(idea)


@role_required(*EVERYONE)
def idea_file(request: HttpRequest, pk: int) -> HttpResponse:
    """A photo or file, to whoever may read the idea (colleagues: the idea's photos only)."""
    f = IdeaFile.objects.filter(pk=pk, idea__in=Idea.objects.visible_to(request.user).values("pk")).first()
    if f is None:
        f = get_object_or_404(IdeaFile, pk=pk, is_image=True, measurement__isnull=True,
                              idea__in=Idea.objects.open_to(request.user).values("pk"))
    try:
        handle = f.file.open("rb")
    except (OSError, ValueError):
        raise Http404 from None
    if f.is_image:
        return FileResponse(handle, content_type="image/jpeg")
    return FileResponse(handle, as_attachment=True, filename=f.name)


@role_required(*EVERYONE)
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """The award certificate (PDF, ``core.certificates``): the authors, the idea, the tier, the serial and a QR code of
    the platform's verification page ``/c/<serial>/``."""
    idea = _full(request, pk)
    if idea.status != Idea.Status.AWARDED:
        raise Http404
    pdf = certificates.render_pdf([services.certificate_data(idea)], request)
    return pdf_response(pdf, f"{idea.certificate_serial}.pdf", inline=request.GET.get("inline") == "1")


# --- coordinators -----------------------------------------------------------------------------------------------


def _queue(request: HttpRequest):
    form = QueueFilterForm(request.GET or None, user=request.user)
    ideas = Idea.objects.visible_to(request.user).select_related("round", "department")
    if form.is_bound and not form.is_valid():
        return form, None
    data = form.cleaned_data if form.is_bound else {}
    if data.get("round"):
        ideas = ideas.filter(round=data["round"])
    if data.get("status"):
        ideas = ideas.filter(status=data["status"])
    if data.get("category"):
        ideas = ideas.filter(category=data["category"])
    if data.get("q"):
        ideas = ideas.filter(title__icontains=data["q"])
    return form, ideas


@role_required(*COORDINATORS)
def queue(request: HttpRequest) -> HttpResponse:
    """The coordinator's queue: the ideas the user may read, filtered, newest first."""
    form, ideas = _queue(request)
    page = KeysetPaginator(ideas if ideas is not None else Idea.objects.none(), ordering=("-submitted_at", "-pk"),
                           per_page=PAGE_SIZE).page(request.GET)
    pending = dict(Assignment.objects.current().filter(idea__in=[i.pk for i in page], submitted_at__isnull=True)
                   .values_list("idea_id").annotate(n=Count("pk"))) if page.object_list else {}
    for idea in page:
        idea.pending_reviews = pending.get(idea.pk, 0)
    return render(request, "ideas/queue.html", {"page_obj": page, "form": form})


@role_required(*COORDINATORS)
def export(request: HttpRequest) -> HttpResponse:
    form, ideas = _queue(request)
    if ideas is None:
        return refuse_invalid_filter(request, form, reverse("ideas:queue"))
    headers = [pgettext("idea", "No."), pgettext("idea", "Round"), pgettext("idea", "Department"), pgettext("idea", "Category"),
               pgettext("idea", "Title"), pgettext("idea", "Authors"), pgettext("idea", "Status"), pgettext("idea", "Supporters"),
               pgettext("idea", "Score"), pgettext("idea", "Expected benefit"), pgettext("idea", "Verified yuan per year"),
               pgettext("idea", "Verified kWh per year"), pgettext("idea", "Verified t of water per year"), pgettext("idea", "Award"),
               pgettext("idea", "Submitted")]
    category = dict(Category.choices)
    status = dict(Idea.Status.choices)
    tier = dict(Tier.choices)
    rows_qs = ideas.order_by("-submitted_at", "-pk").prefetch_related(
        Prefetch("authors", queryset=IdeaAuthor.objects.select_related("staff").order_by("-is_lead", "pk")))

    def rows():
        for i in rows_qs.iterator(chunk_size=500):
            expected = (f"{i.expected_amount} {i.get_benefit_unit_display()}" if i.expected_amount is not None
                        else i.expected_note)
            yield [i.pk, pick(i.round.title, i.round.title_en), pick(i.department.name, i.department.name_en), str(category[i.category]),
                   pick(i.title, i.title_en), "、".join(a.staff.name for a in i.authors.all()), str(status[i.status]), i.support_count,
                   i.score, expected, i.verified_yuan, i.verified_kwh, i.verified_water, str(tier.get(i.award_tier, "")),
                   i.submitted_at]

    return xlsx_response(f"ideas-{timezone.localdate():%Y%m%d}.xlsx", headers, rows(), title=pgettext("idea", "Ideas"))


@role_required(*COORDINATORS)
def rounds(request: HttpRequest) -> HttpResponse:
    items = list(Round.objects.visible_to(request.user).select_related("department").annotate(n=Count("ideas")))
    for r in items:
        r.mine = is_coordinator(request.user, r)
    return render(request, "ideas/rounds.html", {"rounds": items})


@role_required(*COORDINATORS)
def round_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """A new round (with the usual four criteria proposed) or a round's changes; criteria are frozen once a
    reviewer has scored."""
    round_ = None
    if pk is not None:
        round_ = get_object_or_404(Round.objects.visible_to(request.user), pk=pk)
        if not is_coordinator(request.user, round_):
            raise Http404
    frozen = round_ is not None and services.round_is_frozen(round_)
    form = RoundForm(request.POST or None, instance=round_, user=request.user)
    initial = [{"name": n, "name_en": e, "weight": w, "max_score": 10, "order": i} for i, (n, e, w) in enumerate(DEFAULT_CRITERIA)]
    formset = None if frozen else CriterionFormSet(request.POST or None, instance=round_ or Round(),
                                                   initial=initial if round_ is None else None, prefix="criteria")
    if round_ is None and formset is not None:
        formset.extra = len(initial)
    if request.method == "POST" and form.is_valid() and (formset is None or formset.is_valid()):
        with transaction.atomic():
            if round_ is None:
                def create(key):
                    obj = form.save(commit=False)
                    obj.created_by, obj.submission_key = request.user, key
                    obj.save()
                    form.save_m2m()
                    formset.instance = obj
                    formset.save()
                    return obj

                round_, _created = create_once(Round, scoped("ideas-round", form.cleaned_data["submission_key"]), create)
            else:
                form.save()
                if formset is not None:
                    formset.save()
        messages.success(request, pgettext("idea", "Round saved."))
        return redirect("ideas:rounds")
    return render(request, "ideas/round_form.html", {"form": form, "formset": formset, "round": round_, "frozen": frozen})


@role_required(*COORDINATORS)
def participation(request: HttpRequest) -> HttpResponse:
    """Participation per department and month (ideas per 100 staff) and the review backlog."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    if not 2000 <= year <= today.year + 1:
        year = today.year
    departments = [d for d in departments_for(request.user) if d.kind == Department.Kind.CENTRE]
    ids = [d.pk for d in departments]
    start = timezone.make_aware(dt.datetime(year, 1, 1))
    end = timezone.make_aware(dt.datetime(year + 1, 1, 1))
    counts: dict[tuple[int, int], int] = {}
    for row in (Idea.objects.counted().filter(department_id__in=ids, submitted_at__gte=start, submitted_at__lt=end)
                .annotate(month=TruncMonth("submitted_at")).values("department_id", "month").annotate(n=Count("pk")).order_by()):
        counts[(row["department_id"], timezone.localtime(row["month"]).month if timezone.is_aware(row["month"]) else row["month"].month)] = row["n"]
    staff = dict(Staff.objects.filter(department_id__in=ids, is_active=True).values_list("department_id").annotate(n=Count("pk")))
    now = timezone.now()
    backlog = {row["idea__department_id"]: row for row in Assignment.objects.pending().filter(idea__department_id__in=ids)
               .values("idea__department_id").annotate(n=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now))).order_by()}
    rows = []
    for d in departments:
        n_staff = staff.get(d.pk, 0)
        months = []
        for m in range(1, 13):
            n = counts.get((d.pk, m), 0)
            months.append({"n": n, "rate": round(100 * n / n_staff, 1) if n_staff else None})
        total = sum(x["n"] for x in months)
        rows.append({"department": d, "staff": n_staff, "months": months, "total": total,
                     "rate": round(100 * total / n_staff, 1) if n_staff else None,
                     "backlog": backlog.get(d.pk, {}).get("n", 0), "overdue": backlog.get(d.pk, {}).get("overdue", 0)})
    return render(request, "ideas/participation.html", {"rows": rows, "year": year, "months": range(1, 13),
                                                        "years": range(today.year - 3, today.year + 1)})


# --- public pages -----------------------------------------------------------------------------------------------


def _totals(ideas, key: str) -> list[dict]:
    return list(ideas.values(key).annotate(n=Count("pk"), yuan=Sum("verified_yuan"), kwh=Sum("verified_kwh"),
                                           water=Sum("verified_water")).order_by(key))


def public_list(request: HttpRequest) -> HttpResponse:
    """Adopted ideas with their status, progress and verified savings; totals per category and department.
    No person is named (the issue gives no consent for it): departments only."""

    def build(placeholders: bool) -> HttpResponse:
        ideas = Idea.objects.public()
        page = KeysetPaginator(ideas.select_related("department").prefetch_related("milestones"), ordering=("-adopted_at", "-pk"),
                               per_page=PAGE_SIZE).page(request.GET)
        for idea in page:
            idea.progress = services.progress(list(idea.milestones.all()))
        categories = dict(Category.choices)
        by_category = [{**row, "label": categories[row["category"]]} for row in _totals(ideas, "category")]
        names = {d.pk: d for d in Department.objects.centres()}
        by_department = [{**row, "department": names.get(row["department_id"])} for row in _totals(ideas, "department_id")]
        overall = ideas.aggregate(n=Count("pk"), yuan=Sum("verified_yuan"), kwh=Sum("verified_kwh"), water=Sum("verified_water"))
        context = {"page_obj": page, "by_category": by_category, "by_department": by_department, "overall": overall}
        if placeholders:
            context.update(pagecache.placeholder_context())
        return render(request, "ideas/public_list.html", context)

    return pagecache.anonymous_page(request, ("ideas-public",), build)


def public_idea(request: HttpRequest, code: str) -> HttpResponse:
    """An adopted idea by its unguessable code: what it changes, its steps, its verified benefit (no names)."""

    def build(placeholders: bool) -> HttpResponse:
        idea = get_object_or_404(Idea.objects.public().select_related("department", "round"), code=code)
        milestones = list(idea.milestones.order_by("due_on", "pk"))
        measurement = idea.measurements.filter(verified_at__isnull=False).order_by("-verified_at").first()
        context = {"idea": idea, "milestones": milestones, "progress": services.progress(milestones), "measurement": measurement}
        if placeholders:
            context.update(pagecache.placeholder_context())
        return render(request, "ideas/public_idea.html", context)

    return pagecache.anonymous_page(request, ("ideas-public-idea",), build)


def certificate_check(request: HttpRequest, code: str) -> HttpResponse:
    """The QR link printed on certificates issued before the platform's certificate service: it leads to the
    certificate's verification page ``/c/<serial>/``."""
    idea = get_object_or_404(Idea.objects.only("certificate_serial"), certificate_code=code, status=Idea.Status.AWARDED,
                             certificate_serial__isnull=False)
    return redirect(certificates.verification_path(idea.certificate_serial), permanent=True)
