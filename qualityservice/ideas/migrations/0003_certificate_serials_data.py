"""Certificates awarded before the platform's certificate service had numbers of their own (``JDZ2026-03-0001``),
which the service's verification page ``/c/<serial>/`` does not accept. Each gets a serial in the service's format
(``JDZ-<year of the award>-<10 random characters>``); its printed number is kept in ``legacy_serial`` (shown on the
verification page) and its QR link ``/ideas/certificates/<code>/`` keeps working (it leads to ``/c/<serial>/``).
Going back restores the printed numbers."""

import re
import secrets

from django.db import migrations

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # core.certificates' alphabet, frozen here
SERVICE_FORMAT = re.compile(r"^JDZ-\d{4}-[0-9A-Z]{10}$")


def forwards(apps, schema_editor):
    Idea = apps.get_model("ideas", "Idea")
    taken = set(Idea.objects.exclude(certificate_serial=None).values_list("certificate_serial", flat=True))
    for idea in Idea.objects.exclude(certificate_serial=None).exclude(certificate_serial="").order_by("pk"):
        if SERVICE_FORMAT.match(idea.certificate_serial):
            continue
        year = idea.awarded_at.year if idea.awarded_at else int(idea.certificate_serial[3:7])
        while True:
            serial = f"JDZ-{year:04d}-" + "".join(secrets.choice(ALPHABET) for _ in range(10))
            if serial not in taken:
                break
        taken.add(serial)
        Idea.objects.filter(pk=idea.pk).update(legacy_serial=idea.certificate_serial, certificate_serial=serial)


def backwards(apps, schema_editor):
    Idea = apps.get_model("ideas", "Idea")
    for idea in Idea.objects.exclude(legacy_serial=""):
        Idea.objects.filter(pk=idea.pk).update(certificate_serial=idea.legacy_serial, legacy_serial="")


class Migration(migrations.Migration):
    dependencies = [("ideas", "0002_certificate_service_serials")]

    operations = [migrations.RunPython(forwards, backwards)]
