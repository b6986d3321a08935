from __future__ import annotations

import json
from functools import wraps
from importlib import import_module
from urllib.parse import quote, urljoin

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.csrf import csrf_exempt
from django_cas_ng import views as cas_views
from django_cas_ng.models import SESSION_KEY_MAXLENGTH, SessionTicket
from django_cas_ng.utils import RedirectException, get_cas_client

from qualityservice.core import ratelimit
from qualityservice.core.exports import refuse_invalid_filter, xlsx_response, xlsx_sheets_response
from qualityservice.core.forms import sign_in_failure_limits, throttled_error
from qualityservice.core.permissions import role_required
from qualityservice.core.roles import Role
from qualityservice.core.submissions import create_once, scoped

from . import cas, services
from .forms import ActivationForm, CloseAccountForm, CodeIssueForm, MemberFilterForm, MemberSignInForm, RosterUploadForm
from .models import CodeBatch, Member, SignInCode

CAS_SESSION_FLAG = "qs_members_cas"  # the session was opened by a CAS ticket: sign-out ends the CAS session too
PAGE_SIZE = 30
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _safe_next(request, candidate: str | None) -> str:
    """``candidate`` when it is a path on this site, else "" (never an open redirect)."""
    candidate = (candidate or "").strip()
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                                      require_https=request.is_secure()):
        return candidate
    return ""


def member_required(view):
    """A signed-in member (``request.member``); anonymous visitors go to the member sign-in, other
    accounts (staff) get a page that says this one is for teachers and students."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        member = services.member_for(request.user)
        if member is None:
            if request.user.is_authenticated:
                return render(request, "members/not_member.html", status=403)
            return redirect(f"{reverse('members:signin')}?next={quote(request.get_full_path())}")
        request.member = member
        return view(request, *args, **kwargs)

    return wrapper


# --- Signing in and out --------------------------------------------------------------------------


def signin(request: HttpRequest) -> HttpResponse:
    """The members' sign-in: the campus identity service's button when CAS is configured, and the ID
    number + password form where local member passwords are on (the embedded default)."""
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if services.member_for(request.user) is not None:
        return redirect(next_url or "members:home")
    form = MemberSignInForm(request, data=request.POST or None) if cas.passwords_enabled() else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            auth_login(request, form.get_user())
            return redirect(next_url or "members:home")
        status = 429 if form.throttled else 400
    return render(request, "members/signin.html", {
        "form": form, "next": next_url, "cas_enabled": cas.enabled(), "cas_url": cas.login_url(next_url),
    }, status=status)


def activate(request: HttpRequest) -> HttpResponse:
    """The first sign-in with the one-time code: sets the password, signs in."""
    if not cas.passwords_enabled():
        raise Http404
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = ActivationForm(request, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            services.set_first_password(form.member, form.cleaned_data["password1"])
            auth_login(request, form.member.user, backend=PASSWORD_BACKEND)
            messages.success(request, _("Your password is set. From now on sign in with your ID number and this password."))
            return redirect(next_url or "members:home")
        status = 429 if form.throttled else 400
    return render(request, "members/activate.html", {"form": form, "next": next_url}, status=status)


def _refused(request, code: str, number: str = "", status: int = 403) -> HttpResponse:
    return render(request, "members/cas_refused.html", {
        "message": cas.refusal_message(code, number), "retry_url": cas.login_url(_safe_next(request, request.GET.get("next"))),
    }, status=status)


@method_decorator(csrf_exempt, name="dispatch")
class CasLoginView(cas_views.LoginView):
    """django-cas-ng's login view: to the CAS server without a ticket, back with one (validated by
    ``backends.CampusCASBackend``). A refused ticket (replayed, expired, forged, issued for another
    address), an unknown ID or a ``next`` off this site get a clear page, never a 500 or an open
    redirect. A POST is the CAS server's single sign-out: the session of the named ticket ends."""

    def dispatch(self, request, *args, **kwargs):
        if not cas.enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        raw_next = request.GET.get("next", "")
        if raw_next and not _safe_next(request, raw_next):
            return _refused(request, cas.BAD_NEXT, status=400)
        # Refused tickets count as failed sign-ins of the client address (the staff sign-in's limit): a
        # stream of forged tickets is stopped here, not passed on to the CAS server one by one.
        address_limit = [sign_in_failure_limits(request, "")[1]]
        if request.GET.get("ticket") and not request.user.is_authenticated:
            wait = ratelimit.blocked_for(address_limit)
            if wait:
                return render(request, "members/cas_refused.html", {
                    "message": throttled_error(wait).messages[0], "retry_url": cas.login_url()}, status=429)
        try:
            return super().get(request)
        except RedirectException:
            return _refused(request, cas.BAD_NEXT, status=400)
        except PermissionDenied:
            code, number = getattr(request, "qs_cas_refusal", (cas.INVALID_TICKET, ""))
            if code in (cas.INVALID_TICKET, cas.INVALID_SERVICE):
                ratelimit.hit(address_limit, lockout=True)
            return _refused(request, code, number)

    def successful_login(self, request: HttpRequest, next_page: str) -> HttpResponse:
        request.session[CAS_SESSION_FLAG] = True
        default = resolve_url(settings.CAS_REDIRECT_URL)
        if services.member_for(request.user) is None and next_page in ("", default):
            next_page = reverse("core:workbench")  # a member of staff, signed in without a page to go back to
        return HttpResponseRedirect(_safe_next(request, next_page) or default)

    def post(self, request: HttpRequest) -> HttpResponse:
        tickets = cas.logout_request_tickets(request.POST.get("logoutRequest", ""))
        if not tickets:
            return HttpResponseBadRequest(_("Not a single sign-out request."), content_type="text/plain; charset=utf-8")
        store = import_module(settings.SESSION_ENGINE).SessionStore
        for ticket in SessionTicket.objects.filter(ticket__in=tickets):
            store(session_key=ticket.session_key).delete()
            ticket.delete()
        return HttpResponse("ok\n", content_type="text/plain")


class SignOutView(auth_views.LogoutView):
    """Django's sign-out (POST; ``next`` or LOGOUT_REDIRECT_URL), for every account. A session that a
    CAS ticket opened also ends at the CAS server when ``QS_CAS_SINGLE_SIGN_OUT`` is on: the browser goes
    to the CAS logout page, which sends it back to the page it would have gone to."""

    def post(self, request, *args, **kwargs):
        from_cas = bool(request.session.get(CAS_SESSION_FLAG))
        session_key = (request.session.session_key or "")[:SESSION_KEY_MAXLENGTH]
        response = super().post(request, *args, **kwargs)
        if session_key:
            SessionTicket.objects.filter(session_key=session_key).delete()
        if from_cas and cas.enabled() and settings.CAS_LOGOUT_COMPLETELY and isinstance(response, HttpResponseRedirect):
            back = urljoin(settings.SITE_URL + "/", response.url)
            return HttpResponseRedirect(get_cas_client(request=request).get_logout_url(back))
        return response


# --- The member's own pages --------------------------------------------------------------------


@member_required
def home(request: HttpRequest) -> HttpResponse:
    """我的: the member's profile, and what every app lists of their own records (extension point
    ``my_page``: feedback, surveys; registrations, tickets and votes as those apps arrive)."""
    member = request.member
    return render(request, "members/home.html", {
        "member": member, "college": member.college, "from_cas": bool(request.session.get(CAS_SESSION_FLAG)),
        "passwords": cas.passwords_enabled(),
    })


def _data_filename(member: Member, ext: str) -> str:
    return f"{_('my-data')}-{member.number}-{timezone.localdate():%Y%m%d}.{ext}"


@member_required
def data_json(request: HttpRequest) -> HttpResponse:
    sections = services.personal_data(request.member)
    data = {}
    for section in sections:
        if section.key == "member":
            data["member"] = {str(label): value for label, value in section.rows}
        else:
            data[section.key] = [dict(zip(map(str, section.headers), row, strict=False)) for row in section.rows]
    response = HttpResponse(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
                            content_type="application/json; charset=utf-8")
    filename = _data_filename(request.member, "json")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@member_required
def data_xlsx(request: HttpRequest) -> HttpResponse:
    sections = services.personal_data(request.member)
    return xlsx_sheets_response(_data_filename(request.member, "xlsx"),
                                [(section.title, section.headers, section.rows) for section in sections])


@member_required
def close_account(request: HttpRequest) -> HttpResponse:
    """Ask for the account to be closed: confirmed once more, then done at once."""
    form = CloseAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        from_cas = bool(request.session.get(CAS_SESSION_FLAG))
        services.close_account(request.member)
        auth_logout(request)
        messages.success(request, _("Your account is closed. Your name has been removed from your records."))
        if from_cas and cas.enabled() and settings.CAS_LOGOUT_COMPLETELY:
            back = urljoin(settings.SITE_URL + "/", resolve_url(settings.LOGOUT_REDIRECT_URL))
            return HttpResponseRedirect(get_cas_client(request=request).get_logout_url(back))
        return redirect(settings.LOGOUT_REDIRECT_URL)
    return render(request, "members/close.html", {"form": form, "member": request.member,
                                                  "cas_enabled": cas.enabled()}, status=400 if form.is_bound else 200)


# --- Staff pages (administrators only: members' data) -------------------------------------------


def _filtered(request, form_class=MemberFilterForm):
    form = form_class(request.GET or None)
    members = Member.objects.all()
    if form.is_bound and form.is_valid():
        members = form.filter(members)
    return form, members


@role_required(Role.ADMIN)
def member_list(request: HttpRequest) -> HttpResponse:
    form, members = _filtered(request)
    totals = Member.objects.aggregate(
        total=Count("pk"), students=Count("pk", filter=Q(kind="student")), teachers=Count("pk", filter=Q(kind="teacher")),
        with_password=Count("pk", filter=~Q(user__password__startswith="!")),
    )
    page = Paginator(members.select_related("college", "user").order_by("college__name", "class_name", "number"),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "members/member_list.html", {"form": form, "page_obj": page, "totals": totals,
                                                        "cas_enabled": cas.enabled()})


@role_required(Role.ADMIN)
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(Member.objects.select_related("college", "user"), pk=pk)
    history = member.history.select_related("history_user__staff").order_by("-history_date")[:20]
    code = SignInCode.objects.filter(member=member).select_related("batch").first()
    return render(request, "members/member_detail.html", {"member": member, "history": history, "code": code})


@role_required(Role.ADMIN)
def roster_import(request: HttpRequest) -> HttpResponse:
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            started = timezone.now()
            result = services.import_roster(form.cleaned_data["file"], by=request.user)
            if result.ok:
                messages.success(request, _("Member roster imported: %(created)d added, %(updated)d updated, %(unchanged)d "
                                            "unchanged (%(seconds).1f s).") % {
                    "created": result.created, "updated": result.updated, "unchanged": result.unchanged,
                    "seconds": (timezone.now() - started).total_seconds()})
                return redirect("members:staff_list")
        status = 400
    return render(request, "members/roster_import.html", {"form": form, "result": result}, status=status)


@role_required(Role.ADMIN)
def roster_export(request: HttpRequest) -> HttpResponse:
    form, members = _filtered(request)
    if form.is_bound and not form.is_valid():
        return refuse_invalid_filter(request, form, reverse("members:staff_list"))
    stamp = timezone.localdate().strftime("%Y%m%d")
    return xlsx_response(_("member-roster") + f"-{stamp}.xlsx", services.roster_headers(), services.export_rows(members),
                         title=_("Members"))


def code_headers() -> list[str]:
    return [_("College / unit"), _("Class"), _("ID number"), _("Name"), pgettext("member", "Type"), _("One-time code"), _("Valid until")]


@role_required(Role.ADMIN)
def codes(request: HttpRequest) -> HttpResponse:
    """One-time sign-in codes for a selection of members (by type, college, class), as an Excel sheet
    sorted by college and class for distribution. New codes replace earlier unused ones; a form
    posted twice issues once (core.submissions)."""
    form = CodeIssueForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            members = form.filter(Member.objects.active())
            if not members.exists():
                form.add_error(None, _("No member matches this selection."))
            else:
                issued = {}

                def create(key):
                    result = services.issue_codes(members, by=request.user, description=form.describe(), submission_key=key)
                    issued["rows"] = result.rows
                    return result.batch

                batch, created = create_once(CodeBatch, scoped("member-codes", form.cleaned_data.get("submission_key")), create)
                if not created:
                    messages.warning(request, _("These codes were issued already by the same form (%(when)s, %(n)d codes): "
                                                "reload the page to issue new ones.") % {
                        "when": timezone.localtime(batch.issued_at).strftime("%Y-%m-%d %H:%M"), "n": batch.count})
                    return redirect("members:codes")
                stamp = timezone.localtime(batch.issued_at).strftime("%Y%m%d-%H%M")
                return xlsx_response(_("sign-in-codes") + f"-{stamp}.xlsx", code_headers(), issued["rows"],
                                     title=_("One-time codes"))
        status = 400
    batches = CodeBatch.objects.select_related("issued_by")[:10]
    return render(request, "members/codes.html", {"form": form, "batches": batches,
                                                  "days": settings.QS_MEMBER_CODE_DAYS}, status=status)
