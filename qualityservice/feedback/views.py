from __future__ import annotations

import datetime as dt
import secrets
from collections import OrderedDict

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Q, When
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.crypto import salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from qualityservice.core import csrf, pagecache, ratelimit
from qualityservice.core.exports import refuse_invalid_filter, xlsx_response
from qualityservice.core.pagination import KeysetPaginator
from qualityservice.core.permissions import role_required, user_role
from qualityservice.core.roles import Role
from qualityservice.core.submissions import create_once, new_key, scoped
from qualityservice.core.workflow import TransitionError
from qualityservice.members.services import member_for  # members: named feedback of a signed-in member
from qualityservice.org.models import Department, Staff

from . import services
from .forms import (
    AssignForm,
    BadgeRatingForm,
    BulkAssignForm,
    CallbackForm,
    HandlingRatingForm,
    HotlineForm,
    InboxFilterForm,
    MergeForm,
    PublicFeedbackForm,
    ReplyForm,
    RequestTransferForm,
    TrackForm,
    TransferDecisionForm,
    TransferForm,
)
from .models import (
    PENDING_STATUSES,
    Attachment,
    Channel,
    Feedback,
    FeedbackEvent,
    Kind,
    PublishedFigure,
    Rating,
    Reply,
    Status,
    code_match,
)
from .workflows import FEEDBACK, SIMPLE_ACTIONS, actor_name, describe_events, event_label, may_reply

PAGE_SIZE = 30
HANDLERS = (Role.HEAD, Role.SUPERVISOR, Role.OPERATOR, Role.STAFF)


# --- Public: rate limits ----------------------------------------------------------------


# The browser id and the limits of a public form live in core.ratelimit (shared with other public forms).
VISITOR_COOKIE = ratelimit.VISITOR_COOKIE
_visitor = ratelimit.visitor_id
_remember_visitor = ratelimit.remember_visitor


def _rate_limited(request, group: str) -> bool:
    """A generous per-IP limit (a campus NAT puts thousands behind one address), a strict per-browser
    limit, and for a POST without a valid browser id a strict per-address bucket. POSTs only (core.ratelimit)."""
    return ratelimit.public_rate_limited(request, group, per_ip=settings.QS_FEEDBACK_RATE_PER_IP,
                                         per_visitor=settings.QS_FEEDBACK_RATE_PER_SESSION)


def _too_many(request) -> HttpResponse:
    return render(request, "feedback/public_message.html", {
        "title": _("Too many submissions"),
        "message": _("You have sent many submissions in a short time. Please wait a while and try again, or call the hotline."),
    }, status=429)


def _client_ip(request) -> str | None:
    return ratelimit.client_address(request)


def _redirect_next(request, default, *args) -> HttpResponse:
    """Back to the page named in POST ``next`` when it is a path on this site, else to ``default`` (a
    URL name with ``args``, or a model): never an open redirect. Every ``next`` of feedback is read here."""
    nxt = request.POST.get("next", "")
    if nxt.startswith("/") and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return HttpResponseRedirect(nxt)
    return HttpResponseRedirect(resolve_url(default, *args))


# --- Public: the private rating link ------------------------------------------------------

RATING_COOKIE = "qs_fb_rating"
RATING_COOKIE_AGE = 30 * 60


def _to_status_page(fb) -> HttpResponse:
    """After a submission: the item's status page, carrying its one-time rating link for this browser
    only — a short-lived cookie scoped to that page, shown there once (``track``). The tracking code
    alone never gives the link."""
    response = redirect(f"{fb.get_public_url()}?new=1")
    response.set_cookie(RATING_COOKIE, fb.rating_token, max_age=RATING_COOKIE_AGE, path=fb.get_public_url(),
                        httponly=True, samesite="Strict", secure=settings.SESSION_COOKIE_SECURE)
    return response


def _private_rating_url(request, fb) -> tuple[str, bool]:
    """The rating link when the visitor is the submitter: the browser that has just submitted the item
    (once: the second value is True), or the signed-in submitter. Never for someone who only holds
    the tracking code."""
    if fb.rating_used_at is not None:
        return "", False
    given = request.COOKIES.get(RATING_COOKIE, "")
    if given and secrets.compare_digest(given.encode(), fb.rating_token.encode()):
        return fb.get_rating_url(), True
    user = request.user
    if fb.rating_available and fb.submitter_user_id is not None and user.is_authenticated and user.pk == fb.submitter_user_id:
        return fb.get_rating_url(), False
    return "", False


# --- Public pages -----------------------------------------------------------------------


@csrf.keeps_typed_input  # a POST refused by the CSRF check comes back filled in (core.csrf)
def feedback_new(request: HttpRequest) -> HttpResponse:
    staff = None
    staff_code = request.GET.get("staff") or request.POST.get("staff_code") or ""
    if staff_code:
        staff = Staff.objects.active().select_related("department").filter(public_code=staff_code).first()
    if request.method == "POST":
        form = PublicFeedbackForm(request.POST, request.FILES, member=member_for(request.user))
        if csrf.is_retry(request):  # refused by the CSRF check: the form again, as typed, nothing saved
            return render(request, "feedback/public_form.html", {"form": form, "staff": staff}, status=403)
        if _rate_limited(request, "feedback"):
            # Nothing is saved; what was typed stays on the page, to be sent again a little later.
            form.add_error(None, _("You have sent many submissions in a short time. What you typed is still here: please wait a "
                                   "while and send it again, or call the hotline."))
            return render(request, "feedback/public_form.html", {"form": form, "staff": staff}, status=429)
        if form.is_valid():
            data = form.cleaned_data
            fb = services.create_record(
                kind=data["kind"], channel=Channel.BADGE_QR if staff else Channel.WEB, department=data.get("department"),
                title=data.get("title", ""), body=data["body"], place=data.get("place"), staff=staff,
                submitter_name=data.get("name", ""), submitter_contact=data.get("contact", ""),
                anonymous=data.get("anonymous", False), submission_key=scoped("web", data.get("submission_key")),
                category=data.get("category"), client_ip=None if data.get("anonymous") else _client_ip(request),
                images=data.get("images") or [], submitter_user=request.user,
            )
            return _to_status_page(fb)
        return render(request, "feedback/public_form.html", {"form": form, "staff": staff}, status=400)

    def build(placeholders: bool) -> HttpResponse:
        initial = {}
        if request.GET.get("kind") in dict(Kind.choices):
            initial["kind"] = request.GET["kind"]
        if request.GET.get("place", "").isdigit():
            initial["place"] = int(request.GET["place"])
        context = {"staff": staff}
        if placeholders:
            initial["submission_key"] = pagecache.KEY_PLACEHOLDER
            context.update(pagecache.placeholder_context())
        context["form"] = PublicFeedbackForm(initial=initial, member=member_for(request.user))
        return render(request, "feedback/public_form.html", context)

    # The same page for every anonymous visitor: served from the rendered-page cache (core.pagecache).
    return _remember_visitor(request, pagecache.anonymous_page(request, (), build))


def track_lookup(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.GET or None)
    if form.is_valid():
        code = form.cleaned_data["code"]  # normalised: spaces, dashes and case do not matter
        if Feedback.objects.filter(code=code).exists():
            return redirect("feedback:track", code=code)
        form.add_error("code", _("No item has this tracking code. Check the code and try again."))
    return render(request, "feedback/track_lookup.html", {"form": form})


def track(request: HttpRequest, code: str) -> HttpResponse:
    """The public status page: public events and public replies only, no staff names, and the rating
    link only for the submitter (``_private_rating_url``): whoever else holds the code — the person
    complained about included — can read the status but not rate."""
    fb = get_object_or_404(Feedback.objects.select_related("department", "merged_into"), code=code.upper())
    events = fb.events.filter(visibility=FeedbackEvent.Visibility.PUBLIC).only("action", "to_status", "created_at", "note")
    # A merged duplicate shows the answers of the item it was merged into — but not that item's
    # code or title, which belong to another submitter.
    replies = Reply.objects.filter(feedback_id=fb.merged_into_id or fb.pk, is_public=True).only("body", "created_at")
    rating_url, rating_once = _private_rating_url(request, fb)
    response = render(request, "feedback/track.html", {
        "fb": fb, "events": events, "replies": replies, "is_new": request.GET.get("new") == "1",
        "rating_url": rating_url, "rating_once": rating_once,
        "rating_link": request.build_absolute_uri(rating_url) if rating_url else "",
    })
    if rating_url:
        patch_cache_control(response, private=True, no_store=True)
    if RATING_COOKIE in request.COOKIES:  # shown once
        response.delete_cookie(RATING_COOKIE, path=fb.get_public_url(), samesite="Strict")
    return response


def rate_handling(request: HttpRequest, code: str, token: str) -> HttpResponse:
    fb = get_object_or_404(Feedback, code=code.upper(), rating_token=token)
    if not fb.rating_available:
        return render(request, "feedback/public_message.html", {
            "title": _("Rating"), "message": _("This rating link has already been used or the item is not answered yet."),
            "back": fb.get_public_url()})
    form = HandlingRatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rate_handling(fb, token, form.cleaned_data["score"], form.cleaned_data["comment"])
        except TransitionError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Thank you for your rating."))
        return redirect(fb.get_public_url())
    return render(request, "feedback/rate_handling.html", {"fb": fb, "form": form})


@csrf.keeps_typed_input
def badge_rate(request: HttpRequest, code: str) -> HttpResponse:
    """Rate a staff member from their badge's QR code: six dimensions, optional praise or
    complaint with a photo. Creates a Rating and, with text, a feedback record."""
    staff = get_object_or_404(Staff.objects.select_related("department", "team"), public_code=code, is_active=True)
    if request.method == "POST":
        form = BadgeRatingForm(request.POST, request.FILES, member=member_for(request.user))
        if csrf.is_retry(request):  # refused by the CSRF check: the form again, as filled in, nothing saved
            return render(request, "feedback/badge_rate.html", {"staff": staff, "form": form}, status=403)
        if _rate_limited(request, "badge"):
            return _too_many(request)
        if form.is_valid():
            data = form.cleaned_data
            key = data.get("submission_key")
            if _rated_recently(request, staff, scoped("badge", key)):
                form.add_error(None, _("This browser has already rated %(name)s today. Thank you! To tell us more, "
                                       "use the feedback form.") % {"name": staff.name})
                return _remember_visitor(request, render(request, "feedback/badge_rate.html", {
                    "staff": staff, "form": form, "rated_already": True}, status=429))
            rating, _created = create_once(Rating, scoped("badge", key),
                                           lambda stored: _save_badge_rating(staff, data, stored, scoped("web:badge", key), request))
            if rating.feedback_id:
                return _to_status_page(rating.feedback)
            return redirect(f"{reverse('feedback:badge_thanks', args=[staff.public_code])}")
        status = 400
    else:
        form = BadgeRatingForm(member=member_for(request.user))
        status = 200
    return _remember_visitor(request, render(request, "feedback/badge_rate.html", {"staff": staff, "form": form}, status=status))


def _rated_recently(request, staff, stored_key) -> bool:
    """Whether this browser has used up its ratings of ``staff`` (``QS_BADGE_RATING_PER_BROWSER``, once a day by
    default). Counted in the platform's limiter (``core.ratelimit``) under a keyed hash of the browser id
    (``visitor_id``, the signed random cookie of the public forms) and the person: no identity and no address is
    stored, and the counters of one browser for two people cannot be linked. A repeat of a form already saved
    (the same submission key) is no new rating. A browser without an id (cookie refused) is not counted here —
    the public forms' strict per-address bucket for cookieless requests still applies (``_rate_limited``)."""
    visitor = ratelimit.visitor_id(request)
    if not visitor or (stored_key and Rating.objects.filter(submission_key=stored_key).exists()):
        return False
    digest = salted_hmac("feedback.badge-rating", f"{visitor}:{staff.pk}").hexdigest()
    if not ratelimit.hit([("badge-rating", digest, settings.QS_BADGE_RATING_PER_BROWSER)]):
        return False
    # Two copies of one submission racing: the first one's rating is the answer, not a refusal.
    return not (stored_key and Rating.objects.filter(submission_key=stored_key).exists())


def _save_badge_rating(staff, data, rating_key, feedback_key, request) -> Rating:
    """The rating and, with text, its feedback record (in the transaction of ``create_once``)."""
    feedback = None
    body = (data.get("body") or "").strip()
    if data.get("text_kind") and body:
        feedback = services.create_record(
            kind=data["text_kind"], channel=Channel.BADGE_QR, title="", body=body, staff=staff,
            submitter_name=data.get("name", ""), submitter_contact=data.get("contact", ""),
            anonymous=data.get("anonymous", False), submission_key=feedback_key,
            client_ip=None if data.get("anonymous") else _client_ip(request), images=data.get("images") or [],
            submitter_user=request.user,
        )
    rating = Rating.objects.create(
        staff=staff, feedback=feedback, comment=body, submission_key=rating_key,
        **{d: data[d] for d in BadgeRatingForm.DIMENSIONS},
    )
    if feedback is None:
        for image in data.get("images") or []:
            Attachment.objects.create(rating=rating, file=image.content, original_name=image.name,
                                      size=image.content.size, width=image.width, height=image.height)
    return rating


def badge_thanks(request: HttpRequest, code: str) -> HttpResponse:
    staff = get_object_or_404(Staff, public_code=code, is_active=True)
    return render(request, "feedback/public_message.html", {
        "title": _("Thank you"), "message": _("Your rating of %(name)s has been recorded.") % {"name": staff.name},
        "back": staff.get_public_url()})


def public_figures(request: HttpRequest) -> HttpResponse:
    """Published figures by department and month, read from the aggregate table only."""
    months = 12
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - (months - 1)
    since = dt.date(index // 12, index % 12 + 1, 1)
    rows = list(PublishedFigure.objects.filter(month__gte=since).select_related("department")
                .order_by("-month", "department__sort_order", "department_id"))
    by_month: OrderedDict = OrderedDict()
    totals: dict = {}
    for row in rows:
        by_month.setdefault(row.month, []).append(row)
        t = totals.setdefault(row.department_id, {"name": row.department.display_name, "received": 0, "resolved": 0,
                                                   "on_time": 0, "rated": 0, "sum": 0})
        t["received"] += row.received
        t["resolved"] += row.resolved
        t["on_time"] += row.on_time
        t["rated"] += row.rated
        t["sum"] += row.satisfaction_sum
    summary = []
    for t in totals.values():
        summary.append({**t, "on_time_rate": round(100 * t["on_time"] / t["resolved"], 1) if t["resolved"] else None,
                        "satisfaction": round(t["sum"] / t["rated"], 2) if t["rated"] else None})
    chart = {"departments": [s["name"] for s in summary], "received": [s["received"] for s in summary],
             "resolved": [s["resolved"] for s in summary], "on_time_rate": [s["on_time_rate"] or 0 for s in summary],
             "labels": {"received": _("Received"), "resolved": _("Resolved"), "on_time_rate": _("On-time rate (%)")}}
    refreshed = max((r.refreshed_at for r in rows), default=None)
    return render(request, "feedback/public_figures.html",
                  {"by_month": by_month, "summary": summary, "chart": chart, "refreshed": refreshed, "since": since})


# --- Staff: inbox ------------------------------------------------------------------------


def _filtered(request):
    dept = request.GET.get("department", "")
    if dept.isdigit() and not Department.objects.visible_to(request.user, routing=True).filter(pk=int(dept)).exists():
        raise Http404  # another department's list or export: nothing to see here
    form = InboxFilterForm(request.GET or None, user=request.user)
    qs = Feedback.objects.visible_to(request.user)
    if form.is_valid():
        d = form.cleaned_data
        if d["q"]:
            q = d["q"].strip()
            qs = qs.filter(code_match(q, request.user) | Q(title__icontains=q) | Q(body__icontains=q))
        if d["status"] == "open":
            qs = qs.exclude(status__in=[Status.CLOSED, Status.MERGED])
        elif d["status"] == "transfer":
            qs = qs.filter(transfer_requested_at__isnull=False)
        elif d["status"]:
            qs = qs.filter(status=d["status"])
        if d["kind"]:
            qs = qs.filter(kind=d["kind"])
        if d["category"]:
            qs = qs.filter(category=d["category"])
        if d["channel"]:
            qs = qs.filter(channel=d["channel"])
        if d["department"]:
            qs = qs.filter(department=d["department"])
        if d["place"]:
            qs = qs.filter(place=d["place"])
        if d["staff"]:
            qs = qs.filter(Q(staff=d["staff"]) | Q(assigned_to=d["staff"]))
        if d["overdue"]:
            qs = qs.filter(Q(status__in=PENDING_STATUSES, deadline__lt=timezone.now()) | Q(is_overdue=True))
        if d["due"] == "overdue":
            qs = qs.overdue()
        elif d["due"] == "today":
            qs = qs.due_today()
        tz = timezone.get_current_timezone()
        if d["date_from"]:
            qs = qs.filter(created_at__gte=dt.datetime.combine(d["date_from"], dt.time.min, tzinfo=tz))
        if d["date_to"]:
            qs = qs.filter(created_at__lt=dt.datetime.combine(d["date_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    return form, qs


@role_required(*HANDLERS)
def inbox(request: HttpRequest) -> HttpResponse:
    form, qs = _filtered(request)
    # Keyset pages + a capped count: constant time at any depth and any number of records.
    page = KeysetPaginator(qs.for_list(), ordering=("-created_at", "-pk"), per_page=PAGE_SIZE).page(request.GET)
    for fb in page.object_list:
        fb.who = fb.submitter_for(request.user)
    role = user_role(request.user)
    can_bulk = role in (Role.HEAD, Role.SUPERVISOR, Role.ADMIN)
    bulk_form = None
    scope_depts = {fb.department_id for fb in page.object_list}
    if can_bulk and len(scope_depts) == 1:
        bulk_form = BulkAssignForm(department_id=next(iter(scope_depts)))
    return render(request, "feedback/inbox.html", {
        "form": form, "page_obj": page, "bulk_form": bulk_form, "now": timezone.now(),
        "export_query": request.GET.urlencode(),
    })


def export_rows(queryset, user):
    """Rows of the Excel export; the submitter's identity and the code pass through the same privacy rule as the pages."""
    yes, no = _("Yes"), _("No")
    tz = timezone.get_current_timezone()

    def fmt(value):
        return value.astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else ""

    for fb in queryset.for_list().order_by("-created_at", "-pk").iterator(chunk_size=2000):
        who = fb.submitter_for(user)
        yield (
            who["code"], fmt(fb.created_at), fb.get_kind_display(), fb.get_channel_display(), fb.department.display_name,
            str(fb.category) if fb.category_id else "", str(fb.place) if fb.place_id else "",
            fb.staff.name if fb.staff_id else "", fb.title, fb.body, fb.get_status_display(),
            fb.assigned_to.name if fb.assigned_to_id else "", fmt(fb.deadline), yes if fb.is_late or fb.is_overdue else no,
            fmt(fb.resolved_at), "" if fb.resolved_on_time is None else (yes if fb.resolved_on_time else no),
            fb.satisfaction or "", who["name"], who["contact"],
        )


@role_required(*HANDLERS)
def export(request: HttpRequest) -> HttpResponse:
    form, qs = _filtered(request)
    if form.is_bound and not form.is_valid():
        return refuse_invalid_filter(request, form, reverse("feedback:inbox"))
    headers = [_("Tracking code"), _("Received"), _("Kind"), _("Channel"), _("Department"), _("Category"), pgettext("feedback", "Place"),
               _("Staff concerned"), _("Subject"), _("Details"), _("Status"), _("Assigned to"), _("Deadline"), pgettext("feedback", "Overdue"),
               _("Resolved"), _("On time"), _("Satisfaction"), _("Submitter"), _("Contact")]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(f"{_('feedback')}-{stamp}.xlsx", headers, export_rows(qs, request.user), title=_("Feedback"))


@require_POST
@role_required(Role.HEAD, Role.SUPERVISOR)
def bulk_assign(request: HttpRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    items = list(Feedback.objects.visible_to(request.user).filter(pk__in=ids).select_related("department"))
    depts = {fb.department_id for fb in items}
    if not items or len(depts) != 1:
        messages.error(request, _("Select items of one department to assign them together."))
        return _redirect_next(request, "feedback:inbox")
    form = BulkAssignForm(request.POST, department_id=next(iter(depts)))
    if not form.is_valid():
        messages.error(request, _("Choose a member of the department."))
        return _redirect_next(request, "feedback:inbox")
    done, errors = services.bulk_assign(items, form.cleaned_data["staff"], by=request.user)
    if done:
        messages.success(request, _("%(n)d items assigned to %(name)s.") % {"n": done, "name": form.cleaned_data["staff"].name})
    for error in errors[:10]:
        messages.warning(request, error)
    return _redirect_next(request, "feedback:inbox")


# --- Staff: one item ---------------------------------------------------------------------


def _item(request, pk):
    return get_object_or_404(
        Feedback.objects.visible_to(request.user).select_related(
            "department", "place", "place__campus", "staff", "assigned_to", "category", "merged_into", "created_by",
            "transfer_to", "transfer_requested_by__staff"),
        pk=pk,
    )


@role_required(*HANDLERS)
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """A photo of a feedback item, only for those who may read the item (media files are not public)."""
    att = get_object_or_404(Attachment.objects.filter(feedback__in=Feedback.objects.visible_to(request.user)), pk=pk)
    try:
        handle = att.file.open("rb")
    except OSError:
        raise Http404 from None
    content_type = "image/png" if att.file.name.lower().endswith(".png") else "image/jpeg"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@role_required(*HANDLERS)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    fb = _item(request, pk)
    actions = FEEDBACK.allowed_actions(request.user, fb)
    events = describe_events(fb.events.all())
    replies = list(fb.replies.all())
    attachments = list(fb.attachments.all())
    callbacks = list(fb.callbacks.all())
    duplicates = list(fb.duplicates.only("pk", "code", "title", "about_staff"))
    for duplicate in duplicates:
        duplicate.shown_code = duplicate.code_for(request.user)
    rating = Rating.objects.filter(feedback=fb).first()
    return render(request, "feedback/detail.html", {
        "fb": fb, "who": fb.submitter_for(request.user), "events": events, "replies": replies,
        "merged_code": fb.merged_into.code_for(request.user) if fb.merged_into_id else "",
        "attachments": attachments, "callbacks": callbacks, "duplicates": duplicates, "rating": rating,
        "actions": actions, "simple_actions": [(a, FEEDBACK.label(a)) for a in SIMPLE_ACTIONS if a in actions],
        "assign_form": AssignForm(department_id=fb.department_id) if "assign" in actions else None,
        "reply_form": ReplyForm(initial={"resolve": "resolve" in actions}) if may_reply(request.user, fb) else None,
        "can_resolve": "resolve" in actions,
        "callback_form": CallbackForm() if "callback_satisfied" in actions else None,
        "transfer_form": TransferForm() if "transfer" in actions else None,
        "request_transfer_form": RequestTransferForm(current=fb.department_id) if "request_transfer" in actions else None,
        "decision_form": (TransferDecisionForm(current=fb.department_id)
                          if actions & {"accept_transfer", "decline_transfer"} else None),
        "transfer_requester": actor_name(fb.transfer_requested_by) if fb.transfer_requested_by_id else "",
        "merge_form": MergeForm() if "merge" in actions else None,
        "max_attempts": settings.QS_CALLBACK_MAX_ATTEMPTS,
    })


@role_required(*HANDLERS)
def detail_by_code(request: HttpRequest, code: str) -> HttpResponse:
    """An item by its tracking code (the link in notifications; what a caller reads out on the phone).
    Not for the person the item is about (``code_match``)."""
    pk = get_object_or_404(Feedback.objects.visible_to(request.user).filter(code_match(code, request.user))
                           .values_list("pk", flat=True))
    return redirect("feedback:detail", pk=pk)


def _done(request, fb, message=None):
    if message:
        messages.success(request, message)
    return _redirect_next(request, fb)


@require_POST
@role_required(*HANDLERS)
def act(request: HttpRequest, pk: int) -> HttpResponse:
    fb = _item(request, pk)
    action = request.POST.get("action", "")
    if action not in SIMPLE_ACTIONS:
        messages.error(request, _("Unknown action."))
        return redirect(fb)
    try:
        FEEDBACK.apply(fb, action, by=request.user, note=request.POST.get("note", "")[:1000])
    except TransitionError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(fb)
    return _done(request, fb, _("%(action)s: %(code)s.") % {"action": event_label(action),
                                                              "code": fb.code_for(request.user)})


@require_POST
@role_required(Role.HEAD, Role.SUPERVISOR)  # who assigns (the transition's roles)
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    fb = _item(request, pk)
    form = AssignForm(request.POST, department_id=fb.department_id)
    if not form.is_valid():
        messages.error(request, _("Choose a member of the department."))
        return redirect(fb)
    try:
        services.assign(fb, form.cleaned_data["staff"], by=request.user, note=form.cleaned_data["note"])
    except TransitionError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(fb)
    return _done(request, fb, _("Assigned to %(name)s.") % {"name": form.cleaned_data["staff"].name})


@require_POST
@role_required(*HANDLERS)
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    fb = _item(request, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["submission_key"]) if "submission_key" in form.errors
                       else _("The reply is empty."))
        return redirect(fb)
    d = form.cleaned_data
    try:
        services.add_reply(fb, d["body"], by=request.user, public=d["visibility"] == "public", resolve=d["resolve"],
                           submission_key=scoped("reply", d.get("submission_key")))
    except TransitionError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(fb)
    return _done(request, fb, _("Reply saved.") if not d["resolve"] else _("Replied and marked resolved."))


@require_POST
@role_required(Role.OPERATOR, Role.HEAD, Role.SUPERVISOR)
def callback(request: HttpRequest, pk: int) -> HttpResponse:
    fb = _item(request, pk)
    form = CallbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(" ".join(e) for e in form.errors.values()))
        return _done(request, fb)
    d = form.cleaned_data
    try:
        services.record_callback(fb, by=request.user, reached=d["reached"], satisfied=d["satisfied"], comment=d["comment"],
                                 submission_key=scoped("callback", d.get("submission_key")))
    except TransitionError as exc:
        messages.error(request, " ".join(exc.messages))
        return _done(request, fb)
    fb.refresh_from_db()
    return _done(request, fb, _("Callback recorded: %(code)s is now “%(status)s”.") % {
        "code": fb.code_for(request.user), "status": fb.get_status_display()})


@require_POST
@role_required(Role.SUPERVISOR, Role.OPERATOR)
def transfer(request: HttpRequest, pk: int) -> HttpResponse:
    fb = _item(request, pk)
    form = TransferForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a department."))
        return redirect(fb)
    try:
        FEEDBACK.apply(fb, "transfer", by=request.user, note=form.cleaned_data["note"], department=form.cleaned_data["department"])
    except TransitionError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(fb)
    messages.success(request, _("Transferred to %(dept)s.") % {"dept": form.cleaned_data["department"].display_name})
    # The operator may no longer see the item's department inbox, but still the item.
    return redirect(fb)


@require_POST
@role_required(Role.HEAD)
def request_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    """A head asks to move an item routed to their department by mistake (a supervisor or an operator decides)."""
    fb = _item(request, pk)
    form = RequestTransferForm(request.POST, current=fb.department_id)
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return redirect(fb)
    department = form.cleaned_data["department"]
    try:
        FEEDBACK.apply(fb, "request_transfer", by=request.user, note=form.cleaned_data["reason"], department=department)
    except TransitionError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(fb)
    messages.success(request, _("Transfer to %(dept)s requested: a supervisor or the hotline decides.")
                     % {"dept": department.display_name})
    return redirect(fb)


@require_POST
@role_required(Role.SUPERVISOR, Role.OPERATOR)
def decide_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept a transfer request in one click (to the proposed department, or the one chosen) or decline it."""
    fb = _item(request, pk)
    form = TransferDecisionForm(request.POST, current=fb.department_id)
    if not form.is_valid():
        messages.error(request, _("Choose a department."))
        return redirect(fb)
    d = form.cleaned_data
    accept = d["decision"] == "accept"
    params = {"department": d["department"]} if accept and d["department"] else {}
    try:
        FEEDBACK.apply(fb, "accept_transfer" if accept else "decline_transfer", by=request.user, note=d["note"], **params)
    except TransitionError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(fb)
    fb.refresh_from_db()
    if accept:
        messages.success(request, _("Transferred to %(dept)s.") % {"dept": fb.department.display_name})
    else:
        messages.success(request, _("Transfer request declined: the item stays with %(dept)s.")
                         % {"dept": fb.department.display_name})
    return redirect(fb)


@require_POST
@role_required(Role.SUPERVISOR)
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    fb = _item(request, pk)
    form = MergeForm(request.POST)
    target = None
    if form.is_valid():
        target = Feedback.objects.visible_to(request.user).filter(code_match(form.cleaned_data["target"], request.user)).first()
    if target is None:
        messages.error(request, _("No item has this tracking code."))
        return redirect(fb)
    try:
        FEEDBACK.apply(fb, "merge", by=request.user, note=form.cleaned_data["note"], target=target)
    except TransitionError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(fb)
    messages.success(request, _("Merged into %(code)s.") % {"code": target.code_for(request.user)})
    return redirect(target)


# --- Staff: hotline and callbacks ---------------------------------------------------------


@role_required(Role.OPERATOR, Role.SUPERVISOR)
def hotline(request: HttpRequest) -> HttpResponse:
    """The operator logs a phone call and routes it to a department."""
    form = HotlineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        fb = services.create_record(
            kind=d["kind"], channel=Channel.HOTLINE, department=d["department"], title=d.get("title", ""), body=d["body"],
            place=d.get("place"), staff=d.get("staff"), submitter_name=d.get("caller_name", ""),
            submitter_contact=d.get("caller_phone", ""), anonymous=d.get("anonymous", False), created_by=request.user,
            submission_key=scoped("hotline", d.get("submission_key")), category=d.get("category"),
        )
        messages.success(request, _("Call logged as %(code)s and routed to %(dept)s. Tell the caller the tracking code.")
                         % {"code": fb.code, "dept": fb.department.display_name})
        return redirect(fb)
    return render(request, "feedback/hotline.html", {"form": form})


SUGGESTIONS = 8


@role_required(Role.OPERATOR, Role.SUPERVISOR)
def staff_suggestions(request: HttpRequest) -> HttpResponse:
    """The hotline form's suggestions (htmx fragment): active staff whose name or badge number contains what
    the operator typed, within what the operator reads (the routing scope: every department for operators).
    Name, badge number, post and department only — never a phone number."""
    query = (request.GET.get("staff") or "").strip()[:50]
    people = []
    if query:
        people = list(
            Staff.objects.visible_to(request.user, routing=True).active()
            .filter(Q(name__icontains=query) | Q(badge_number__icontains=query))
            .select_related("department")
            # The exact badge number first, then badge numbers starting with it, then by name.
            .annotate(rank=Case(When(badge_number__iexact=query, then=0), When(badge_number__istartswith=query, then=1),
                                default=2, output_field=IntegerField()))
            .order_by("rank", "name", "badge_number")[:SUGGESTIONS]
        )
    return render(request, "feedback/_staff_suggestions.html", {"people": people, "query": query})


@role_required(Role.OPERATOR, Role.HEAD, Role.SUPERVISOR)
def callbacks(request: HttpRequest) -> HttpResponse:
    qs = (Feedback.objects.visible_to(request.user).callback_queue().for_list()
          .annotate(attempts=Count("callbacks")).order_by("resolved_at", "pk"))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for fb in page.object_list:
        fb.who = fb.submitter_for(request.user)
        fb.form_key = new_key()  # one callback attempt per rendered row form
    return render(request, "feedback/callbacks.html", {"page_obj": page, "form": CallbackForm(),
                                                        "max_attempts": settings.QS_CALLBACK_MAX_ATTEMPTS})


@role_required(Role.HEAD, Role.SUPERVISOR, Role.OPERATOR)
def department_figures(request: HttpRequest, department_id: int) -> HttpResponse:
    department = get_object_or_404(Department.objects.visible_to(request.user), pk=department_id)
    rows = list(PublishedFigure.objects.filter(department=department).order_by("-month")[:24])
    live = Feedback.objects.filter(department=department).aggregate(
        open=Count("pk", filter=~Q(status__in=[Status.CLOSED, Status.MERGED])),
        overdue=Count("pk", filter=Q(status__in=PENDING_STATUSES, deadline__lt=timezone.now())),
    )
    return render(request, "feedback/department_figures.html", {"department": department, "rows": rows, "live": live})

