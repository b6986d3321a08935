"""Staff pages (staff_urls.py, under /staff/standards/): operating procedures — the list, a new procedure, its
page with the current version and (for managers) every earlier one, a new version, a version's page and its
file, the Excel export, the departments that have not recorded a version since a date —, post duties (list,
one view to create and edit) and every staff member's "my post" page.

Every view takes its rows from ``visible_to(request.user)``: a procedure of another department is a 404, like
a page the role may not open (``role_required``). Staff read their department's current versions only; the
earlier versions are for the heads and the supervisor."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext

from qualityservice.core.exports import refuse_invalid_filter, xlsx_response
from qualityservice.core.i18n import pick
from qualityservice.core.permissions import STAFF_ROLES, role_required, staff_profile, user_role
from qualityservice.core.roles import Role
from qualityservice.org.models import Department

from . import services, uploads
from .forms import PostStandardForm, ProcedureFilterForm, ProcedureForm, SinceForm, VersionForm
from .models import PostStandard, Procedure, ProcedureVersion

MANAGERS = (Role.HEAD, Role.SUPERVISOR)  # administrators pass role_required too
PAGE_SIZE = 30


def _manages(user) -> bool:
    return user_role(user) in (Role.HEAD, Role.SUPERVISOR, Role.ADMIN)


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _procedure(request: HttpRequest, pk: int) -> Procedure:
    return get_object_or_404(Procedure.objects.visible_to(request.user).select_related("department", "current_version"), pk=pk)


def _procedures(request: HttpRequest, form: ProcedureFilterForm):
    procedures = Procedure.objects.visible_to(request.user).select_related("department", "current_version")
    if form.is_valid():
        if form.cleaned_data["q"]:
            q = form.cleaned_data["q"]
            procedures = procedures.filter(Q(number__icontains=q) | Q(title__icontains=q) | Q(title_en__icontains=q))
        if form.cleaned_data["department"]:
            procedures = procedures.filter(department=form.cleaned_data["department"])
    return procedures


# --- Procedures --------------------------------------------------------------------------------------------


@role_required(*STAFF_ROLES)
def procedure_list(request: HttpRequest) -> HttpResponse:
    form = ProcedureFilterForm(request.GET or None, user=request.user)
    procedures = _procedures(request, form).annotate(n_versions=Count("versions")).order_by("department__sort_order", "number", "pk")
    page = Paginator(procedures, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "standards/procedure_list.html", {
        "form": form, "page_obj": page, "manages": _manages(request.user),
        "supervises": user_role(request.user) in (Role.SUPERVISOR, Role.ADMIN),
    })


@role_required(*MANAGERS)
def procedure_new(request: HttpRequest) -> HttpResponse:
    form = ProcedureForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            procedure, created = services.create_procedure(
                key=form.cleaned_data["submission_key"], by=request.user, department=form.cleaned_data["department"],
                number=form.cleaned_data["number"], file=form.cleaned_data["upload"], **form.version_fields())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if created:
                messages.success(request, pgettext("standards", "Procedure recorded."))
            return redirect(procedure)
    return render(request, "standards/version_form.html", {
        "form": form, "title": pgettext("standards", "New operating procedure"), "back": reverse("standards:list")})


@role_required(*STAFF_ROLES)
def procedure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = _procedure(request, pk)
    manages = _manages(request.user)
    return render(request, "standards/procedure_detail.html", {
        "procedure": procedure, "version": procedure.current_version, "manages": manages,
        "versions": services.history(procedure) if manages else [],
    })


@role_required(*MANAGERS)
def version_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a new version: it becomes the current one; the one before stays readable."""
    procedure = _procedure(request, pk)
    form = VersionForm(request.POST or None, request.FILES or None, procedure=procedure)
    if request.method == "POST" and form.is_valid():
        try:
            version, created = services.record_version(procedure, key=form.cleaned_data["submission_key"], by=request.user,
                                                       file=form.cleaned_data["upload"], **form.version_fields())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if created:
                messages.success(request, pgettext("standards", "Version %(version)s recorded: it is now the current one.")
                                 % {"version": version.version})
            return redirect(procedure)
    return render(request, "standards/version_form.html", {
        "form": form, "procedure": procedure, "back": procedure.get_absolute_url(),
        "title": pgettext("standards", "New version of %(number)s") % {"number": procedure.number}})


def _version(request: HttpRequest, pk: int) -> ProcedureVersion:
    """A version the user may read: any of their scope for managers, only the current ones for staff."""
    version = get_object_or_404(ProcedureVersion.objects.visible_to(request.user).select_related(
        "procedure__department", "procedure__current_version", "recorded_by__staff"), pk=pk)
    if not version.is_current and not _manages(request.user):
        raise Http404
    return version


@role_required(*STAFF_ROLES)
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    return render(request, "standards/version_detail.html", {"version": version, "procedure": version.procedure,
                                                              "manages": _manages(request.user)})


@role_required(*STAFF_ROLES)
def version_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The version's file, only through this scoped view (never a public media URL)."""
    version = _version(request, pk)
    if not version.file:
        raise Http404
    try:
        handle = version.file.open("rb")
    except (OSError, ValueError):
        raise Http404 from None
    ext = uploads.extension(version.file_name or version.file.name)
    return FileResponse(handle, as_attachment=True, filename=version.file_name or version.file.name.rsplit("/", 1)[-1],
                        content_type=uploads.CONTENT_TYPES.get(ext, "application/octet-stream"))


@role_required(*MANAGERS)
def procedure_export(request: HttpRequest) -> HttpResponse:
    """The procedures of the list's filter with their current version."""
    form = ProcedureFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        return refuse_invalid_filter(request, form, reverse("standards:list"))
    procedures = _procedures(request, form).annotate(n_versions=Count("versions")).order_by("department__sort_order", "number", "pk")

    def rows():
        for p in procedures.iterator(chunk_size=500):
            v = p.current_version
            yield [pick(p.department.name, p.department.name_en), p.number, pick(p.title, p.title_en),
                   v.version if v else "", v.effective_date if v else None, v.recorded_at if v else None, p.n_versions,
                   "PDF/Office" if v and v.file else pgettext("standards", "text")]

    headers = [pgettext("standards", "Department"), pgettext("standards", "Number"), pgettext("standards", "Title"),
               pgettext("standards", "Current version"), pgettext("standards", "Effective date"),
               pgettext("standards", "Recorded"), pgettext("standards", "Versions"), pgettext("standards", "Form")]
    stamp = timezone.localdate().strftime("%Y%m%d")
    return xlsx_response(pgettext("standards", "operating-procedures") + f"-{stamp}.xlsx", headers, rows(),
                         title=pgettext("standards", "Procedures"))


@role_required(Role.SUPERVISOR)
def not_updated(request: HttpRequest) -> HttpResponse:
    """The departments that have recorded no new procedure version since a date (default 1 January)."""
    form = SinceForm(request.GET or None)
    since = form.since_date()
    rows = services.not_updated_since(Department.objects.centres(), since)
    return render(request, "standards/not_updated.html", {"form": form, "since": since, "rows": rows})


# --- Post duties -------------------------------------------------------------------------------------------


@role_required(*MANAGERS)
def post_list(request: HttpRequest) -> HttpResponse:
    posts = PostStandard.objects.visible_to(request.user).select_related("department")
    return render(request, "standards/post_list.html", {"posts": posts})


@role_required(*MANAGERS)
def post_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """New post duties (``pk`` None) or a change: one view, one form."""
    standard = get_object_or_404(PostStandard.objects.visible_to(request.user), pk=pk) if pk is not None else None
    form = PostStandardForm(request.POST or None, instance=standard, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.POST_FIELDS}
        try:
            standard, _created = services.save_post_standard(key=form.cleaned_data["submission_key"], by=request.user,
                                                             instance=standard, **fields)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, pgettext("standards", "Duties of %(post)s saved.") % {"post": standard.post})
            return redirect("standards:posts")
    title = pgettext("standards", "Edit post duties") if standard is not None else pgettext("standards", "New post duties")
    return render(request, "standards/post_form.html", {"form": form, "title": title, "back": reverse("standards:posts"),
                                                        "once": standard is None})


@role_required(*STAFF_ROLES)
def my_post(request: HttpRequest) -> HttpResponse:
    """A staff member's own post: its duties and public standard, and the department's current procedures."""
    profile = staff_profile(request.user)
    if profile is None:  # an administrator's account without a staff record
        raise Http404
    procedures = Procedure.objects.filter(department_id=profile.department_id).select_related("current_version").order_by("number", "pk")
    return render(request, "standards/my_post.html", {"person": profile, "standard": services.post_standard_for(profile),
                                                      "procedures": procedures})
