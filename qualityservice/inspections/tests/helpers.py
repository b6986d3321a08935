"""Helpers for the inspections tests: inspections built on the seeded templates, images, answers."""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from qualityservice.inspections import services
from qualityservice.inspections.checklists import install
from qualityservice.inspections.models import ChecklistItem, ChecklistSection, ChecklistTemplate, Inspection, Kind, Result


def six_checks() -> ChecklistTemplate:
    """The seeded template (re-installed when a transactional test flushed the migration's data)."""
    install(ChecklistTemplate, ChecklistSection, ChecklistItem)
    return ChecklistTemplate.objects.get(code="six-checks")


def make_inspection(department, *, kind=Kind.SELF, template=None, inspector=None, **fields) -> Inspection:
    template = template if template is not None else six_checks()
    return Inspection.objects.create(
        kind=kind, template=template, department=department, title=fields.pop("title", "六查六看自查"),
        due_date=fields.pop("due_date", timezone.localdate()), inspector=inspector,
        pass_mark=template.pass_mark if template else Decimal("80"), **fields,
    )


def items_of(template) -> list[ChecklistItem]:
    return list(ChecklistItem.objects.filter(section__template=template).select_related("section").order_by("section__order", "order", "pk"))


def jpeg_upload(name="photo.jpg", size=(64, 48), exif_gps=False) -> SimpleUploadedFile:
    img = Image.new("RGB", size, (200, 80, 40))
    buf = io.BytesIO()
    kwargs = {}
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x8825] = {1: "N", 2: (36.0, 4.0, 0.0)}  # GPS
        kwargs["exif"] = exif
    img.save(buf, format="JPEG", **kwargs)
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def answer_all(inspection, user, *, fail=(), na=(), photo_for_fails=True):
    """Answer every item: pass (or full score), except items in ``fail`` (note + photo) and ``na``."""
    for item in items_of(inspection.template):
        if item.pk in na:
            services.save_answer(inspection, item, result=Result.NA, score=None, note="", user=user)
        elif item.pk in fail:
            photos = [jpeg_upload()] if (photo_for_fails and item.photo_on_fail) else []
            if item.is_scored:
                services.save_answer(inspection, item, result=Result.SCORE, score=Decimal("1"), note="不达标", photos=photos, user=user)
            else:
                services.save_answer(inspection, item, result=Result.FAIL, score=None, note="不达标", photos=photos, user=user)
        elif item.is_scored:
            services.save_answer(inspection, item, result=Result.SCORE, score=Decimal(item.max_score), note="", user=user)
        else:
            services.save_answer(inspection, item, result=Result.PASS, score=None, note="", user=user)
