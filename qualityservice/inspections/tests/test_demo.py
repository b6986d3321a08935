"""Demo data: a year of inspections with failures and rectifications; a second run adds nothing."""

import random

import pytest
from django.utils import timezone

from qualityservice.inspections import demo
from qualityservice.inspections.models import DiscussionRecord, Finding, Inspection, SectionScore

pytestmark = pytest.mark.django_db


def test_it_seeds_a_year_of_inspections_once(org):
    demo.seed(None, random.Random(2026))
    counts = (Inspection.objects.count(), Finding.objects.count(), DiscussionRecord.objects.count(), SectionScore.objects.count())
    demo.seed(None, random.Random(2026))
    assert (Inspection.objects.count(), Finding.objects.count(), DiscussionRecord.objects.count(), SectionScore.objects.count()) == counts
    submitted = Inspection.objects.submitted()
    first, last = submitted.order_by("submitted_at").first(), submitted.order_by("submitted_at").last()
    assert (last.submitted_at - first.submitted_at).days > 300
    assert Finding.objects.filter(status=Finding.Status.ACCEPTED).exists()
    assert Finding.objects.filter(created_at__lt=timezone.now() - timezone.timedelta(days=180)).exists()
    assert set(Inspection.objects.values_list("kind", flat=True)) == {"self", "spot", "unannounced", "visit"}
