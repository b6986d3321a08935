"""What the surveys app offers other code beyond its pages: the campaign evidence of a closed survey."""

from __future__ import annotations

from django.utils import timezone

from qualityservice.core.registry import optional_function

from .models import Question, Survey


def record_campaign_evidence(survey: Survey) -> int:
    """A closed survey documents the campaign activity carried by surveys (三(八) 问卷调查) of every department
    its questions rate: ``campaigns.services.record_evidence``, idempotent by the survey (a survey closed,
    reopened and closed again is one piece of evidence per department). Called in the closing move's
    transaction; nothing when the campaigns app is absent. Returns how many evidence rows were written."""
    record = optional_function("qualityservice.campaigns", "services", "record_evidence")
    if record is None or survey.is_template:
        return 0
    departments = (Question.objects.filter(survey=survey, department__isnull=False)
                   .values_list("department_id", flat=True).distinct().order_by())
    day = timezone.localdate(survey.closes_at) if survey.closes_at and survey.closes_at <= timezone.now() else timezone.localdate()
    written = 0
    for department_id in departments:
        written += len(record(department_id=department_id, carrier="surveys", source=survey, title=f"问卷调查：{survey.title}",
                              title_en=f"Survey: {survey.title_en or survey.title}", url=survey.get_absolute_url(),
                              occurred_on=day, public=False))
    return written
