"""The supervisor's board "谁落后了" and the participation report: a constant number of GROUP BY queries per
campaign, whatever the number of departments and activities (tests/test_query_counts.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q
from django.utils import timezone

from qualityservice.org.models import Department

from .models import ActivityMilestone, Campaign, DepartmentActivity, Evidence, MenuItem, ProgressReport, ReportFile, StaffAffiliation

Status = DepartmentActivity.Status
OPEN = (Status.PLANNED, Status.IN_PROGRESS, Status.BEHIND)


@dataclass
class Cell:
    item: MenuItem
    required: bool
    activity_id: int | None = None
    state: str = ""  # the activity's status ("" when not adopted)
    signature: bool = False

    @property
    def status_label(self) -> str:
        return str(Status(self.state).label) if self.state else ""


@dataclass
class Row:
    department: Department
    required_total: int = 0
    required_adopted: int = 0
    required_done: int = 0
    adopted: int = 0
    done: int = 0
    behind: int = 0
    own: int = 0
    overdue_milestones: int = 0
    evidence: int = 0
    last_report: dt.date | None = None
    signature: int = 0
    cells: list[Cell] = field(default_factory=list)

    @property
    def required_missing(self) -> int:
        return self.required_total - self.required_adopted

    @property
    def lag(self) -> tuple:
        """Sort key, most behind first: the share of required activities not done, overdue milestones,
        activities behind schedule, the oldest (or no) last report."""
        share = (self.required_total - self.required_done) / self.required_total if self.required_total else 0
        return (-share, -self.overdue_milestones, -self.behind, self.last_report or dt.date.min, self.department.sort_order)


def _by_department(queryset, department_path: str, **aggregates) -> dict[int, dict]:
    rows = queryset.values(department_path).annotate(**aggregates).order_by()
    return {row[department_path]: row for row in rows}


def board(campaign: Campaign, *, today: dt.date | None = None, departments=None) -> tuple[list[MenuItem], list[Row]]:
    """(menu items, one row per department, most behind first) for ``campaign``. Eight queries."""
    today = today or timezone.localdate()
    items = list(campaign.menu.prefetch_related("required_for").order_by("sort_order", "pk"))
    departments = list(departments if departments is not None else Department.objects.centres())
    required_for = {item.pk: {d.pk for d in item.required_for.all()} for item in items}

    def required(item: MenuItem, department_id: int) -> bool:
        return item.is_required and (not required_for[item.pk] or department_id in required_for[item.pk])

    activities = list(DepartmentActivity.objects.filter(campaign=campaign)
                      .values("pk", "department_id", "menu_item_id", "status", "is_required", "is_signature").order_by())
    by_cell = {(a["department_id"], a["menu_item_id"]): a for a in activities if a["menu_item_id"]}
    in_campaign = {"activity__campaign": campaign}
    overdue = _by_department(ActivityMilestone.objects.filter(done_on__isnull=True, due_on__lt=today, activity__status__in=OPEN, **in_campaign),
                             "activity__department_id", n=Count("pk"))
    evidence = _by_department(Evidence.objects.filter(**in_campaign), "activity__department_id", n=Count("pk"))
    files = _by_department(ReportFile.objects.filter(report__activity__campaign=campaign), "report__activity__department_id", n=Count("pk"))
    reports = _by_department(ProgressReport.objects.filter(**in_campaign), "activity__department_id", last=Max("reported_on"))

    rows = []
    for department in departments:
        row = Row(department=department)
        for item in items:
            cell = Cell(item=item, required=required(item, department.pk))
            found = by_cell.get((department.pk, item.pk))
            if found:
                cell.activity_id, cell.state, cell.signature = found["pk"], found["status"], found["is_signature"]
            row.cells.append(cell)
            if cell.required:
                row.required_total += 1
                if found:
                    row.required_adopted += 1
                    row.required_done += found["status"] == Status.DONE
        for a in activities:
            if a["department_id"] != department.pk:
                continue
            row.adopted += 1
            row.done += a["status"] == Status.DONE
            row.behind += a["status"] == Status.BEHIND
            row.own += a["menu_item_id"] is None
            row.signature += bool(a["is_signature"]) and a["status"] != Status.CANCELLED
        row.overdue_milestones = overdue.get(department.pk, {}).get("n", 0)
        row.evidence = evidence.get(department.pk, {}).get("n", 0) + files.get(department.pk, {}).get("n", 0)
        row.last_report = reports.get(department.pk, {}).get("last")
        rows.append(row)
    rows.sort(key=lambda r: r.lag)
    return items, rows


# --- Participation (党团工会) -----------------------------------------------------------------------------

GROUPS = StaffAffiliation.GROUPS


def _participation_counts(key: str, campaign: Campaign, department_ids=None) -> dict[int, dict]:
    through = ProgressReport.participants.through
    qs = through.objects.filter(progressreport__activity__campaign=campaign)
    if department_ids is not None:
        qs = qs.filter(progressreport__activity__department_id__in=department_ids)
    aggregates = {"total": Count("staff_id", distinct=True)}
    for group in GROUPS:
        aggregates[group] = Count("staff_id", distinct=True, filter=Q(**{f"staff__campaign_affiliation__{group}": True}))
    return {row[key]: row for row in qs.values(key).annotate(**aggregates).order_by()}


def participation(campaign: Campaign, departments) -> tuple[list[dict], list[dict]]:
    """How many staff took part in the campaign's activities (distinct people, from the reports' participants),
    and of them how many party members, league members, union members and cadres: per department and per
    activity. Three queries. Counts only: no name or attribute of a person leaves this function."""
    departments = list(departments)
    ids = [d.pk for d in departments]
    per_department = _participation_counts("progressreport__activity__department_id", campaign, ids)
    per_activity = _participation_counts("progressreport__activity_id", campaign, ids)
    empty = dict.fromkeys(("total", *GROUPS), 0)
    department_rows = [{"department": d, **{k: per_department.get(d.pk, empty)[k] for k in empty}} for d in departments]
    activities = {a.pk: a for a in DepartmentActivity.objects.filter(pk__in=list(per_activity)).select_related("department", "menu_item")}
    activity_rows = sorted(
        ({"activity": activities[pk], **{k: row[k] for k in empty}} for pk, row in per_activity.items() if pk in activities),
        key=lambda r: (r["activity"].department.sort_order, r["activity"].department_id, r["activity"].pk))
    return department_rows, activity_rows
