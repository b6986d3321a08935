"""Seed the checklist templates (六查六看, kitchen hygiene, dormitory) so a fresh install has them."""

from django.db import migrations


def seed(apps, schema_editor):
    from qualityservice.inspections.checklists import install

    install(
        apps.get_model("inspections", "ChecklistTemplate"),
        apps.get_model("inspections", "ChecklistSection"),
        apps.get_model("inspections", "ChecklistItem"),
    )


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
