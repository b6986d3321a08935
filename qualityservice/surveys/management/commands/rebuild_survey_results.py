"""Recompute the stored result counters of surveys from their answers:
``manage.py rebuild_survey_results [--survey ID ...] [--stale]``."""

import time

from django.core.management.base import BaseCommand

from qualityservice.surveys import counters
from qualityservice.surveys.models import Survey


class Command(BaseCommand):
    help = "Recompute the stored result counters of surveys (all, the given ids, or only those whose total is off)."

    def add_arguments(self, parser):
        parser.add_argument("--survey", type=int, action="append", help="survey id (repeatable); default: every survey")
        parser.add_argument("--stale", action="store_true", help="only surveys whose stored total differs from their responses")

    def handle(self, *args, **options):
        if options["stale"]:
            surveys = counters.stale_result_surveys()
        else:
            surveys = Survey.objects.surveys().order_by("pk")
            if options["survey"]:
                surveys = surveys.filter(pk__in=options["survey"])
        for survey in surveys:
            started = time.perf_counter()
            counters.rebuild_results(survey)
            self.stdout.write(f"survey #{survey.pk}: rebuilt in {time.perf_counter() - started:.2f}s")
