# Ships the survey templates (annual logistics satisfaction survey, SERVQUAL, NPS) with every install.
from django.db import migrations


def install(apps, schema_editor):
    from qualityservice.surveys.templates_data import install_templates

    install_templates(apps)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
