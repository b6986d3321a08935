"""Shared by the standards tests: procedures and versions made through the services, real PDF and Office files
built in memory."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qualityservice.standards import services

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def office(kind: str = "docx") -> bytes:
    """A minimal Office Open XML archive of the kind's part (word/, xl/, ppt/)."""
    part = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}[kind]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<document/>")
    return buf.getvalue()


def upload(name: str, data: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def make_procedure(org, *, department=None, number="WY-CZ-001", title="公共区域保洁操作规程", text="1. 每日清扫两次。",
                   file=None, by=None, effective=None, version="V1.0", title_en=""):
    procedure, _created = services.create_procedure(
        key=None, by=by or org.head_wuye, department=department or org.wuye, number=number, version=version, title=title,
        title_en=title_en, effective_date=effective or days_ago(30), text=text, text_en="", change_note="", file=file)
    return procedure


def new_version(org, procedure, *, version="V2.0", text="1. 每日清扫两次，拖洗一次。", file=None, by=None, effective=None,
                change_note="", title=None):
    version, _created = services.record_version(
        procedure, key=None, by=by or org.head_wuye, version=version, title=title or procedure.title, title_en=procedure.title_en,
        effective_date=effective or days_ago(1), text=text, text_en="", change_note=change_note, file=file)
    return version


def xlsx_rows(response) -> list[tuple]:
    """The first sheet of a streamed Excel response, as rows of values."""
    from openpyxl import load_workbook

    data = b"".join(response.streaming_content)
    return [tuple(r) for r in load_workbook(io.BytesIO(data), read_only=True).worksheets[0].iter_rows(values_only=True)]


def xlsx_text(response) -> str:
    return " ".join(str(v) for row in xlsx_rows(response) for v in row if v is not None)
