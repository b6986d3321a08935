"""Shared by the training tests: sessions made through the service, workbooks built in memory."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from qualityservice.training import services
from qualityservice.training.models import Level

HEADERS = ["部门", "日期", "主题", "主题（英文）", "学时", "培训人", "层级", "参训人员工号", "备注"]


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def make_session(org, *, department=None, attendees=None, topic="消防安全培训", hours="2", level=Level.FRONTLINE,
                 day=None, by=None, topic_en=""):
    department = department or org.wuye
    if attendees is None:
        attendees = [org.staff_wuye.staff] if department == org.wuye else [org.staff_yinshi.staff]
    session, _created = services.create_session(
        key=None, by=by or org.supervisor, department=department, topic=topic, topic_en=topic_en, date=day or days_ago(3),
        hours=Decimal(hours), trainer="张教官", level=level, attendees=attendees)
    return session


def workbook(rows, headers=HEADERS, name="培训.xlsx") -> SimpleUploadedFile:
    """A real .xlsx upload: the header row, then ``rows``."""
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def xlsx_rows(response) -> list[tuple]:
    """The first sheet of a streamed Excel response, as rows of values."""
    data = b"".join(response.streaming_content)
    return [tuple(r) for r in load_workbook(io.BytesIO(data), read_only=True).worksheets[0].iter_rows(values_only=True)]


def xlsx_text(response) -> str:
    return " ".join(str(v) for row in xlsx_rows(response) for v in row if v is not None)
