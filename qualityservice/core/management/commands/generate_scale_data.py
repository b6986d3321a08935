"""Bulk-generate realistic data for benchmarks: ``manage.py generate_scale_data --feedback N --responses M``.

Every installed app with a ``scale`` module contributes ``generate(out, rng, counts)`` where ``counts`` is
the dict of the options below; counts are *additional* rows (run it again to grow the data). The org
demo data is loaded first if the database has none."""

import random
import time

from django.core.management.base import BaseCommand

from qualityservice.core.registry import app_modules


class Command(BaseCommand):
    help = "Bulk-generate benchmark data (feedback with timelines, survey responses, inspections, staff)."

    def add_arguments(self, parser):
        parser.add_argument("--feedback", type=int, default=0, help="feedback records to add")
        parser.add_argument("--responses", type=int, default=0, help="survey answers to add (about 10 per response)")
        parser.add_argument("--inspections", type=int, default=0, help="inspections to add")
        parser.add_argument("--staff", type=int, default=0, help="staff to add")
        parser.add_argument("--seed", type=int, default=None)

    def handle(self, *args, **options):
        rng = random.Random(options["seed"])
        counts = {k: options[k] for k in ("feedback", "responses", "inspections", "staff")}
        from qualityservice.org.models import Department

        if not Department.objects.exists():
            from qualityservice.org import demo

            demo.seed(self.stdout, random.Random(2026))
        for config, module in app_modules("scale"):
            start = time.perf_counter()
            module.generate(self.stdout, rng, counts)
            self.stdout.write(f"scale data: {config.label} in {time.perf_counter() - start:.1f}s")
