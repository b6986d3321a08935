"""Staff pages (staff_urls.py, under /staff/events/): events, sessions, reserved allocations, registrations and
the waiting list, invitations, minutes, opinions, exports, the co-host list, and check-in at the door.

Every view takes its rows from ``<Model>.objects.visible_to(request.user)``: an event of another department is a
404, like a page the role may not open (``role_required``). Organisers are heads (their department) and
supervisors; the host department's staff may use the check-in pages; supervisors keep the co-host list."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Min, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from qualityservice.core.documents import qr_svg
from qualityservice.core.exports import xlsx_response
from qualityservice.core.i18n import pick
from qualityservice.core.pagination import KeysetPaginator
from qualityservice.core.permissions import role_required
from qualityservice.core.roles import Role
from qualityservice.core.workflow import TransitionError

from . import services
from .forms import (
    AllocationForm,
    CancelForm,
    CoHostForm,
    EventForm,
    InviteForm,
    MinutesForm,
    OpinionForm,
    ReorderForm,
    SessionForm,
)
from .models import (
    Allocation,
    Audience,
    CheckIn,
    CoHost,
    Event,
    Invitation,
    Minutes,
    Opinion,
    QueueMove,
    Registration,
    RegistrationStatus,
    Session,
)
from .workflows import EVENT, INVITATION, MINUTES, SESSION

MANAGERS = (Role.HEAD, Role.SUPERVISOR)  # administrators pass role_required too
DOOR = (Role.STAFF, Role.HEAD, Role.SUPERVISOR)
PAGE_SIZE = 30
R = RegistrationStatus
MAX_UPLOAD_BYTES = 1_000_000
MAX_SCANS = 2000


def _event(request: HttpRequest, pk: int) -> Event:
    return get_object_or_404(Event.objects.visible_to(request.user).select_related("department", "organiser__staff"), pk=pk)


def _session(request: HttpRequest, pk: int) -> Session:
    return get_object_or_404(Session.objects.visible_to(request.user).select_related("event__department", "place"), pk=pk)


def _refused(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


# --- Events ----------------------------------------------------------------------------------------------------


@role_required(*MANAGERS)
def event_list(request: HttpRequest) -> HttpResponse:
    events = (Event.objects.visible_to(request.user).select_related("department")
              .annotate(n_sessions=Count("sessions", distinct=True), first_start=Min("sessions__starts_at")))
    page = KeysetPaginator(events, ordering=("-created_at", "-pk"), per_page=PAGE_SIZE).page(request.GET)
    return render(request, "events/event_list.html", {
        "page_obj": page, "new_url": reverse("events:new"), "cohosts_url": reverse("events:cohosts"),
        "may_keep_cohosts": request.user.is_superuser or getattr(getattr(request.user, "staff", None), "role", "") == Role.SUPERVISOR,
    })


@role_required(*MANAGERS)
def event_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """New event (``pk`` None) or an event's changes: one view, one form."""
    event = _event(request, pk) if pk is not None else None
    form = EventForm(request.POST or None, instance=event, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.EVENT_FIELDS if name in form.cleaned_data}
        co_hosts = form.cleaned_data["co_hosts"]
        if event is None:
            event, created = services.create_event(key=form.cleaned_data["submission_key"], by=request.user, co_hosts=co_hosts, **data)
            if created:
                messages.success(request, pgettext("events", "Event created. Add its sessions, then publish it."))
            return redirect(event)
        try:
            event = services.update_event(event, co_hosts=co_hosts, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, pgettext("events", "Event saved."))
            return redirect(event)
    back = event.get_absolute_url() if event is not None else reverse("events:list")
    title = pgettext("events", "Edit event") if event is not None else pgettext("events", "New event")
    return render(request, "org/form.html", {"form": form, "title": title, "back": back, "once": event is None})


@role_required(*MANAGERS)
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    sessions = list(event.sessions.select_related("place").annotate(
        waiting=Count("registrations", filter=Q(registrations__status=R.WAITING))))
    reserved_taken = dict(Allocation.objects.filter(session__event=event).values("session_id").annotate(n=Sum("taken"))
                          .values_list("session_id", "n").order_by())
    for session in sessions:
        session.held_seats = session.general_taken + (reserved_taken.get(session.pk) or 0)
    invitations = event.invitations.values("status").annotate(n=Count("pk")).order_by()
    minutes = Minutes.objects.filter(event=event).first()
    return render(request, "events/event_detail.html", {
        "event": event, "sessions": sessions, "moves": EVENT.allowed(request.user, event),
        "events": services.timeline(event, EVENT), "co_hosts": list(event.co_hosts.all()),
        "invitations": {row["status"]: row["n"] for row in invitations}, "minutes": minutes,
        "opinions": event.opinions.count(), "attendance": services.attendance(event),
        "public_url": request.build_absolute_uri(event.get_public_url()),
        "qr": qr_svg(request.build_absolute_uri(event.get_public_url()), scale=3),
        "is_invitation": event.audience == Audience.INVITATION, "list_url": reverse("events:list"),
        "campaign_activity": services.campaign_activity_of(event),
    })


@require_POST
@role_required(*MANAGERS)
def event_move(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    action = request.POST.get("action", "")
    try:
        services.move_event(event, action, by=request.user)
    except TransitionError as exc:
        _refused(request, exc)
    else:
        messages.success(request, pgettext("events", "Done: %(action)s") % {"action": EVENT.label(action)})
    return redirect(event)


# --- Sessions and allocations ----------------------------------------------------------------------------------


@role_required(*MANAGERS)
def session_edit(request: HttpRequest, pk: int | None = None, event_pk: int | None = None) -> HttpResponse:
    """New session of an event (``event_pk``) or a scheduled session's changes (``pk``)."""
    session = _session(request, pk) if pk is not None else None
    event = session.event if session is not None else _event(request, event_pk)
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.SESSION_FIELDS}
        try:
            if session is None:
                session, created = services.create_session(event, key=form.cleaned_data["submission_key"], **data)
                if created:
                    messages.success(request, pgettext("events", "Session added."))
            else:
                session = services.update_session(session, **data)
                messages.success(request, pgettext("events", "Session saved."))
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                form.add_error(None, exc)
        else:
            return redirect(session)
    back = session.get_absolute_url() if session is not None else event.get_absolute_url()
    title = (pgettext("events", "Edit a session of %(event)s") if session is not None
             else pgettext("events", "New session of %(event)s")) % {"event": event.display_title}
    return render(request, "org/form.html", {"form": form, "title": title, "back": back, "once": session is None})


@role_required(*MANAGERS)
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    counts = {row["status"]: row["n"] for row in session.registrations.values("status").annotate(n=Count("pk")).order_by()}
    waiting = list(Registration.objects.waiting_list(session)[:200])
    allocations = list(session.allocations.select_related("co_host"))
    moves = list(QueueMove.objects.filter(session=session).select_related("registration", "by__staff").order_by("-created_at")[:50])
    return render(request, "events/session_detail.html", {
        "session": session, "event": session.event, "counts": counts, "waiting": waiting, "allocations": allocations,
        "queue_moves": moves, "moves": SESSION.allowed(request.user, session), "events": services.timeline(session, SESSION),
        "reorder_form": ReorderForm(), "general_capacity": session.general_capacity,
        "held_seats": session.general_taken + sum(a.taken for a in allocations),
        "allocation_urls": [(a, request.build_absolute_uri(a.get_register_url()), request.build_absolute_uri(a.get_list_url()))
                            for a in allocations],
    })


@require_POST
@role_required(*MANAGERS)
def session_move(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    action = request.POST.get("action", "")
    try:
        services.move_session(session, action, by=request.user)
    except TransitionError as exc:
        _refused(request, exc)
    else:
        messages.success(request, pgettext("events", "Done: %(action)s") % {"action": SESSION.label(action)})
    return redirect(session)


@role_required(*MANAGERS)
def allocation_edit(request: HttpRequest, pk: int | None = None, session_pk: int | None = None) -> HttpResponse:
    allocation = (get_object_or_404(Allocation.objects.filter(session__in=Session.objects.visible_to(request.user))
                                    .select_related("session__event"), pk=pk) if pk is not None else None)
    session = allocation.session if allocation is not None else _session(request, session_pk)
    form = AllocationForm(request.POST or None, instance=allocation, event=session.event)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_allocation(session, key=form.cleaned_data["submission_key"], co_host=form.cleaned_data["co_host"],
                                     seats=form.cleaned_data["seats"], allocation=allocation)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, pgettext("events", "Reservation saved."))
            return redirect(session)
    title = pgettext("events", "Seats of %(event)s reserved for a co-host") % {"event": session.event.display_title}
    return render(request, "org/form.html", {"form": form, "title": title, "back": session.get_absolute_url(),
                                             "once": allocation is None})


# --- Registrations and the waiting list ------------------------------------------------------------------------

STATUS_FILTERS = ("confirmed", "waiting", "attended", "no_show", "ended", "all")


@role_required(*MANAGERS)
def registrations(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    shown = request.GET.get("status", "confirmed")
    if shown not in STATUS_FILTERS:
        shown = "confirmed"
    rows = Registration.objects.filter(session=session).select_related("allocation__co_host")
    if shown == "waiting":
        rows = rows.filter(status=R.WAITING).order_by("rank", "seq")
    elif shown == "confirmed":
        rows = rows.filter(status__in=[R.CONFIRMED, R.OFFERED]).order_by("seq")
    elif shown == "ended":
        rows = rows.filter(status__in=[R.CANCELLED, R.WITHDRAWN, R.LAPSED]).order_by("-seq")
    elif shown != "all":
        rows = rows.filter(status=shown).order_by("seq")
    else:
        rows = rows.order_by("seq")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    offset = (page.number - 1) * 50
    return render(request, "events/registrations.html", {
        "session": session, "event": session.event, "page_obj": page, "shown": shown, "filters": STATUS_FILTERS,
        "offset": offset, "cancel_form": CancelForm(),
    })


@require_POST
@role_required(*MANAGERS)
def registration_move(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser cancels a registration (a seat, an offer or a place in line), with an optional reason for the person."""
    registration = get_object_or_404(Registration.objects.visible_to(request.user).select_related("session__event"), pk=pk)
    form = CancelForm(request.POST)
    back = reverse("events:registrations", args=[registration.session_id]) + f"?status={request.POST.get('back', 'confirmed')}"
    if request.POST.get("action") != "cancel" or not form.is_valid():
        messages.error(request, pgettext("events", "Unknown action."))
        return redirect(back)
    try:
        services.move_registration(registration, "cancel", by=request.user, note=form.cleaned_data["reason"])
    except TransitionError as exc:
        _refused(request, exc)
    else:
        messages.success(request, pgettext("events", "Registration of %(name)s cancelled.") % {"name": registration.name})
    return redirect(back)


@require_POST
@role_required(*MANAGERS)
def reorder(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    form = ReorderForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(session)
    registration = get_object_or_404(Registration.objects.filter(session=session), pk=form.cleaned_data["registration"])
    try:
        move = services.reorder(session, registration, position=form.cleaned_data["position"], reason=form.cleaned_data["reason"],
                                by=request.user, key=form.cleaned_data["submission_key"])
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, pgettext("events", "%(name)s moved from place %(from)s to %(to)s.") % {
            "name": registration.name, "from": move.from_position, "to": move.to_position})
    return redirect(session)


# --- Invitations -----------------------------------------------------------------------------------------------


@role_required(*MANAGERS)
def invitations(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        n = services.invite(event, form.cleaned_data["numbers"], by=request.user, key=form.cleaned_data["submission_key"])
        messages.success(request, pgettext("events", "%(n)s invited.") % {"n": n})
        return redirect("events:invitations", pk=event.pk)
    rows = Paginator(event.invitations.select_related("user").order_by("status", "name", "pk"), 100).get_page(request.GET.get("page"))
    return render(request, "events/invitations.html", {
        "event": event, "form": form, "page_obj": rows, "pending": event.invitations.filter(status=Invitation.Status.PENDING).count(),
    }, status=400 if form.is_bound else 200)


@require_POST
@role_required(*MANAGERS)
def invitations_remind(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    n = services.remind_invitees(event)
    messages.success(request, pgettext("events", "Reminder sent to %(n)s invitees who have not answered.") % {"n": n})
    return redirect("events:invitations", pk=event.pk)


@require_POST
@role_required(*MANAGERS)
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation.objects.filter(event__in=Event.objects.visible_to(request.user)), pk=pk)
    try:
        INVITATION.apply(invitation, "revoke", by=request.user)
    except TransitionError as exc:
        _refused(request, exc)
    else:
        messages.success(request, pgettext("events", "Invitation of %(name)s withdrawn.") % {"name": invitation.name})
    return redirect("events:invitations", pk=invitation.event_id)


# --- Minutes and opinions --------------------------------------------------------------------------------------


@role_required(*MANAGERS)
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    current = Minutes.objects.filter(event=event).first()
    form = MinutesForm(request.POST or None, initial={"body": current.body if current else ""})
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_minutes(event, form.cleaned_data["body"], by=request.user, key=form.cleaned_data["submission_key"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, pgettext("events", "Minutes saved."))
                return redirect("events:minutes", pk=event.pk)
    revisions = list(current.revisions.select_related("by__staff")) if current else []
    return render(request, "events/minutes.html", {
        "event": event, "minutes": current, "form": form, "revisions": revisions,
        "may_finalise": current is not None and MINUTES.may(request.user, "finalise", current),
        "attendance": services.attendance(event),
    }, status=400 if form.is_bound else 200)


@require_POST
@role_required(*MANAGERS)
def minutes_finalise(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    current = get_object_or_404(Minutes, event=event)
    try:
        services.finalise_minutes(current, by=request.user)
    except TransitionError as exc:
        _refused(request, exc)
    else:
        messages.success(request, pgettext("events", "The minutes are final."))
    return redirect("events:minutes", pk=event.pk)


@role_required(*MANAGERS)
def opinions(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    form = OpinionForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            opinion, created = services.add_opinion(event, body=data["body"], kind=data["kind"], department=data["department"],
                                                    session=data.get("session"), source=Opinion.Source.ORGANISER, by=request.user,
                                                    key=data["submission_key"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if created:
                messages.success(request, pgettext("events", "Opinion recorded as feedback %(code)s.") % {"code": opinion.feedback_code})
            return redirect("events:opinions", pk=event.pk)
    rows = list(event.opinions.select_related("department", "session").order_by("-created_at", "-pk")[:300])
    statuses = services.opinion_statuses(rows)
    for row in rows:
        row.public = statuses.get(row.feedback_code)
    return render(request, "events/opinions.html", {"event": event, "form": form, "opinions": rows},
                  status=400 if form.is_bound else 200)


# --- Exports ---------------------------------------------------------------------------------------------------

EXPORTS = ("registrations", "waiting", "attendance", "opinions")


def _when(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


@role_required(*MANAGERS)
def export(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    event = _event(request, pk)
    if kind not in EXPORTS:
        raise Http404
    title = event.title
    if kind == "registrations":
        headers = [pgettext("events", "Session"), pgettext("events", "Name"), pgettext("events", "Phone"), pgettext("events", "Status"), pgettext("events", "Co-host"),
                   pgettext("events", "Registered"), pgettext("events", "Seat confirmed"), pgettext("events", "Checked in")]
        labels = dict(R.choices)
        rows = ((_when(r["session__starts_at"]), r["name"], r["phone"], str(labels.get(r["status"], r["status"])),
                 pick(r["allocation__co_host__name"] or "", r["allocation__co_host__name_en"]), _when(r["created_at"]),
                 _when(r["confirmed_at"]), _when(r["checked_in_at"]))
                for r in Registration.objects.filter(session__event=event).exclude(status=R.WAITING).order_by("session__starts_at", "seq")
                .values("session__starts_at", "name", "phone", "status", "allocation__co_host__name", "allocation__co_host__name_en",
                        "created_at", "confirmed_at", "checked_in_at").iterator())
    elif kind == "waiting":
        headers = [pgettext("events", "Session"), pgettext("events", "Place in line"), pgettext("events", "Name"), pgettext("events", "Phone"), pgettext("events", "Joined")]
        rows = _waiting_rows(event)
    elif kind == "attendance":
        headers = [pgettext("events", "Session"), pgettext("events", "Co-host"), pgettext("events", "Registered"), pgettext("events", "Attended"), pgettext("events", "Did not come")]
        rows = _attendance_rows(event)
    else:
        headers = [pgettext("events", "Raised"), pgettext("events", "Session"), pgettext("events", "Kind"), pgettext("events", "Department concerned"),
                   pgettext("events", "Opinion"), pgettext("events", "Feedback tracking code"), pgettext("events", "Status"), pgettext("events", "Answered"),
                   pgettext("events", "Public reply")]
        items = list(event.opinions.select_related("department", "session").order_by("created_at", "pk"))
        statuses = services.opinion_statuses(items)
        rows = ((_when(o.created_at), _when(o.session.starts_at) if o.session else None, o.get_kind_display(), o.department.display_name,
                 o.body, o.feedback_code, statuses[o.feedback_code].status_label if o.feedback_code in statuses else "",
                 _when(o.answered_at), "\n".join(r.body for r in statuses[o.feedback_code].replies) if o.feedback_code in statuses else "")
                for o in items)
    names = {"registrations": pgettext("events", "registrations"), "waiting": pgettext("events", "waiting list"),
             "attendance": pgettext("events", "attendance"), "opinions": pgettext("events", "opinions")}
    return xlsx_response(f"{title}-{names[kind]}.xlsx", headers, rows, title=names[kind])


def _waiting_rows(event: Event):
    current, n = None, 0
    for r in (Registration.objects.filter(session__event=event, status=R.WAITING).order_by("session__starts_at", "session_id", "rank", "seq")
              .values("session_id", "session__starts_at", "name", "phone", "created_at").iterator()):
        n = n + 1 if r["session_id"] == current else 1
        current = r["session_id"]
        yield (_when(r["session__starts_at"]), n, r["name"], r["phone"], _when(r["created_at"]))


def _attendance_rows(event: Event):
    rows = (Registration.objects.filter(session__event=event).values("session__starts_at", "allocation__co_host__name",
                                                                     "allocation__co_host__name_en")
            .annotate(registered=Count("pk", filter=Q(status__in=[R.CONFIRMED, R.ATTENDED, R.NO_SHOW])),
                      attended=Count("pk", filter=Q(status=R.ATTENDED)), no_show=Count("pk", filter=Q(status=R.NO_SHOW)))
            .order_by("session__starts_at", "allocation__co_host__name"))
    general = pgettext("events", "General registration")
    for r in rows:
        yield (_when(r["session__starts_at"]), pick(r["allocation__co_host__name"], r["allocation__co_host__name_en"]) or general,
               r["registered"], r["attended"], r["no_show"])


# --- Co-hosts --------------------------------------------------------------------------------------------------


@role_required(Role.SUPERVISOR)
def cohost_list(request: HttpRequest) -> HttpResponse:
    rows = CoHost.objects.annotate(n_events=Count("events", distinct=True))
    return render(request, "events/cohost_list.html", {"cohosts": rows, "new_url": reverse("events:cohost_new")})


@role_required(Role.SUPERVISOR)
def cohost_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    cohost = get_object_or_404(CoHost, pk=pk) if pk is not None else None
    form = CoHostForm(request.POST or None, instance=cohost)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in ("name", "name_en", "sort_order", "is_active")}
        services.save_cohost(key=form.cleaned_data["submission_key"], cohost=cohost, **fields)
        messages.success(request, pgettext("events", "Co-host organisation saved."))
        return redirect("events:cohosts")
    title = pgettext("events", "Co-host organisation")
    return render(request, "org/form.html", {"form": form, "title": title, "back": reverse("events:cohosts"), "once": cohost is None})


# --- Check-in at the door --------------------------------------------------------------------------------------


@role_required(*DOOR)
def checkin(request: HttpRequest, pk: int) -> HttpResponse:
    """The door phone's page: loads the session's tickets for offline use, checks tickets locally in an instant
    (green/red) and uploads the scans (static/events/js/checkin.js)."""
    session = _session(request, pk)
    return render(request, "events/checkin.html", {
        "session": session, "event": session.event,
        "list_url": reverse("events:checkin_list", args=[session.pk]),
        "upload_url": reverse("events:checkin_upload", args=[session.pk]),
        "log_url": reverse("events:checkin_log", args=[session.pk]),
        "sw_url": reverse("events:checkin_sw", args=[session.pk]),
        "may_manage": request.user.is_superuser or getattr(getattr(request.user, "staff", None), "role", "") in MANAGERS,
    })


@role_required(*DOOR)
def checkin_sw(request: HttpRequest, pk: int) -> HttpResponse:
    """The check-in page's service worker (templates/events/checkin_sw.js), served beside the page so that its
    scope is the page of this session: it keeps the page, its files and the ticket list for a reload without
    network. A script file, no inline code: the CSP's ``script-src 'self'`` (and so ``worker-src``) allows it."""
    _session(request, pk)
    return render(request, "events/checkin_sw.js", {"static_prefix": settings.STATIC_URL},
                  content_type="text/javascript; charset=utf-8")


@role_required(*DOOR)
def checkin_list(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    tickets = services.door_list(session)
    return JsonResponse({"session": session.pk, "generated_at": timezone.now().isoformat(), "tickets": tickets,
                         "checked_in": sum(1 for t in tickets if t["s"] == R.ATTENDED)})


@require_POST
@role_required(*DOOR)
def checkin_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Scans uploaded by a door phone (JSON ``{"scans": [...], "device": "…"}``): every scan is recorded once
    (its nonce), accepted or refused with its reason; the answer lists each scan's outcome."""
    session = _session(request, pk)
    if len(request.body) > MAX_UPLOAD_BYTES:
        return JsonResponse({"error": pgettext("events", "Too many scans at once: upload them in smaller batches.")}, status=400)
    try:
        payload = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return JsonResponse({"error": pgettext("events", "The upload could not be read.")}, status=400)
    scans = payload.get("scans") if isinstance(payload, dict) else None
    if not isinstance(scans, list) or len(scans) > MAX_SCANS:
        return JsonResponse({"error": pgettext("events", "The upload could not be read.")}, status=400)
    device = payload.get("device") if isinstance(payload.get("device"), str) else ""
    results, errors = services.record_scans(session, scans, by=request.user, device=device)
    checked_in = Registration.objects.filter(session=session, status=R.ATTENDED).count()
    return JsonResponse({"results": results, "errors": errors, "checked_in": checked_in})


@role_required(*MANAGERS)
def checkin_log(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    scans = CheckIn.objects.filter(session=session).select_related("registration", "by__staff")
    only = request.GET.get("only", "")
    if only == "refused":
        scans = scans.filter(outcome=CheckIn.Outcome.REFUSED)
    elif only == "conflicts":
        scans = scans.filter(conflict=True)
    page = KeysetPaginator(scans, ordering=("-scanned_at", "-pk"), per_page=50).page(request.GET)
    totals = {row["outcome"]: row["n"] for row in CheckIn.objects.filter(session=session).values("outcome").annotate(n=Count("pk")).order_by()}
    conflicts = CheckIn.objects.filter(session=session, conflict=True).count()
    return render(request, "events/checkin_log.html", {"session": session, "event": session.event, "page_obj": page, "only": only,
                                                       "totals": totals, "conflicts": conflicts})
