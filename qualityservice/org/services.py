"""Organisation workflows: roster import/export, badge sheets, public statistics."""

from __future__ import annotations

import re

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qualityservice.core.documents import absolute_url, qr_data_uri, render_pdf
from qualityservice.core.exports import xlsx_response
from qualityservice.core.imports import ImportResult, RowError, read_table

from .models import Commitment, Department, Place, SiteSettings, Staff

# --- Roster -----------------------------------------------------------------------------

# Column key -> accepted header spellings (Chinese first; English for round trips in English).
ROSTER_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "name"),
    "badge_number": ("工号", "badge number", "badge no", "badge"),
    "department": ("部门", "department"),
    "post": ("岗位", "post"),
    "phone": ("电话", "phone", "手机"),
    "team": ("班组", "team"),
    "on_duty": ("在岗", "on duty"),
}
REQUIRED_COLUMNS = ("name", "badge_number", "department", "post", "phone")
BADGE_RE = re.compile(r"^[A-Za-z0-9\-]{1,20}$")
PHONE_RE = re.compile(r"^[0-9+\-() ]{3,30}$")
YES = {"是", "在岗", "yes", "y", "true", "1"}
NO = {"否", "离岗", "no", "n", "false", "0"}


def roster_headers() -> list[str]:
    return [_("Name"), _("Badge number"), _("Department"), _("Post"), _("Phone"), _("Team"), _("On duty")]


def import_roster(fileobj) -> ImportResult:
    """Validate every row first; write only if all rows are good (nothing half-imported).
    Existing badge numbers are updated, new ones created."""
    table = read_table(fileobj, ROSTER_COLUMNS, required=REQUIRED_COLUMNS)
    result = ImportResult(file_error=table.error)
    if table.error:
        return result
    missing = table.missing
    if missing:
        labels = dict(zip(("name", "badge_number", "department", "post", "phone"), roster_headers()[:5], strict=True))
        result.file_error = _("Missing columns: %(cols)s. The first row must hold the headers 姓名, 工号, 部门, 岗位, 电话.") % {
            "cols": "、".join(str(labels[k]) for k in missing)
        }
        return result

    departments: dict[str, Department] = {}
    for dept in Department.objects.filter(kind__in=[Department.Kind.CENTRE, Department.Kind.GROUP]):
        for key in (dept.name, dept.name_en, dept.code):
            if key:
                departments[key.strip().lower()] = dept
    teams = {(t.parent_id, key.strip().lower()): t for t in Department.objects.filter(kind=Department.Kind.TEAM)
             for key in (t.name, t.name_en) if key}  # an export in English comes back in English
    existing = {s.badge_number: s for s in Staff.objects.all()}

    seen_badges: dict[str, int] = {}
    parsed: list[dict] = []
    col = dict(zip(("name", "badge_number", "department", "post", "phone", "team", "on_duty"), roster_headers(), strict=True))

    for offset, values in table.rows():
        errors_before = len(result.errors)

        def err(key, message, _row=offset):
            result.errors.append(RowError(_row, str(col[key]), message))

        name = values.get("name", "")
        if not name:
            err("name", _("Name is required."))
        elif len(name) > 50:
            err("name", _("Name is longer than 50 characters."))
        badge = values.get("badge_number", "")
        if not badge:
            err("badge_number", _("Badge number is required."))
        elif not BADGE_RE.match(badge):
            err("badge_number", _("Badge number may contain only letters, digits and '-' (at most 20)."))
        elif badge in seen_badges:
            err("badge_number", _("Badge number %(badge)s already appears in row %(row)d.") % {"badge": badge, "row": seen_badges[badge]})
        else:
            seen_badges[badge] = offset
        dept_name = values.get("department", "")
        dept = departments.get(dept_name.lower()) if dept_name else None
        if not dept_name:
            err("department", _("Department is required."))
        elif dept is None:
            err("department", _("Unknown department “%(name)s”.") % {"name": dept_name})
        post = values.get("post", "")
        if not post:
            err("post", _("Post is required."))
        elif len(post) > 60:
            err("post", _("Post is longer than 60 characters."))
        phone = values.get("phone", "")
        if phone and not PHONE_RE.match(phone):
            err("phone", _("“%(phone)s” is not a phone number.") % {"phone": phone})
        team = None
        team_name = values.get("team", "")
        if team_name and dept is not None:
            team = teams.get((dept.pk, team_name.lower()))
            if team is None:
                err("team", _("Unknown team “%(name)s” in %(dept)s.") % {"name": team_name, "dept": dept.name})
        on_duty = True
        duty_raw = values.get("on_duty", "").lower()
        if duty_raw:
            if duty_raw in YES:
                on_duty = True
            elif duty_raw in NO:
                on_duty = False
            else:
                err("on_duty", _("On duty must be 是 or 否 (yes or no)."))
        if len(result.errors) == errors_before:
            parsed.append(
                {"name": name, "badge_number": badge, "department": dept, "post": post, "phone": phone,
                 "team": team, "on_duty": on_duty}
            )

    if result.errors:
        return result
    if not parsed:
        result.file_error = _("The workbook has no staff rows under the header.")
        return result

    with transaction.atomic():
        to_create = []
        for row in parsed:
            staff = existing.get(row["badge_number"])
            if staff is None:
                to_create.append(Staff(**row))
            else:
                changed = False
                for key, value in row.items():
                    if getattr(staff, key) != value:
                        setattr(staff, key, value)
                        changed = True
                if changed:
                    staff.save()
                    result.updated += 1
        for staff in to_create:
            staff.save()  # save() rather than bulk_create: history rows and unique codes
        result.created = len(to_create)
    return result


def export_roster(queryset, filename: str):
    yes, no = _("Yes"), _("No")
    rows = (
        (s.name, s.badge_number, s.department.display_name, s.post, s.phone, s.team.display_name if s.team_id else "",
         yes if s.on_duty else no)
        for s in queryset.select_related("department", "team").order_by("department__sort_order", "badge_number").iterator(chunk_size=2000)
    )
    return xlsx_response(filename, roster_headers(), rows, title=_("Roster"))


# --- Badges -----------------------------------------------------------------------------

BADGES_PER_PAGE = 8  # 2 columns x 4 rows on A4


def badge_sheet_pdf(department: Department, request=None) -> bytes:
    staff = list(Staff.objects.active().filter(department=department).select_related("department", "team").order_by("badge_number"))
    badges = [{"staff": s, "qr": qr_data_uri(absolute_url(s.get_public_url()), scale=3, border=1)} for s in staff]
    pages = [badges[i : i + BADGES_PER_PAGE] for i in range(0, len(badges), BADGES_PER_PAGE)]
    return render_pdf(
        "org/badges_pdf.html",
        {"department": department, "pages": pages, "site": SiteSettings.load(), "generated": timezone.localtime()},
        request=request,
    )


# --- Public statistics (a cached aggregate refreshed by a periodic job) ------------------

PUBLIC_STATS_KEY = "org:public-stats:v1"


def compute_public_statistics() -> dict:
    staff = Staff.objects.filter(is_active=True).aggregate(total=Count("pk"), on_duty=Count("pk", filter=Q(on_duty=True)))
    commitments = Commitment.objects.published().aggregate(
        total=Count("pk"), measurable=Count("pk", filter=Q(is_measurable=True))
    )
    return {
        "departments": Department.objects.centres().count(),
        "staff": staff["total"],
        "staff_on_duty": staff["on_duty"],
        "commitments": commitments["total"],
        "measurable_commitments": commitments["measurable"],
        "places": Place.objects.filter(is_active=True).count(),
        "refreshed_at": timezone.now().isoformat(),
    }


def refresh_public_statistics() -> dict:
    stats = compute_public_statistics()
    cache.set(PUBLIC_STATS_KEY, stats, timeout=None)
    return stats


def public_statistics() -> dict:
    stats = cache.get(PUBLIC_STATS_KEY)
    if stats is None:
        stats = refresh_public_statistics()
    return stats
