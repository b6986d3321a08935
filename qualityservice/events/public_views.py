"""Public pages (urls.py, under /events/): the list of upcoming events, an event's page (its sessions, the
opinions raised there with their status and answers, the final minutes), registering (as a signed-in member, as a
visitor with name and phone, through a co-host's link or an invitation), and the ticket — QR code, PNG, calendar
file, one-click cancel, the waiting list's position and offer, the attendee's opinion form.

Every URL carries an unguessable code (the ticket's is signed with the secret key); pages with a person's data
are sent ``Cache-Control: private, no-store``."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from qualityservice.core import pagecache, ratelimit
from qualityservice.core.documents import qr_png, qr_svg
from qualityservice.core.workflow import TransitionError

from . import services
from .forms import AccountRegistrationForm, OpinionForm, VisitorForm
from .models import (
    Allocation,
    Audience,
    Event,
    Invitation,
    Minutes,
    Offer,
    Opinion,
    Registration,
    RegistrationStatus,
    Session,
    ticket_code_of,
)

R = RegistrationStatus
LIST_LIMIT = 50


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True)
    return response


def public_list(request: HttpRequest) -> HttpResponse:
    """Published events (not invitation-only) with a session still to come, soonest first."""
    now = timezone.now()
    events = list(Event.objects.upcoming(now).select_related("department")
                  .prefetch_related(Prefetch("sessions", queryset=Session.objects.filter(status=Session.Status.SCHEDULED, ends_at__gte=now)
                                             .select_related("place").order_by("starts_at"), to_attr="upcoming"))[:LIST_LIMIT])
    return render(request, "events/public_list.html", {"events": events})


def event_public(request: HttpRequest, code: str) -> HttpResponse:
    event = get_object_or_404(Event.objects.exclude(status=Event.Status.DRAFT).select_related("department"), code=code)
    sessions = list(event.sessions.select_related("place").annotate(
        waiting=Count("registrations", filter=Q(registrations__status=R.WAITING))).order_by("starts_at", "pk"))
    mine = {}
    if request.user.is_authenticated:
        mine = {r.session_id: r for r in Registration.objects.filter(session__event=event, user=request.user, status__in=R.values)
                .exclude(status__in=[R.CANCELLED, R.WITHDRAWN, R.LAPSED])}
    now = timezone.now()
    for session in sessions:
        session.mine = mine.get(session.pk)
        session.state = session.window_state(now) if session.status == Session.Status.SCHEDULED and event.is_open else "closed"
    opinions = list(event.opinions.select_related("department").order_by("created_at", "pk"))
    statuses = services.opinion_statuses(opinions)
    for opinion in opinions:
        opinion.public = statuses.get(opinion.feedback_code)
    minutes = Minutes.objects.filter(event=event, status=Minutes.Status.FINAL).first()
    response = render(request, "events/event_public.html", {
        "event": event, "sessions": sessions, "opinions": opinions, "minutes": minutes,
        "invitation_only": event.audience == Audience.INVITATION, "members_only": event.audience == Audience.MEMBERS,
        "campaign_activity": services.campaign_activity_of(event),
    })
    return _private(response) if mine else response


# --- Registering -----------------------------------------------------------------------------------------------


def _sign_in_url(request) -> str:
    from urllib.parse import quote

    return reverse("members:signin") + "?next=" + quote(request.get_full_path(), safe="/")


def _registration_page(request: HttpRequest, session: Session, *, allocation: Allocation | None = None,
                       invitation: Invitation | None = None) -> HttpResponse:
    """The registration form of a session (a co-host's allocation, an invitation): one button for a signed-in
    account or an invitee, name and phone for a visitor of a public event."""
    event = session.event
    account = invitation.user if invitation is not None else (request.user if request.user.is_authenticated else None)
    needs_sign_in = account is None and event.audience == Audience.MEMBERS
    closed = services.refusal(session, user=account, invitation=invitation) if not needs_sign_in else None
    form_class = AccountRegistrationForm if account is not None else VisitorForm
    status = 200
    if request.method == "POST" and not closed and not needs_sign_in:
        if account is None and ratelimit.public_rate_limited(request, "events-register", per_ip=settings.QS_EVENTS_RATE_PER_IP,
                                                              per_visitor=settings.QS_EVENTS_RATE_PER_VISITOR):
            return render(request, "events/message.html", {
                "title": pgettext("events", "Too many registrations"),
                "message": pgettext("events", "Too many registrations from this browser or network: please try again later."),
                "back": event.get_public_url()}, status=429)
        form = form_class(request.POST)
        if form.is_valid() and not form.cleaned_data.get("website"):
            data = form.cleaned_data
            try:
                registration, _created = services.register(
                    session, key=data["submission_key"], user=account, name=data.get("name", ""), phone=data.get("phone", ""),
                    allocation=allocation, invitation=invitation)
            except services.AlreadyRegistered as exc:
                if account is not None:
                    messages.info(request, " ".join(exc.messages))
                    return redirect(exc.registration.get_ticket_url())
                form.add_error(None, exc)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect(registration.get_ticket_url())
        status = 400
    else:
        form = None
    free = allocation.free if allocation is not None else session.general_free

    def build(placeholders: bool) -> HttpResponse:
        context = {
            "event": event, "session": session, "allocation": allocation, "invitation": invitation, "account": account,
            "form": form if form is not None else form_class(initial={"submission_key": pagecache.KEY_PLACEHOLDER} if placeholders else None),
            "account_name": NAME_PLACEHOLDER if placeholders else _account_name(account), "closed": closed,
            "needs_sign_in": needs_sign_in, "sign_in_url": _sign_in_url(request), "free": free,
        }
        if placeholders:
            context.update(pagecache.placeholder_context())
        return render(request, "events/register.html", context, status=status)

    if form is None and invitation is None and account is not None:
        # A member's registration page — the rush's GET — is the same for every member but for their name, the
        # CSRF token and the submission key: rendered once per state of what it shows (the seats left included).
        shown = (session.pk, session.status, session.starts_at, session.ends_at, session.place_id, session.location, closed,
                 free if allocation is not None else bool(free),  # the general pool's page says only whether it is full
                 event.status, event.kind, event.audience, event.department_id, event.title, event.title_en,
                 allocation.pk if allocation is not None else None, allocation.co_host_id if allocation is not None else None)
        response = pagecache.member_page(request, ("events-register", *shown), build, {NAME_PLACEHOLDER: _account_name(account)})
    else:
        response = build(False)
    if account is None and not needs_sign_in:
        ratelimit.remember_visitor(request, response)
    return _private(response)


NAME_PLACEHOLDER = "qs-events-name-placeholder-3b7c1d"


def _account_name(account) -> str:
    if account is None:
        return ""
    from qualityservice.members.services import member_for

    member = member_for(account)
    return (member.name if member else getattr(getattr(account, "staff", None), "name", "")) or account.get_username()


def register(request: HttpRequest, code: str) -> HttpResponse:
    session = get_object_or_404(Session.objects.exclude(event__status=Event.Status.DRAFT).select_related("event__department", "place"),
                                code=code)
    if session.event.audience == Audience.INVITATION:
        return _private(render(request, "events/message.html", {
            "title": session.event.display_title,
            "message": pgettext("events", "This event is by invitation only: please use the link of your invitation."),
            "back": session.event.get_public_url()}, status=403))
    return _registration_page(request, session)


def allocation_register(request: HttpRequest, code: str) -> HttpResponse:
    """A co-host's own link: its reserved seats (refused when they are all taken; no waiting list)."""
    allocation = get_object_or_404(Allocation.objects.exclude(session__event__status=Event.Status.DRAFT)
                                   .select_related("session__event", "session__place", "co_host"), code=code)
    return _registration_page(request, allocation.session, allocation=allocation)


def allocation_list(request: HttpRequest, code: str) -> HttpResponse:
    """The co-host's own list (its second private link): the names and statuses of the registrations through its link."""
    allocation = get_object_or_404(Allocation.objects.select_related("session__event", "session__place", "co_host"), list_code=code)
    rows = allocation.registrations.order_by("seq").only("name", "status", "created_at", "checked_in_at")
    return _private(render(request, "events/allocation_list.html", {"allocation": allocation, "session": allocation.session,
                                                                    "event": allocation.session.event, "rows": rows}))


def invitation(request: HttpRequest, code: str) -> HttpResponse:
    """An invitee's personal link: choose a session (registering accepts the invitation) or decline."""
    invite = get_object_or_404(Invitation.objects.select_related("event", "user"), code=code)
    event = invite.event
    if invite.status == Invitation.Status.REVOKED or event.status == Event.Status.DRAFT or invite.user is None:
        raise Http404
    if request.method == "POST" and request.POST.get("action") == "decline":
        try:
            services.answer_invitation(invite, "decline")
        except TransitionError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, pgettext("events", "You declined the invitation. Thank you for telling us."))
        return redirect(invite.get_public_url())
    session_code = request.GET.get("session") or request.POST.get("session")
    if session_code:
        session = get_object_or_404(Session.objects.select_related("event", "place"), code=session_code, event=event)
        return _registration_page(request, session, invitation=invite)
    mine = {r.session_id: r for r in Registration.objects.filter(session__event=event, user=invite.user)
            .exclude(status__in=[R.CANCELLED, R.WITHDRAWN, R.LAPSED])}
    sessions = list(event.sessions.select_related("place").order_by("starts_at"))
    for session in sessions:
        session.mine = mine.get(session.pk)
    return _private(render(request, "events/invitation.html", {"invitation": invite, "event": event, "sessions": sessions}))


# --- The ticket ------------------------------------------------------------------------------------------------


def _registration(token: str) -> Registration:
    code = ticket_code_of(token)
    if code is None:
        raise Http404
    return get_object_or_404(Registration.objects.select_related("session__event__department", "session__place", "allocation__co_host"),
                             code=code)


def ticket(request: HttpRequest, token: str) -> HttpResponse:
    registration = _registration(token)
    session = registration.session
    offer = registration.offers.filter(status=Offer.Status.OPEN).first() if registration.status == R.OFFERED else None
    url = request.build_absolute_uri(registration.get_ticket_url())
    return _private(render(request, "events/ticket.html", {
        "registration": registration, "session": session, "event": session.event, "offer": offer,
        "position": services.waiting_position(registration), "qr": qr_svg(url, scale=6) if registration.has_ticket else "",
        "ticket_url": url, "may_give_opinion": _may_give_opinion(registration),
    }))


@require_POST
def ticket_action(request: HttpRequest, token: str) -> HttpResponse:
    """One click from the ticket: cancel the seat (or leave the waiting list), accept or decline an offered seat."""
    registration = _registration(token)
    action = request.POST.get("action", "")
    try:
        if action == "cancel":
            services.cancel_by_person(registration)
            messages.success(request, pgettext("events", "Cancelled. Thank you for telling us: your seat goes to the next person."))
        elif action in ("accept", "decline"):
            services.move_registration(registration, action, system=True)
            messages.success(request, pgettext("events", "Your seat is confirmed.") if action == "accept"
                             else pgettext("events", "You declined the seat; it goes to the next person."))
        else:
            messages.error(request, pgettext("events", "Unknown action."))
    except TransitionError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(registration.get_ticket_url())


def ticket_png(request: HttpRequest, token: str) -> HttpResponse:
    registration = _registration(token)
    if not registration.has_ticket:
        raise Http404
    response = HttpResponse(qr_png(request.build_absolute_uri(registration.get_ticket_url()), scale=10), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="ticket-{registration.code}.png"'
    return _private(response)


def _ics_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545 line folding: at most 75 octets a line, continuation lines start with a space."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def calendar_file(session: Session, *, uid: str, url: str) -> str:
    def stamp(value: dt.datetime) -> str:
        return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")

    event = session.event
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Quality Service Platform//events//ZH", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
        "BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{stamp(timezone.now())}", f"DTSTART:{stamp(session.starts_at)}",
        f"DTEND:{stamp(session.ends_at)}", f"SUMMARY:{_ics_text(event.display_title)}",
        f"LOCATION:{_ics_text(session.where)}", f"DESCRIPTION:{_ics_text((event.display_description + chr(10) + url).strip())}",
        f"URL:{url}", "END:VEVENT", "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def _ics_response(text: str, name: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.ics"'
    return response


def ticket_ics(request: HttpRequest, token: str) -> HttpResponse:
    registration = _registration(token)
    url = request.build_absolute_uri(registration.get_ticket_url())
    return _private(_ics_response(calendar_file(registration.session, uid=f"ticket-{registration.code}@qualityservice", url=url),
                                  f"ticket-{registration.code}"))


def session_ics(request: HttpRequest, code: str) -> HttpResponse:
    session = get_object_or_404(Session.objects.exclude(event__status=Event.Status.DRAFT).select_related("event__department", "place"),
                                code=code)
    url = request.build_absolute_uri(session.event.get_public_url())
    return _ics_response(calendar_file(session, uid=f"session-{session.code}@qualityservice", url=url), f"session-{session.pk}")


# --- Opinions from the attendees -------------------------------------------------------------------------------

OPINION_EARLY = dt.timedelta(hours=1)
OPINION_LATE = dt.timedelta(days=30)


def _may_give_opinion(registration: Registration, now=None) -> bool:
    """An attendee with a seat may send opinions from an hour before the session until 30 days after it."""
    now = now or timezone.now()
    session = registration.session
    return (registration.status in (R.CONFIRMED, R.ATTENDED) and session.status != Session.Status.CANCELLED
            and session.starts_at - OPINION_EARLY <= now <= session.ends_at + OPINION_LATE)


def ticket_opinion(request: HttpRequest, token: str) -> HttpResponse:
    registration = _registration(token)
    event = registration.session.event
    if not _may_give_opinion(registration):
        return _private(render(request, "events/message.html", {
            "title": event.display_title, "back": registration.get_ticket_url(),
            "message": pgettext("events", "Opinions can be sent from an hour before the session until 30 days after it, "
                                          "by the people who have a seat.")}, status=403))
    form = OpinionForm(request.POST or None, event=event, with_session=False)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            if not ratelimit.hit([("events-opinion", registration.code, settings.QS_EVENTS_OPINIONS_PER_TICKET)]):
                data = form.cleaned_data
                try:
                    opinion, _created = services.add_opinion(event, body=data["body"], kind=data["kind"], department=data["department"],
                                                             session=registration.session, source=Opinion.Source.ATTENDEE,
                                                             key=data["submission_key"])
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    messages.success(request, pgettext("events", "Thank you. Your opinion is recorded as feedback %(code)s: its "
                                                                 "answer will be shown on the event page.") % {"code": opinion.feedback_code})
                    return redirect(event.get_public_url() + "#opinions")
            else:
                form.add_error(None, pgettext("events", "You have sent many opinions from this ticket today: please try again tomorrow."))
        status = 400
    return _private(render(request, "events/opinion_form.html", {"registration": registration, "event": event, "form": form},
                           status=status))
