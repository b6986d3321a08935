"""Bulk-generate realistic data for benchmarks: ``manage.py generate_scale_data --feedback N --responses M``.

Every installed app with a ``scale`` module contributes ``generate(out, rng, counts)`` and names the counts
it takes in ``COUNTS`` ({option: help}), each an option of this command; ``counts`` holds every option's value,
and counts are *additional* rows (run it again to grow the data). The apps run
in ``INSTALLED_APPS`` order, so org's ``scale`` (which loads the organisation's demo data into an empty
database) runs before the apps that need departments."""

import random
import time

from django.core.management.base import BaseCommand

from qualityservice.core.registry import app_modules


def counted() -> dict[str, str]:
    """Every count an app's ``scale`` module offers (its ``COUNTS``: option name -> help)."""
    names: dict[str, str] = {}
    for _config, module in app_modules("scale"):
        names.update(getattr(module, "COUNTS", {}))
    return names


class Command(BaseCommand):
    help = "Bulk-generate benchmark data (feedback with timelines, survey responses, inspections, staff)."

    def add_arguments(self, parser):
        for name, help_text in counted().items():
            parser.add_argument(f"--{name}", type=int, default=0, help=help_text)
        parser.add_argument("--seed", type=int, default=None)

    def handle(self, *args, **options):
        rng = random.Random(options["seed"])
        counts = {name: options[name] for name in counted()}
        for config, module in app_modules("scale"):
            start = time.perf_counter()
            module.generate(self.stdout, rng, counts)
            self.stdout.write(f"scale data: {config.label} in {time.perf_counter() - start:.1f}s")
