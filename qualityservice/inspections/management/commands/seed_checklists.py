from django.core.management.base import BaseCommand

from qualityservice.inspections.checklists import install
from qualityservice.inspections.models import ChecklistItem, ChecklistSection, ChecklistTemplate


class Command(BaseCommand):
    help = "Install the seeded checklist templates (六查六看, kitchen hygiene, dormitory) that are missing."

    def handle(self, *args, **options):
        created = install(ChecklistTemplate, ChecklistSection, ChecklistItem)
        self.stdout.write(f"checklist templates created: {created}")
