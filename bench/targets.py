#!/usr/bin/env python
"""Print, as JSON, what bench/run.py loads: the public forms with a valid POST body, the success
patterns, the staff pages (one path per key), who signs in for each page, and the demo password.

Run under Django with the bench environment: ``python bench/targets.py``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._django import setup

PASSWORD = "demo-2026"
HEAD, SUPERVISOR = "head_wuye", "supervisor"


def compute() -> dict:
    from django.urls import reverse

    from qualityservice.org.models import Department, Place

    out: dict = {"password": PASSWORD, "ceiling": "/_bench/ceiling/", "pages": {}, "page_users": {}}
    wuye = Department.objects.get(code="wuye")
    place = Place.objects.filter(is_active=True, department=wuye).order_by("pk").first()

    # --- Feedback: the public form (anonymous complaint, honeypot left empty) ---
    try:
        from qualityservice.feedback.models import Feedback, PublishedFigure  # noqa: F401
    except ImportError:
        Feedback = None
    if Feedback is not None:
        out["feedback_form"] = reverse("feedback:new")
        out["feedback_fields"] = {
            "kind": "complaint", "department": str(wuye.pk), "place": str(place.pk) if place else "",
            "category": "", "title": "楼道灯不亮", "body": "三号楼二楼楼道灯坏了好几天，晚上很黑，希望尽快修理。",
            "anonymous": "on", "name": "", "contact": "", "website": "",
        }
        out["feedback_success"] = r"/feedback/t/[A-Z0-9]{6,16}/\?new=1"
        out["pages"]["feedback_inbox_head"] = reverse("feedback:inbox") + "?status=open&kind=complaint"
        out["page_users"]["feedback_inbox_head"] = HEAD
        out["pages"]["feedback_inbox_supervisor"] = reverse("feedback:inbox") + "?status=open"
        out["page_users"]["feedback_inbox_supervisor"] = SUPERVISOR
        # A record with a full timeline (accepted, started, replied, called back, closed) of the head's
        # department — the lowest such id, so that every data size shows the same record.
        item = (Feedback.objects.filter(department=wuye, status="closed", anonymous=False, callbacks__isnull=False)
                .order_by("pk").values_list("pk", flat=True).first()
                or Feedback.objects.filter(department=wuye).order_by("pk").values_list("pk", flat=True).first())
        if item:
            out["pages"]["feedback_detail"] = reverse("feedback:detail", args=[item])
            out["page_users"]["feedback_detail"] = HEAD
        out["pages"]["feedback_public_figures"] = reverse("feedback:public_figures")

    # --- Surveys: the bench survey answered in one POST (GET /s/<code>/, POST /s/<code>/submit/) ---
    try:
        from qualityservice.surveys.scale import bench_survey
    except ImportError:
        bench_survey = None
    if bench_survey is not None:
        survey = bench_survey()
        fields = {"respondent_type": "student", "lang": "zh-hans", "t": ""}
        for q in survey.questions.prefetch_related("options"):
            options = [o.value for o in q.options.all()]
            if q.kind == "rating":
                fields[f"q{q.pk}"] = "4"
            elif q.kind == "nps":
                fields[f"q{q.pk}"] = "8"
            elif q.kind == "single":
                fields[f"q{q.pk}"] = str(options[0])
            elif q.kind == "multiple":
                fields[f"q{q.pk}"] = [str(options[0])]
            elif q.kind == "matrix":
                for v in options:
                    fields[f"q{q.pk}_{v}"] = "4"
            elif q.kind == "text":
                fields[f"q{q.pk}"] = "希望食堂增加夜宵窗口。"
        out["survey_form"] = reverse("surveys:start", args=[survey.public_code])
        out["survey_post"] = reverse("surveys:submit", args=[survey.public_code])
        out["survey_fields"] = fields
        out["survey_success"] = reverse("surveys:thanks", args=[survey.public_code])
        out["survey_id"] = survey.pk
        out["pages"]["survey_results"] = reverse("surveys:results", args=[survey.pk])
        out["page_users"]["survey_results"] = SUPERVISOR

    # --- Evaluation: the dashboards, reading only the indicator registry (this year; a department's beside last year) ---
    from django.apps import apps

    if apps.is_installed("qualityservice.evaluation"):
        out["pages"]["evaluation_dashboard"] = reverse("evaluation:dashboard")
        out["page_users"]["evaluation_dashboard"] = SUPERVISOR
        out["pages"]["evaluation_department_dashboard"] = reverse("evaluation:department_dashboard", args=[wuye.pk])
        out["page_users"]["evaluation_department_dashboard"] = HEAD
    return out


if __name__ == "__main__":
    setup()
    print(json.dumps(compute(), ensure_ascii=False))
