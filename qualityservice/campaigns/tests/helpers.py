"""Helpers for the campaigns tests: a running campaign of the current year with a small menu, activities,
images and documents."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from qualityservice.campaigns import services
from qualityservice.campaigns.models import Campaign, DepartmentActivity
from qualityservice.campaigns.workflows import CAMPAIGN


def today() -> dt.date:
    return timezone.localdate()


def period_around(day: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """A campaign period containing ``day`` and starting in its year (long enough for every test's dates)."""
    day = day or today()
    return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)


def make_campaign(org, *, year: int | None = None, launch: bool = True, key: str | None = None, **fields) -> Campaign:
    """A campaign covering today with three menu items: 三(二) required for every centre (inspections,
    standards, feedback), 三(八) required for the property centre (surveys), 三(三) optional (events)."""
    starts, ends = period_around()
    if year is not None and year != starts.year:
        starts, ends = dt.date(year, 3, 1), dt.date(year, 12, 31)
    data = {"name": "优质服务年", "name_en": "Quality Service Year", "year": starts.year, "theme": "服务永远第一",
            "theme_en": "Service always comes first", "starts_on": starts, "ends_on": ends, "slogans": "服务永远第一\n师生为本",
            "slogans_en": "Service first\nPeople first", "signature_limit": 1}
    data.update(fields)
    milestones = data.pop("milestones", [(dt.date(data["year"], 9, 15), "经验交流会", "Exchange conference")])
    campaign, _created = services.create_campaign(key=key, by=org.supervisor, milestones=milestones, **data)
    services.add_menu_item(campaign, key=None, by=org.supervisor, code="三(二)", title="六查六看自查自改", title_en="Six checks",
                           description="各部门开展“六查六看”工作。", kind="required", carriers=["inspections", "standards", "feedback"],
                           sort_order=20)
    services.add_menu_item(campaign, key=None, by=org.supervisor, code="三(八)", title="问卷调查", title_en="Survey",
                           description="开展问卷调查活动。", kind="required", carriers=["surveys"], sort_order=80, required_for=[org.wuye])
    services.add_menu_item(campaign, key=None, by=org.supervisor, code="三(三)", title="走进后勤", title_en="Open days",
                           description="组织师生代表参观后勤设施。", kind="optional", carriers=["events"], sort_order=30)
    if launch:
        CAMPAIGN.apply(campaign, "launch", by=org.supervisor)
    campaign.refresh_from_db()
    return campaign


def item(campaign: Campaign, code: str):
    return campaign.menu.get(code=code)


def activity(campaign: Campaign, department, code: str) -> DepartmentActivity:
    return DepartmentActivity.objects.get(campaign=campaign, department=department, menu_item__code=code)


def jpeg(name="photo.jpg", size=(64, 48), exif=False) -> SimpleUploadedFile:
    img = Image.new("RGB", size, (200, 80, 40))
    buf = io.BytesIO()
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"
        data[0x8825] = {1: "N", 2: (36.0, 4.0, 0.0)}
        kwargs["exif"] = data
    img.save(buf, format="JPEG", **kwargs)
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def pdf(name="summary.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")


def docx(name="plan.docx") -> SimpleUploadedFile:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
