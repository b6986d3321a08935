"""Load demo data: every installed app with a ``demo`` module contributes, in app order.

Each app's ``demo.seed(out, rng)`` must be idempotent: running it twice changes nothing. A ``seed`` that
creates sign-in accounts returns them as {username: (role, who)}, and its module names their password
``DEMO_PASSWORD``; they are printed at the end (org's today)."""

import random

from django.core.management.base import BaseCommand
from django.db import transaction

from qualityservice.core.registry import app_modules


class Command(BaseCommand):
    help = "Load realistic demo data (idempotent) and print the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="random seed")

    def handle(self, *args, seed: int, **options):
        accounts = []  # (password, {username: (role, who)}) per app that made accounts
        for config, module in app_modules("demo"):
            with transaction.atomic():
                result = module.seed(self.stdout, random.Random(seed))
            if isinstance(result, dict) and result:
                accounts.append((getattr(module, "DEMO_PASSWORD", ""), result))
            self.stdout.write(f"demo data: {config.label} ready")
        for password, made in accounts:
            self.stdout.write("")
            self.stdout.write(f"Demo accounts (password for all: {password})")
            for username, (role, who) in made.items():
                self.stdout.write(f"  {username:<14} {role:<10} {who}")
