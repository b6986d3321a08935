"""Staff pages (staff_urls.py, under /staff/training/): the sessions list, one view to record and change a
session, its page, the Excel import and exports, the hours per staff member and per department, and every
staff member's own record ("my training").

Every manager view takes its rows from ``visible_to(request.user)``: a session or staff member of another
department is a 404, like a page the role may not open (``role_required``)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext

from qualityservice.core.exports import refuse_invalid_filter, xlsx_response
from qualityservice.core.i18n import pick
from qualityservice.core.indicators import Period
from qualityservice.core.permissions import STAFF_ROLES, role_required, staff_profile
from qualityservice.core.roles import Role
from qualityservice.org.models import Department, Staff

from . import services
from .forms import ImportForm, PeriodForm, SessionForm
from .models import Level, TrainingSession

MANAGERS = (Role.HEAD, Role.SUPERVISOR)  # administrators pass role_required too
PAGE_SIZE = 30


def _session(request: HttpRequest, pk: int) -> TrainingSession:
    return get_object_or_404(TrainingSession.objects.visible_to(request.user).select_related("department", "created_by__staff"), pk=pk)


def _filtered_sessions(request: HttpRequest, form: PeriodForm):
    sessions = TrainingSession.objects.visible_to(request.user).select_related("department")
    if form.is_valid():
        data = form.cleaned_data
        if data.get("department"):
            sessions = sessions.filter(department=data["department"])
        if data.get("level"):
            sessions = sessions.filter(level=data["level"])
        if data.get("start"):
            sessions = sessions.filter(date__gte=data["start"])
        if data.get("end"):
            sessions = sessions.filter(date__lte=data["end"])
    return sessions


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _stamp() -> str:
    return timezone.localdate().strftime("%Y%m%d")


# --- Sessions ------------------------------------------------------------------------------------------


@role_required(*MANAGERS)
def session_list(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None, user=request.user, levels=True, default_year=False)
    sessions = _filtered_sessions(request, form).annotate(n_attendees=Count("attendances")).order_by("-date", "-pk")
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "training/session_list.html", {"form": form, "page_obj": page})


def _form_department(request: HttpRequest, session: TrainingSession | None, form_data) -> Department | None:
    """The department whose staff the form offers: the session's, the one posted or asked for (``?department=``)
    within the user's scope, or the head's own."""
    if session is not None:
        return session.department
    departments = Department.objects.centres().visible_to(request.user)
    wanted = (form_data or {}).get("department") or request.GET.get("department", "")
    if str(wanted).isdigit():
        found = departments.filter(pk=int(wanted)).first()
        if found is not None:
            return found
    profile = staff_profile(request.user)
    if profile is not None:
        return departments.filter(pk=profile.department_id).first()
    return None


@role_required(*MANAGERS)
def session_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Record a new session (``pk`` None) or change one: one view, one form."""
    session = _session(request, pk) if pk is not None else None
    department = _form_department(request, session, request.POST or None)
    form = SessionForm(request.POST or None, instance=session, user=request.user, department=department)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS}
        attendees = list(form.cleaned_data["attendees"])
        try:
            if session is None:
                session, created = services.create_session(key=form.cleaned_data["submission_key"], by=request.user,
                                                           attendees=attendees, **data)
                if created:
                    messages.success(request, pgettext("training", "Training session recorded."))
            else:
                session = services.update_session(session, attendees=attendees, **data)
                messages.success(request, pgettext("training", "Training session saved."))
        except ValidationError as exc:  # the service's own check (the form checked the same first)
            _add_errors(form, exc)
        else:
            return redirect(session)
    back = session.get_absolute_url() if session is not None else reverse("training:list")
    title = pgettext("training", "Edit training session") if session is not None else pgettext("training", "New training session")
    return render(request, "training/session_form.html", {"form": form, "title": title, "back": back, "session": session,
                                                           "department": department, "once": session is None})


@role_required(*MANAGERS)
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    attendees = list(Staff.objects.filter(training_attendances__session=session).select_related("team").order_by("badge_number"))
    return render(request, "training/session_detail.html", {"session": session, "attendees": attendees,
                                                             "attendee_hours": session.hours * len(attendees),
                                                             "list_url": reverse("training:list")})


def _import_columns() -> list[tuple[str, str]]:
    required, optional = pgettext("training", "required"), pgettext("training", "optional")
    what = [pgettext("training", "code or name; empty: yours"), "2026-03-05", required, optional, "0.5–24", required,
            "管理 / 技术 / 一线", pgettext("training", "badge numbers, e.g. HQ1001, HQ1002"), optional]
    return list(zip(services.TEMPLATE_HEADERS, what, strict=True))


@role_required(*MANAGERS)
def session_import(request: HttpRequest) -> HttpResponse:
    """Upload a workbook: every row checked, all saved or none; the problems listed by row."""
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = services.import_sessions(form.cleaned_data["file"], by=request.user, key=form.cleaned_data["submission_key"])
        if result.ok:
            if result.repeated:
                messages.info(request, pgettext("training", "This file had already been imported (%(n)d sessions).") % {"n": result.created})
            else:
                messages.success(request, pgettext("training", "Imported %(n)d training sessions.") % {"n": result.created})
            return redirect("training:list")
        form = ImportForm()  # a fresh key for the corrected file
    return render(request, "training/session_import.html", {
        "form": form, "result": result, "columns": _import_columns(),
        "max_rows": settings.QS_TRAINING_IMPORT_MAX_ROWS,
    })


@role_required(*MANAGERS)
def import_template(request: HttpRequest) -> HttpResponse:
    """An empty workbook with the import's columns and one example row (the user's own department)."""
    profile = staff_profile(request.user)
    department = profile.department.name if profile is not None else ""
    example = [department, timezone.localdate().isoformat(), "文明用语与服务礼仪", "Courteous service", 2, "王老师", "一线",
               "HQ1001, HQ1002", ""]
    return xlsx_response(pgettext("training", "training-import-template") + ".xlsx", services.TEMPLATE_HEADERS, [example],
                         title=pgettext("training", "Sessions"))


@role_required(*MANAGERS)
def session_export(request: HttpRequest) -> HttpResponse:
    """The sessions of the list's filter, with their attendees' badge numbers: the import's columns, so an
    export can be corrected and imported elsewhere."""
    form = PeriodForm(request.GET or None, user=request.user, levels=True, default_year=False)
    if form.is_bound and not form.is_valid():
        return refuse_invalid_filter(request, form, reverse("training:list"))
    sessions = (_filtered_sessions(request, form).order_by("-date", "-pk")
                .prefetch_related(Prefetch("attendees", queryset=Staff.objects.only("badge_number").order_by("badge_number"))))

    def rows():
        for s in sessions.iterator(chunk_size=500):
            badges = [a.badge_number for a in s.attendees.all()]
            yield [s.department.name, s.date, s.topic, s.topic_en, s.hours, s.trainer, s.get_level_display(),
                   ", ".join(badges), s.note, len(badges)]

    headers = [*services.TEMPLATE_HEADERS, pgettext("training", "Attendees")]
    return xlsx_response(pgettext("training", "training-sessions") + f"-{_stamp()}.xlsx", headers, rows(),
                         title=pgettext("training", "Sessions"))


# --- Hours -------------------------------------------------------------------------------------------------


def _staff_rows(request: HttpRequest, form: PeriodForm, period: Period):
    staff = Staff.objects.visible_to(request.user).filter(is_active=True).select_related("department")
    if form.is_valid() and form.cleaned_data.get("department"):
        staff = staff.filter(department=form.cleaned_data["department"])
    return services.staff_with_hours(staff, period).order_by("department__sort_order", "badge_number")


@role_required(*MANAGERS)
def staff_hours(request: HttpRequest) -> HttpResponse:
    """Hours per staff member in a period (default: this year), by level."""
    form = PeriodForm(request.GET or None, user=request.user)
    period = form.period()
    page = Paginator(_staff_rows(request, form, period), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "training/staff_hours.html", {"form": form, "period": period, "page_obj": page,
                                                          "levels": Level.choices})


@role_required(*MANAGERS)
def staff_hours_export(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        return refuse_invalid_filter(request, form, reverse("training:staff_hours"))
    period = form.period()
    levels = Level.choices

    def rows():
        for s in _staff_rows(request, form, period).iterator(chunk_size=1000):
            yield [s.badge_number, s.name, pick(s.department.name, s.department.name_en), s.post, s.sessions, s.hours,
                   *(getattr(s, f"hours_{value}") for value, _label in levels)]

    headers = [pgettext("training", "Badge number"), pgettext("training", "Name"), pgettext("training", "Department"),
               pgettext("training", "Post"), pgettext("training", "Sessions"), pgettext("training", "Hours"),
               *(pgettext("training", "%(level)s hours") % {"level": label} for _value, label in levels)]
    return xlsx_response(pgettext("training", "training-hours-per-staff") + f"-{period.key}.xlsx", headers, rows(),
                         title=str(period.label))


def _department_totals(request: HttpRequest, form: PeriodForm, period: Period):
    departments = Department.objects.centres().visible_to(request.user)
    if form.is_valid() and form.cleaned_data.get("department"):
        departments = departments.filter(pk=form.cleaned_data["department"].pk)
    return services.department_totals(list(departments), period)


@role_required(*MANAGERS)
def department_hours(request: HttpRequest) -> HttpResponse:
    """Totals by department and level in a period: sessions held, attendee-hours, staff trained, hours per staff.
    A head sees their department; the supervisor every centre and the sum."""
    form = PeriodForm(request.GET or None, user=request.user)
    period = form.period()
    totals = _department_totals(request, form, period)
    overall = services.Totals(department=None, headcount=sum(t.headcount for t in totals),
                              trained=sum(t.trained for t in totals))
    for value, _label in Level.choices:
        overall.sessions[value] = sum(t.sessions.get(value, 0) for t in totals)
        overall.attendee_hours[value] = sum((t.attendee_hours.get(value, services.ZERO) for t in totals), services.ZERO)
    return render(request, "training/department_hours.html", {
        "form": form, "period": period, "totals": totals, "overall": overall if len(totals) > 1 else None,
        "levels": Level.choices,
    })


@role_required(*MANAGERS)
def department_hours_export(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        return refuse_invalid_filter(request, form, reverse("training:department_hours"))
    period = form.period()
    levels = Level.choices
    rows = [[t.department.display_name, t.headcount, t.session_count,
             *(x for value, _label in levels for x in (t.sessions.get(value, 0), t.attendee_hours.get(value, services.ZERO))),
             t.total_attendee_hours, t.trained, t.hours_per_staff]
            for t in _department_totals(request, form, period)]
    headers = [pgettext("training", "Department"), pgettext("training", "Staff"), pgettext("training", "Sessions"),
               *(h for _value, label in levels for h in (pgettext("training", "%(level)s sessions") % {"level": label},
                                                          pgettext("training", "%(level)s hours") % {"level": label})),
               pgettext("training", "Attendee-hours"), pgettext("training", "Staff trained"),
               pgettext("training", "Hours per staff member")]
    return xlsx_response(pgettext("training", "training-by-department") + f"-{period.key}.xlsx", headers, rows,
                         title=str(period.label))


# --- A staff member's record -------------------------------------------------------------------------------


def _record(request: HttpRequest, staff: Staff, *, own: bool) -> HttpResponse:
    form = PeriodForm(request.GET or None, departments=False)
    period = form.period()
    attendances = services.attendances_of(staff, period)
    by_level = {value: services.ZERO for value in Level.values}
    for a in attendances:
        by_level[a.session.level] += a.session.hours
    return render(request, "training/record.html", {
        "form": form, "period": period, "person": staff, "attendances": attendances, "own": own,
        "total": sum(by_level.values(), services.ZERO),
        "by_level": [(label, by_level[value]) for value, label in Level.choices],
    })


@role_required(*STAFF_ROLES)
def my_training(request: HttpRequest) -> HttpResponse:
    """Every staff member's own training: sessions attended and hours in a period, by level."""
    profile = staff_profile(request.user)
    if profile is None:  # an administrator's account without a staff record
        raise Http404
    return _record(request, profile, own=True)


@role_required(*MANAGERS)
def staff_record(request: HttpRequest, pk: int) -> HttpResponse:
    """One staff member's record, for their head and the supervisor."""
    staff = get_object_or_404(Staff.objects.visible_to(request.user).select_related("department"), pk=pk)
    return _record(request, staff, own=False)
