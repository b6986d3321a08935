"""Load demo data: every installed app with a ``demo`` module contributes, in app order.

Each app's ``demo.seed(out, rng)`` must be idempotent: running it twice changes nothing.
``org.demo.seed`` returns the demo accounts, printed at the end."""

import random

from django.core.management.base import BaseCommand
from django.db import transaction

from qualityservice.core.registry import app_modules


class Command(BaseCommand):
    help = "Load realistic demo data (idempotent) and print the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="random seed")

    def handle(self, *args, seed: int, **options):
        accounts = {}
        for config, module in app_modules("demo"):
            with transaction.atomic():
                result = module.seed(self.stdout, random.Random(seed))
            if config.label == "org" and result:
                accounts = result
            self.stdout.write(f"demo data: {config.label} ready")
        from qualityservice.org.demo import DEMO_PASSWORD

        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD})")
        for username, (role, who) in accounts.items():
            self.stdout.write(f"  {username:<14} {role:<10} {who}")
