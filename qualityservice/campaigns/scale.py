"""Scale data for benchmarks (``manage.py generate_scale_data --campaign_activities N``): one closed campaign of
its own year with a menu of ten items (more when the centres are too few for N), N department activities over
the centres in every status, each with two milestones, a report and a piece of evidence — the board's
"departments × activities" at volume. Bulk-created in their final state; ``pagecache.changed`` because
``bulk_create`` sends no signal."""

from __future__ import annotations

import datetime as dt
import math

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from qualityservice.core import pagecache
from qualityservice.org.models import Department

from .models import ActivityMilestone, Campaign, DepartmentActivity, Evidence, MenuItem, ProgressReport

COUNTS = {"campaign_activities": "campaign department activities to add (one campaign's board)"}
BATCH = 2000


def generate(out, rng, counts) -> None:
    n = counts.get("campaign_activities", 0)
    centres = list(Department.objects.centres())
    if n <= 0 or not centres:
        return
    year = max([2030, *Campaign.objects.values_list("year", flat=True)]) + 1
    items_needed = max(10, math.ceil(n / len(centres)))
    S = DepartmentActivity.Status
    with transaction.atomic():
        campaign = Campaign.objects.create(name=f"规模测试 {year}", year=year, theme="规模测试", starts_on=dt.date(year, 3, 1),
                                           ends_on=dt.date(year, 12, 31), status=Campaign.Status.CLOSED)
        items = MenuItem.objects.bulk_create([
            MenuItem(campaign=campaign, code=f"S{i + 1:03d}", title=f"规模活动 {i + 1}", kind=MenuItem.Kind.REQUIRED if i < 3 else MenuItem.Kind.OPTIONAL,
                     carriers=["inspections"] if i == 1 else [], sort_order=i) for i in range(items_needed)])
        pairs = [(d, item) for item in items for d in centres][:n]
        activities = DepartmentActivity.objects.bulk_create([
            DepartmentActivity(campaign=campaign, department=d, menu_item=item, is_required=item.kind == MenuItem.Kind.REQUIRED,
                               status=rng.choice(S.values), is_signature=rng.random() < 0.1,
                               starts_on=dt.date(year, 3, 1) + dt.timedelta(days=rng.randint(0, 60)),
                               ends_on=dt.date(year, 9, 1) + dt.timedelta(days=rng.randint(0, 100)))
            for d, item in pairs], batch_size=BATCH)
        ActivityMilestone.objects.bulk_create([
            ActivityMilestone(activity=a, title=f"节点 {k + 1}", due_on=a.starts_on + dt.timedelta(days=30 * (k + 1)),
                              done_on=a.starts_on + dt.timedelta(days=30 * (k + 1)) if rng.random() < 0.6 else None)
            for a in activities for k in range(2)], batch_size=BATCH)
        reports = ProgressReport.objects.bulk_create([
            ProgressReport(activity=a, reported_on=a.starts_on + dt.timedelta(days=20), note="按计划推进") for a in activities],
            batch_size=BATCH)
        content_type = ContentType.objects.get_for_model(ProgressReport)
        Evidence.objects.bulk_create([
            Evidence(activity=r.activity, carrier="inspections", content_type=content_type, object_id=r.pk, title="规模佐证",
                     occurred_on=r.reported_on) for r in reports], batch_size=BATCH)
        pagecache.changed(Campaign, MenuItem, DepartmentActivity, Evidence)
    out.write(f"campaigns: {len(activities)} department activities in the campaign {campaign.name}")
