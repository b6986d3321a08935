from django.core.management.base import BaseCommand

from qualityservice.surveys.templates_data import install_templates


class Command(BaseCommand):
    help = "Install the shipped survey templates (annual satisfaction survey, SERVQUAL, NPS); idempotent."

    def handle(self, *args, **options):
        created = install_templates()
        self.stdout.write(f"survey templates: {created} created")
