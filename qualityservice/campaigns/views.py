"""Staff pages (staff_urls.py, under /staff/campaigns/) and the public campaign pages (urls.py).

Every staff view reads its rows through ``visible_to(request.user)``: another department's activity, report or
file is a 404, like a page the role may not open (``role_required``). The participation pages are stricter:
only the supervisor and the head of the staff's own department (not administrators) — see ``_private``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.views.decorators.http import require_POST

from qualityservice.core import pagecache
from qualityservice.core.exports import xlsx_sheets_response
from qualityservice.core.pagination import KeysetPaginator
from qualityservice.core.permissions import department_scope, role_required, user_role
from qualityservice.core.roles import Role
from qualityservice.core.submissions import new_key, scoped
from qualityservice.core.workflow import TransitionError
from qualityservice.org.models import Department, Staff

from . import board as boards
from . import services, uploads
from .forms import (
    ActivityForm,
    ActivityMoveForm,
    AdoptForm,
    AffiliationForm,
    CampaignChoiceForm,
    CampaignForm,
    CopyForm,
    MenuItemForm,
    ReportForm,
)
from .models import Campaign, DepartmentActivity, Evidence, MenuItem, ProgressReport, ReportFile, StaffAffiliation
from .workflows import ACTIVITY, CAMPAIGN

MANAGERS = (Role.HEAD, Role.SUPERVISOR)  # administrators pass role_required too
SUPERVISORS = (Role.SUPERVISOR,)
PAGE_SIZE = 30


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    return get_object_or_404(Campaign.objects.visible_to(request.user), pk=pk)


def _activity(request: HttpRequest, pk: int) -> DepartmentActivity:
    return get_object_or_404(DepartmentActivity.objects.visible_to(request.user)
                             .select_related("campaign", "department", "menu_item", "owner"), pk=pk)


def _form_page(request, form, *, title: str, back: str, once: bool, status: int = 200) -> HttpResponse:
    return render(request, "campaigns/form.html", {"form": form, "title": title, "back": back, "once": once},
                  status=400 if form.is_bound and form.errors else status)


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def current_campaign(user=None) -> Campaign | None:
    """The active campaign covering today, else the newest launched one (for the board and the menus)."""
    qs = Campaign.objects.real().exclude(status=Campaign.Status.DRAFT)
    today = timezone.localdate()
    return qs.covering(today).first() or qs.order_by("-year", "-starts_on").first()


def _chosen_campaign(request) -> tuple[CampaignChoiceForm, Campaign | None]:
    form = CampaignChoiceForm(request.GET or None, user=request.user)
    chosen = form.cleaned_data.get("campaign") if form.is_bound and form.is_valid() else None
    campaign = chosen or current_campaign()
    if chosen is None and campaign is not None:  # the selector shows the campaign on the page
        form = CampaignChoiceForm(initial={"campaign": campaign.pk}, user=request.user)
    return form, campaign


# --- Campaigns ----------------------------------------------------------------------------------------

@role_required(*MANAGERS)
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = Campaign.objects.visible_to(request.user)
    page = KeysetPaginator(campaigns, ordering=("-created_at", "-pk"), per_page=PAGE_SIZE).page(request.GET)
    return render(request, "campaigns/campaign_list.html", {
        "page_obj": page, "may_create": services.is_group_wide(request.user),
    })


@role_required(*SUPERVISORS)
def campaign_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """New campaign (``pk`` None) or changes: one view, one form."""
    campaign = _campaign(request, pk) if pk is not None else None
    if campaign is not None and campaign.status == Campaign.Status.CLOSED:
        messages.error(request, pgettext("campaign", "A closed campaign is no longer changed."))
        return redirect(campaign)
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.CAMPAIGN_FIELDS}
        milestones = form.cleaned_data["milestones"]
        try:
            if campaign is None:
                campaign, created = services.create_campaign(key=form.cleaned_data["submission_key"], by=request.user,
                                                             milestones=milestones, **data)
                if created:
                    messages.success(request, pgettext("campaign", "Campaign created."))
            else:
                campaign = services.update_campaign(campaign, milestones=milestones, **data)
                messages.success(request, pgettext("campaign", "Campaign saved."))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return redirect(campaign)
    title = pgettext("campaign", "Edit campaign") if campaign else pgettext("campaign", "New campaign")
    back = campaign.get_absolute_url() if campaign else reverse("campaigns:list")
    return _form_page(request, form, title=title, back=back, once=campaign is None)


@role_required(*SUPERVISORS)
def campaign_copy(request: HttpRequest) -> HttpResponse:
    """Copy last year's campaign (or the menu template): texts, milestones and menu, dates moved to the year."""
    year = timezone.localdate().year
    initial = {"year": year}
    source = services.default_copy_source(year)
    if source is not None:
        initial["source"] = source.pk
    form = CopyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            campaign, created = services.copy_campaign(
                form.cleaned_data["source"], key=form.cleaned_data["submission_key"], by=request.user, year=form.cleaned_data["year"],
                name=form.cleaned_data["name"], name_en=form.cleaned_data["name_en"])
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("year", message)
        else:
            if created:
                messages.success(request, pgettext("campaign", "Campaign copied: check its dates, then launch it."))
            return redirect(campaign)
    return _form_page(request, form, title=pgettext("campaign", "Copy a campaign"), back=reverse("campaigns:list"), once=True)


@role_required(*MANAGERS)
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    group_wide = services.is_group_wide(request.user)
    menu = list(campaign.menu.prefetch_related("required_for").annotate(n_adopted=Count("adoptions")).order_by("sort_order", "pk"))
    scope = department_scope(request.user)
    return render(request, "campaigns/campaign_detail.html", {
        "campaign": campaign, "menu": menu, "milestones": list(campaign.milestones.all()),
        "moves": CAMPAIGN.allowed(request.user, campaign), "events": services.timeline(campaign, CAMPAIGN),
        "group_wide": group_wide, "may_edit": group_wide and campaign.status != Campaign.Status.CLOSED,
        "own_department": next(iter(scope)) if scope else None,
    })


@require_POST
@role_required(*SUPERVISORS)
def campaign_move(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    action = request.POST.get("action", "")
    try:
        services.move_campaign(campaign, action, by=request.user)
    except TransitionError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, pgettext("campaign", "Done: %(action)s") % {"action": CAMPAIGN.label(action)})
    return redirect(campaign)


@role_required(*SUPERVISORS)
def menu_edit(request: HttpRequest, campaign_pk: int | None = None, pk: int | None = None) -> HttpResponse:
    """A new menu item (``campaign_pk``) or an item's changes (``pk``; refused once the menu is frozen)."""
    item = get_object_or_404(MenuItem.objects.select_related("campaign"), pk=pk) if pk is not None else None
    campaign = item.campaign if item is not None else _campaign(request, campaign_pk)
    if item is not None and campaign.is_frozen:
        messages.error(request, pgettext("campaign", "The menu is frozen since departments adopted from it: add a new item instead."))
        return redirect(campaign)
    form = MenuItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.MENU_FIELDS}
        try:
            if item is None:
                item, created = services.add_menu_item(campaign, key=form.cleaned_data["submission_key"], by=request.user,
                                                       required_for=form.cleaned_data["required_for"], **data)
                if created:
                    messages.success(request, pgettext("campaign", "Menu item added."))
            else:
                services.update_menu_item(item, required_for=form.cleaned_data["required_for"], **data)
                messages.success(request, pgettext("campaign", "Menu item saved."))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return redirect(campaign)
    title = pgettext("campaign", "Edit menu item") if item else pgettext("campaign", "New menu item")
    if item is None and campaign.is_frozen:
        title += " · " + pgettext("campaign", "the menu is frozen: this item is recorded as added later")
    return _form_page(request, form, title=title, back=campaign.get_absolute_url(), once=item is None)


# --- A department's plan ------------------------------------------------------------------------------

def _plan_department(request, campaign: Campaign) -> tuple[Department, list[Department]]:
    """Heads: their own department. Supervisors: ``?department=`` among the centres (the first by default)."""
    centres = list(Department.objects.centres().visible_to(request.user))
    if not centres:
        raise Http404
    raw = request.GET.get("department", "")
    chosen = next((d for d in centres if str(d.pk) == raw), None)
    if raw and chosen is None:
        raise Http404
    return chosen or centres[0], centres


@role_required(*MANAGERS)
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    department, centres = _plan_department(request, campaign)
    activities = list(DepartmentActivity.objects.filter(campaign=campaign, department=department)
                      .select_related("menu_item", "owner").order_by("pk"))
    adopted = {a.menu_item_id: a for a in activities if a.menu_item_id}
    menu = list(campaign.menu.prefetch_related("required_for").order_by("sort_order", "pk"))
    # One adoption form per item, each with its own submission key (a resent form adopts once).
    entries = [{"item": item, "activity": adopted.get(item.pk), "required": services.is_required_for(item, department.pk),
                "key": new_key()} for item in menu]
    signature = sum(1 for a in activities if a.is_signature and a.status != DepartmentActivity.Status.CANCELLED)
    return render(request, "campaigns/plan.html", {
        "campaign": campaign, "department": department, "centres": centres if services.is_group_wide(request.user) else [],
        "entries": entries, "own": [a for a in activities if a.is_own], "signature": signature,
        "may_adopt": campaign.status == Campaign.Status.ACTIVE,
    })


@require_POST
@role_required(*MANAGERS)
def adopt(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    form = AdoptForm(request.POST, campaign=campaign, user=request.user)
    if not form.is_valid():
        messages.error(request, pgettext("campaign", "Choose an item of the menu for your department."))
        return redirect(reverse("campaigns:plan", args=[campaign.pk]))
    department = form.cleaned_data["department"]
    back = f"{reverse('campaigns:plan', args=[campaign.pk])}?department={department.pk}"
    try:
        activity, created = services.adopt(campaign, form.cleaned_data["menu_item"], department,
                                           key=form.cleaned_data["submission_key"], by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    if created:
        messages.success(request, pgettext("campaign", "Adopted: now plan it."))
    return redirect(activity.get_edit_url())


@role_required(*MANAGERS)
def activity_new(request: HttpRequest, pk: int) -> HttpResponse:
    """The department's own activity (四.2)."""
    campaign = _campaign(request, pk)
    department, _centres = _plan_department(request, campaign)
    back = f"{reverse('campaigns:plan', args=[campaign.pk])}?department={department.pk}"
    form = ActivityForm(request.POST or None, department=department)
    if request.method == "POST" and form.is_valid():
        try:
            activity, created = services.add_own_activity(campaign, department, key=form.cleaned_data["submission_key"], by=request.user,
                                                          milestones=form.cleaned_data["milestones"], **form.plan())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if created:
                messages.success(request, pgettext("campaign", "Activity added to the plan."))
            return redirect(activity)
    title = pgettext("campaign", "Own activity of %(department)s") % {"department": department.display_name}
    return _form_page(request, form, title=title, back=back, once=True)


@role_required(*MANAGERS)
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    if activity.is_closed or activity.campaign.status != Campaign.Status.ACTIVE:
        messages.error(request, pgettext("campaign", "A done or cancelled activity is no longer planned."))
        return redirect(activity)
    form = ActivityForm(request.POST or None, instance=activity, department=activity.department)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_plan(activity, milestones=form.cleaned_data["milestones"], **form.plan())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, pgettext("campaign", "Plan saved."))
            return redirect(activity)
    title = pgettext("campaign", "Plan: %(title)s") % {"title": activity.display_title}
    return _form_page(request, form, title=title, back=activity.get_absolute_url(), once=False)


@role_required(*MANAGERS)
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    reports = list(activity.reports.select_related("created_by__staff")
                   .prefetch_related("files", Prefetch("participants", queryset=Staff.objects.order_by("badge_number"))))
    return render(request, "campaigns/activity_detail.html", {
        "activity": activity, "campaign": activity.campaign, "milestones": list(activity.milestones.all()),
        "reports": reports, "evidence": list(activity.evidence.all()),
        "moves": ACTIVITY.allowed(request.user, activity), "events": services.timeline(activity, ACTIVITY),
        "may_plan": not activity.is_closed and activity.campaign.status == Campaign.Status.ACTIVE,
        "may_report": activity.status != DepartmentActivity.Status.CANCELLED and activity.campaign.status == Campaign.Status.ACTIVE,
        "may_drop": services.may_drop(request.user, activity), "group_wide": services.is_group_wide(request.user),
        "today": timezone.localdate(),
    })


@require_POST
@role_required(*MANAGERS)
def activity_move(request: HttpRequest, pk: int) -> HttpResponse:
    """A button of the activity page: start, complete (with the summary), cancel (with the reason), reopen.
    A refused move changes nothing and says why."""
    activity = _activity(request, pk)
    form = ActivityMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, pgettext("campaign", "The summary or reason is too long."))
        return redirect(activity)
    action = form.cleaned_data["action"]
    params = {"summary": form.cleaned_data["summary"]} if action == "complete" else {}
    if action in ("fall_behind", "catch_up"):  # the job's moves: refused by the engine for every user
        params = {}
    try:
        services.move_activity(activity, action, by=request.user, note_text=form.cleaned_data["reason"], **params)
    except TransitionError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, pgettext("campaign", "Done: %(action)s") % {"action": ACTIVITY.label(action)})
    return redirect(activity)


@require_POST
@role_required(*MANAGERS)
def activity_drop(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    back = f"{reverse('campaigns:plan', args=[activity.campaign_id])}?department={activity.department_id}"
    try:
        services.drop_activity(activity, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(activity)
    messages.success(request, pgettext("campaign", "Activity dropped from the plan."))
    return redirect(back)


@role_required(*MANAGERS)
def report_new(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    if request.method == "POST":  # the same form again (a resent POST): the first report, without checking its files again
        key = scoped("campaign-report", (request.POST.get("submission_key") or "")[:64])
        existing = ProgressReport.objects.filter(activity=activity, submission_key=key).first() if key else None
        if existing is not None:
            return redirect(activity)
    form = ReportForm(request.POST or None, request.FILES or None, activity=activity)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _report, created = services.create_report(
                activity, key=data["submission_key"], by=request.user, reported_on=data["reported_on"], note=data["note"],
                participants=list(data["participants"]), reached=list(data["reached"]), files=[*data["photos"], *data["documents"]])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if created:
                messages.success(request, pgettext("campaign", "Progress reported."))
            return redirect(activity)
    return render(request, "campaigns/report_form.html", {"form": form, "activity": activity},
                  status=400 if form.is_bound and form.errors else 200)


def _file_response(row: ReportFile) -> FileResponse:
    try:
        handle = row.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type=uploads.content_type(row.file.name), as_attachment=not row.is_image,
                            filename=row.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@role_required(*MANAGERS)
def report_file(request: HttpRequest, pk: int) -> HttpResponse:
    """A report's photo or document, for the people who may read its activity."""
    row = get_object_or_404(ReportFile, pk=pk, report__in=ProgressReport.objects.visible_to(request.user).values("pk"))
    return _file_response(row)


@require_POST
@role_required(*SUPERVISORS)
def report_file_public(request: HttpRequest, pk: int) -> HttpResponse:
    """The supervisor shows a report's file on the campaign's public page, or withdraws it."""
    row = get_object_or_404(ReportFile.objects.select_related("report__activity"), pk=pk)
    public = request.POST.get("public") == "1"
    services.set_file_public(row, public)
    messages.success(request, pgettext("campaign", "The file is shown on the public campaign page.") if public
                     else pgettext("campaign", "The file is no longer public."))
    return redirect(row.report.activity)


# --- The supervisor's board ------------------------------------------------------------------------------

@role_required(*SUPERVISORS)
def board(request: HttpRequest) -> HttpResponse:
    choice, campaign = _chosen_campaign(request)
    items, rows = boards.board(campaign) if campaign else ([], [])
    return render(request, "campaigns/board.html", {"choice": choice, "campaign": campaign, "items": items, "rows": rows,
                                                    "today": timezone.localdate()})


@role_required(*SUPERVISORS)
def board_export(request: HttpRequest) -> HttpResponse:
    choice, campaign = _chosen_campaign(request)
    if campaign is None:
        raise Http404
    items, rows = boards.board(campaign)
    summary_headers = [pgettext("campaign", "Department"), pgettext("campaign", "Required activities"),
                       pgettext("campaign", "Required adopted"), pgettext("campaign", "Required done"),
                       pgettext("campaign", "Activities"), pgettext("campaign", "Done"), pgettext("campaign", "Behind schedule"),
                       pgettext("campaign", "Own activities"), pgettext("campaign", "Overdue milestones"),
                       pgettext("campaign", "Evidence"), pgettext("campaign", "Last report"), pgettext("campaign", "Signature activities")]
    summary = ([r.department.display_name, r.required_total, r.required_adopted, r.required_done, r.adopted, r.done, r.behind, r.own,
                r.overdue_milestones, r.evidence, r.last_report, r.signature] for r in rows)
    not_adopted = pgettext("campaign", "not adopted")
    matrix = ([r.department.display_name, *[
        (c.status_label or (not_adopted if c.required else "")) + (" ★" if c.signature else "") for c in r.cells]] for r in rows)
    headers = [pgettext("campaign", "Department"), *[f"{i.code} {i.display_title}" for i in items]]
    name = f"campaign-{campaign.year}-board.xlsx"
    return xlsx_sheets_response(name, [(pgettext("campaign", "Who is behind"), summary_headers, summary),
                                       (pgettext("campaign", "Activities"), headers, matrix)])


# --- Participation (private) ---------------------------------------------------------------------------------

def _private(request) -> frozenset[int] | None:
    """The participation pages: the supervisor (every department) and department heads (their own); nobody
    else, administrators included (a 404). Returns the department scope."""
    if not request.user.is_authenticated:
        return None
    role = user_role(request.user)
    if role == Role.SUPERVISOR:
        return None
    if role == Role.HEAD:
        return department_scope(request.user)
    raise Http404


def private_pages(view):
    from functools import wraps

    from django.contrib.auth.views import redirect_to_login

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, _private(request), *args, **kwargs)

    return wrapper


@private_pages
def participation(request: HttpRequest, scope) -> HttpResponse:
    choice, campaign = _chosen_campaign(request)
    departments = Department.objects.centres()
    if scope is not None:
        departments = departments.filter(pk__in=scope)
    department_rows, activity_rows = boards.participation(campaign, departments) if campaign else ([], [])
    return render(request, "campaigns/participation.html", {"choice": choice, "campaign": campaign,
                                                            "department_rows": department_rows, "activity_rows": activity_rows})


@private_pages
def affiliations(request: HttpRequest, scope) -> HttpResponse:
    """The private attributes of a department's staff (党员, 团员, 工会会员, 干部): read and set."""
    centres = Department.objects.centres()
    if scope is not None:
        centres = centres.filter(pk__in=scope)
    centres = list(centres)
    if not centres:
        raise Http404
    raw = request.GET.get("department", "")
    department = next((d for d in centres if str(d.pk) == raw), None)
    if raw and department is None:
        raise Http404
    department = department or centres[0]
    staff = list(Staff.objects.active().filter(department=department).select_related("campaign_affiliation").order_by("badge_number"))
    return render(request, "campaigns/affiliations.html", {
        "department": department, "centres": centres if scope is None else [], "staff": staff, "groups": StaffAffiliation.GROUPS,
        "labels": [StaffAffiliation._meta.get_field(g).verbose_name for g in StaffAffiliation.GROUPS],
    })


@require_POST
@private_pages
def affiliation_save(request: HttpRequest, scope, pk: int) -> HttpResponse:
    staff = get_object_or_404(Staff.objects.filter(**({} if scope is None else {"department__in": scope})), pk=pk)
    form = AffiliationForm(request.POST)
    if form.is_valid():
        services.save_affiliation(staff, by=request.user, **form.cleaned_data)
        messages.success(request, pgettext("campaign", "Saved for %(name)s.") % {"name": staff.name})
    return redirect(f"{reverse('campaigns:affiliations')}?department={staff.department_id}#staff-{staff.pk}")


# --- Public pages ---------------------------------------------------------------------------------------------

PUBLIC_STATUSES = (DepartmentActivity.Status.IN_PROGRESS, DepartmentActivity.Status.BEHIND, DepartmentActivity.Status.DONE)


def public_index(request: HttpRequest) -> HttpResponse:
    def build(placeholders: bool) -> HttpResponse:
        campaigns = list(Campaign.objects.real().exclude(status=Campaign.Status.DRAFT).order_by("-year", "-starts_on"))
        return render(request, "campaigns/public_index.html", {"campaigns": campaigns})

    return pagecache.anonymous_page(request, ("campaigns-index",), build)


def public_campaign(request: HttpRequest, code: str) -> HttpResponse:
    """The campaign page for everyone: theme, slogans, the milestones' timeline, the activities held with the
    evidence the supervisor (or the record's app) made public. No participant, no private attribute, no
    staff link. Served to anonymous visitors from core.pagecache (``page_cache_models``)."""

    def build(placeholders: bool) -> HttpResponse:
        campaign = get_object_or_404(Campaign.objects.real().exclude(status=Campaign.Status.DRAFT), code=code)
        activities = list(
            DepartmentActivity.objects.filter(campaign=campaign, status__in=PUBLIC_STATUSES)
            .select_related("department", "menu_item").order_by("department__sort_order", "department_id", "pk")
            .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.filter(is_public=True), to_attr="public_evidence"),
                              Prefetch("reports__files", queryset=ReportFile.objects.filter(is_public=True), to_attr="public_files"))
        )
        for activity in activities:
            activity.shown_files = [f for r in activity.reports.all() for f in r.public_files]
        done = sum(1 for a in activities if a.status == DepartmentActivity.Status.DONE)
        return render(request, "campaigns/public_campaign.html", {
            "campaign": campaign, "milestones": list(campaign.milestones.all()), "activities": activities, "done": done,
            "today": timezone.localdate(),
        })

    return pagecache.anonymous_page(request, ("campaigns-public", code), build)


def public_file(request: HttpRequest, code: str) -> HttpResponse:
    """A report file the supervisor made public, by its unguessable code (never by id); others are a 404."""
    row = get_object_or_404(ReportFile.objects.filter(is_public=True, report__activity__campaign__is_template=False)
                            .exclude(report__activity__campaign__status=Campaign.Status.DRAFT), code=code)
    return _file_response(row)


def home_context(request) -> dict:
    """The home page's campaign box (extension point ``home_actions``): the current campaign's name, theme and a
    slogan, memoised per language until a campaign changes."""

    def build():
        campaign = Campaign.objects.real().covering(timezone.localdate()).first()
        if campaign is None:
            return None
        return (campaign.display_name, campaign.display_theme, tuple(campaign.slogan_list[:3]), campaign.get_public_url())

    found = pagecache.memo(f"campaigns-home-{get_language()}", build)
    if found is None:
        return {"campaign_home": None}
    name, theme, slogans, url = found
    return {"campaign_home": {"name": name, "theme": theme, "slogans": slogans, "url": url}}

