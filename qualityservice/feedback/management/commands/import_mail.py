"""Import .eml files into the complaint mailbox: ``manage.py import_mail FILE.eml…``"""

from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qualityservice.feedback.mailbox import import_file


class Command(BaseCommand):
    help = ("Import e-mail messages (.eml files) as feedback; each Message-ID is imported once. A message that "
            "cannot be read is recorded as rejected and the others go on; the last line sums up.")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help=".eml files")

    def handle(self, *args, files, **options):
        counts = Counter()
        for name in files:
            path = Path(name)
            if not path.is_file():
                self.stderr.write(f"{name}: no such file")
                counts["failed"] += 1
                continue
            try:
                outcome = import_file(path)
            except Exception as exc:  # the database is away, the file cannot be read: not the message's fault
                self.stderr.write(f"{name}: failed ({type(exc).__name__}: {exc})")
                counts["failed"] += 1
                continue
            counts[outcome.outcome] += 1
            if outcome.feedback is not None:
                detail = f" -> {outcome.feedback.code}"
            else:
                detail = f" ({outcome.reason})" if outcome.reason else ""
            self.stdout.write(f"{name}: {outcome.outcome}{detail}")
        summary = (f"imported {counts['imported']}, replies {counts['reply']}, "
                   f"skipped {counts['skipped'] + counts['duplicate']}, rejected {counts['rejected']}")
        if counts["failed"]:
            raise CommandError(f"{summary}, failed {counts['failed']}")
        self.stdout.write(summary)
