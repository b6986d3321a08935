"""Import .eml files into the complaint mailbox: ``manage.py import_mail FILE.eml…``"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qualityservice.feedback.mailbox import import_message


class Command(BaseCommand):
    help = "Import e-mail messages (.eml files) as feedback; each Message-ID is imported once."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help=".eml files")

    def handle(self, *args, files, **options):
        for name in files:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"{name}: no such file")
            outcome = import_message(path.read_bytes())
            detail = f" -> {outcome.feedback.code}" if outcome.feedback is not None else (f" ({outcome.reason})" if outcome.reason else "")
            self.stdout.write(f"{name}: {outcome.outcome}{detail}")
