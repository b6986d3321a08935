from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qualityservice.core.documents import absolute_url, pdf_response, qr_data_uri
from qualityservice.core.exports import refuse_invalid_filter
from qualityservice.core.permissions import (
    MANAGER_ROLES,
    STAFF_ROLES,
    department_scope,
    role_required,
    staff_profile,
    user_role,
)
from qualityservice.core.roles import Role

from . import services
from .forms import (
    CommitmentForm,
    DepartmentForm,
    RosterUploadForm,
    ServicePhraseForm,
    SiteSettingsForm,
    StaffFilterForm,
    StaffForm,
)
from .models import Commitment, Department, ServicePhrase, SiteSettings, Staff

PAGE_SIZE = 30

# --- Public pages -----------------------------------------------------------------------


def _published_commitments_by_department():
    return Department.objects.centres().prefetch_related(
        Prefetch("commitments", queryset=Commitment.objects.published().order_by("sort_order", "pk"), to_attr="published")
    )


def home(request: HttpRequest) -> HttpResponse:
    departments = [d for d in _published_commitments_by_department() if d.published or d.service_phone or d.complaint_phone]
    # The centres' own phones (the plan: property, catering… publish theirs) beside the group's hotline.
    phones = [d for d in departments if d.service_phone or d.complaint_phone]
    return render(
        request,
        "org/home.html",
        {"departments": departments, "phones": phones, "with_commitments": [d for d in departments if d.published],
         "stats": services.public_statistics()},
    )


def public_commitments(request: HttpRequest) -> HttpResponse:
    departments = [d for d in _published_commitments_by_department() if d.published]
    return render(request, "org/public_commitments.html", {"departments": departments})


def public_directory(request: HttpRequest) -> HttpResponse:
    departments = list(Department.objects.centres())
    staff = Staff.objects.active().select_related("department", "team").order_by("department__sort_order", "badge_number")
    selected = None
    dept_id = request.GET.get("department", "")
    if dept_id.isdigit():
        selected = next((d for d in departments if d.pk == int(dept_id)), None)
        if selected is not None:
            staff = staff.filter(department=selected)
    query = request.GET.get("q", "").strip()[:50]
    if query:
        staff = staff.filter(Q(name__icontains=query) | Q(badge_number__iexact=query) | Q(post__icontains=query))
    page = Paginator(staff, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "org/public_directory.html",
        {"departments": departments, "selected": selected, "page_obj": page, "query": query},
    )


def public_phrases(request: HttpRequest) -> HttpResponse:
    phrases = list(ServicePhrase.objects.active())
    return render(
        request,
        "org/public_phrases.html",
        {
            "courteous": [p for p in phrases if p.kind == ServicePhrase.Kind.COURTEOUS],
            "taboo": [p for p in phrases if p.kind == ServicePhrase.Kind.TABOO],
        },
    )


def badge_page(request: HttpRequest, code: str) -> HttpResponse:
    """The mobile page a badge's QR code opens: who this person is, under public supervision."""
    staff = get_object_or_404(Staff.objects.select_related("department", "team"), public_code=code, is_active=True)
    commitments = Commitment.objects.published().filter(department_id=staff.department_id)
    return render(request, "org/badge_page.html", {"staff": staff, "commitments": commitments})


# --- Staff pages: departments -----------------------------------------------------------


def _readable_departments(user):
    """Hotline operators route calls to every department, so they read all departments (contact
    numbers, teams, commitments) — and change none; everyone else reads their scope."""
    return Department.objects.visible_to(user, routing=True)


@role_required(*MANAGER_ROLES, Role.OPERATOR)
def department_list(request: HttpRequest) -> HttpResponse:
    departments = (
        _readable_departments(request.user)
        .filter(kind__in=[Department.Kind.CENTRE, Department.Kind.GROUP])
        .annotate(
            staff_count=Count("staff_members", filter=Q(staff_members__is_active=True), distinct=True),
            commitment_count=Count("commitments", distinct=True),
        )
    )
    return render(request, "org/department_list.html", {"departments": departments})


@role_required(*MANAGER_ROLES, Role.OPERATOR)
def department_detail(request: HttpRequest, pk: int) -> HttpResponse:
    department = get_object_or_404(_readable_departments(request.user), pk=pk)
    teams = department.children.filter(kind=Department.Kind.TEAM).annotate(
        n=Count("team_members", filter=Q(team_members__is_active=True))
    )
    commitments = department.commitments.all()
    staff_count = department.staff_members.filter(is_active=True).count()
    return render(
        request,
        "org/department_detail.html",
        {
            "department": department,
            "teams": teams,
            "commitments": commitments,
            "staff_count": staff_count,
            "can_manage": user_role(request.user) in MANAGER_ROLES,
        },
    )


@role_required(*MANAGER_ROLES)
def department_edit(request: HttpRequest, pk: int) -> HttpResponse:
    department = get_object_or_404(Department.objects.visible_to(request.user), pk=pk)
    form = DepartmentForm(request.POST or None, instance=department)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Department saved."))
        return redirect(department)
    return render(request, "org/form.html", {"form": form, "title": _("Edit %(name)s") % {"name": department.display_name}, "back": department.get_absolute_url()})


@role_required(*MANAGER_ROLES)
def badge_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    department = get_object_or_404(Department.objects.visible_to(request.user), pk=pk)
    pdf = services.badge_sheet_pdf(department, request=request)
    return pdf_response(pdf, f"badges-{department.code}.pdf")


# --- Staff pages: staff -----------------------------------------------------------------


@role_required(*STAFF_ROLES)  # every staff role (not a member's account: they have no badge)
def my_badge(request: HttpRequest) -> HttpResponse:
    """The signed-in member of staff's own badge: what is printed on it, its QR code (to show on the phone when
    the printed badge is not at hand) and the public page it opens, where people rate and praise them."""
    profile = staff_profile(request.user)
    if profile is None or not profile.is_active:
        return render(request, "org/my_badge.html", {"staff": None})
    staff = Staff.objects.with_related().get(pk=profile.pk)
    url = absolute_url(staff.get_public_url())
    return render(request, "org/my_badge.html", {"staff": staff, "badge_url": url, "qr": qr_data_uri(url, scale=6, border=2)})


@role_required(*MANAGER_ROLES)
def staff_list(request: HttpRequest) -> HttpResponse:
    form = StaffFilterForm(request.GET or None, user=request.user)
    staff = Staff.objects.visible_to(request.user).with_related().order_by("department__sort_order", "badge_number")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            staff = staff.filter(Q(name__icontains=data["q"]) | Q(badge_number__icontains=data["q"]) | Q(phone__icontains=data["q"]))
        if data["department"]:
            staff = staff.filter(department=data["department"])
        if data["on_duty"] in ("0", "1"):
            staff = staff.filter(on_duty=data["on_duty"] == "1")
    page = Paginator(staff, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "org/staff_list.html", {"form": form, "page_obj": page, "can_import": user_role(request.user) == Role.ADMIN})


@role_required(*MANAGER_ROLES)
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    staff = get_object_or_404(Staff.objects.visible_to(request.user).with_related(), pk=pk)
    history = staff.history.select_related("history_user__staff").order_by("-history_date")[:20]
    return render(request, "org/staff_detail.html", {"staff": staff, "history": history})


@role_required(*MANAGER_ROLES)
def staff_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create and edit share this view."""
    staff = get_object_or_404(Staff.objects.visible_to(request.user), pk=pk) if pk else None
    form = StaffForm(request.POST or None, instance=staff, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("Staff member %(name)s saved.") % {"name": saved.name})
        return redirect(saved)
    title = _("Edit %(name)s") % {"name": staff.name} if staff else _("New staff member")
    back = staff.get_absolute_url() if staff else "/staff/org/staff/"
    return render(request, "org/form.html", {"form": form, "title": title, "back": back})


@role_required(*MANAGER_ROLES)
def roster_export(request: HttpRequest) -> HttpResponse:
    staff = Staff.objects.visible_to(request.user)
    form = StaffFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():  # e.g. another department's id: nothing, not everything
        return refuse_invalid_filter(request, form, reverse("org:staff_list"))
    if form.is_bound and form.cleaned_data["department"]:
        staff = staff.filter(department=form.cleaned_data["department"])
    stamp = timezone.localtime().strftime("%Y%m%d")
    return services.export_roster(staff, _("roster") + f"-{stamp}.xlsx")


@role_required(Role.ADMIN)
def roster_import(request: HttpRequest) -> HttpResponse:
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = services.import_roster(form.cleaned_data["file"])
        if result.ok:
            messages.success(
                request,
                _("Roster imported: %(created)d created, %(updated)d updated.") % {"created": result.created, "updated": result.updated},
            )
            return redirect("org:staff_list")
    return render(request, "org/roster_import.html", {"form": form, "result": result})


# --- Staff pages: commitments -----------------------------------------------------------


@role_required(*MANAGER_ROLES)
def commitment_list(request: HttpRequest) -> HttpResponse:
    commitments = Commitment.objects.visible_to(request.user).select_related("department")
    return render(request, "org/commitment_list.html", {"commitments": commitments})


@role_required(*MANAGER_ROLES)
def commitment_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    commitment = get_object_or_404(Commitment.objects.visible_to(request.user), pk=pk) if pk else None
    initial = {}
    scope = department_scope(request.user)
    if commitment is None and scope:
        initial["department"] = next(iter(scope))
    form = CommitmentForm(request.POST or None, instance=commitment, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                form.save()
        except IntegrityError:
            # A concurrent double submit that passed validation before the first one committed.
            messages.info(request, _("This commitment had already been saved."))
        else:
            messages.success(request, _("Commitment saved."))
        return redirect("org:commitment_list")
    title = _("Edit commitment") if commitment else _("New commitment")
    return render(request, "org/form.html", {"form": form, "title": title, "back": "/staff/org/commitments/", "once": commitment is None})


@require_POST
@role_required(*MANAGER_ROLES)
def commitment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = get_object_or_404(Commitment.objects.visible_to(request.user), pk=pk)
    commitment.delete()
    messages.success(request, _("Commitment deleted."))
    return redirect("org:commitment_list")


# --- Staff pages: phrases and settings --------------------------------------------------


@role_required(Role.SUPERVISOR)
def phrase_list(request: HttpRequest) -> HttpResponse:
    return render(request, "org/phrase_list.html", {"phrases": ServicePhrase.objects.all()})


@role_required(Role.SUPERVISOR)
def phrase_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    phrase = get_object_or_404(ServicePhrase, pk=pk) if pk else None
    form = ServicePhraseForm(request.POST or None, instance=phrase)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Phrase saved."))
        return redirect("org:phrase_list")
    title = _("Edit phrase") if phrase else _("New phrase")
    return render(request, "org/form.html", {"form": form, "title": title, "back": "/staff/org/phrases/", "once": phrase is None})


@role_required(Role.ADMIN)
def site_settings(request: HttpRequest) -> HttpResponse:
    instance = SiteSettings.objects.order_by("pk").first() or SiteSettings.load()
    form = SiteSettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Settings saved."))
        return redirect("org:site_settings")
    return render(request, "org/form.html", {"form": form, "title": _("Site settings"), "back": "/staff/"})

