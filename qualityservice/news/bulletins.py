"""The work bulletin 《工作简报》: the month's figures from the indicator registry (never another app's tables),
each with its definition (口径) and period, per centre; frozen into the issue when it is published; PDF and Word."""

from __future__ import annotations

import io

from django.db import IntegrityError
from django.utils import translation
from django.utils.translation import pgettext

from qualityservice.core import indicators
from qualityservice.core.documents import render_pdf
from qualityservice.core.submissions import create_once, scoped
from qualityservice.core.workflow import TransitionError
from qualityservice.org.models import Department

from .models import Bulletin


def live_figures(bulletin: Bulletin) -> list[dict]:
    """Every registered indicator for the issue's month and every centre, as plain values (what is frozen)."""
    period = indicators.Period.month(bulletin.year, bulletin.month)
    departments = list(Department.objects.centres())
    table = indicators.values(None, [d.pk for d in departments], period)
    with translation.override("zh-hans"):
        rows = []
        for indicator, values in table.rows():
            rows.append({
                "key": indicator.key, "label": str(indicator.label), "definition": str(indicator.definition),
                "unit": str(indicator.unit), "period": str(period.label),
                "values": [[d.name, indicator.display(v)] for d, v in zip(departments, values, strict=True)],
            })
    return rows


def figures(bulletin: Bulletin) -> list[dict]:
    """The frozen figures of a published issue; a draft's live ones."""
    return bulletin.figures if bulletin.status == Bulletin.Status.PUBLISHED else live_figures(bulletin)


def create_bulletin(*, key, by, **fields) -> tuple[Bulletin, bool]:
    return create_once(Bulletin, scoped("news-bulletin", key),
                       lambda stored: Bulletin.objects.create(submission_key=stored, created_by=by, **fields))


PUBLISH_ATTEMPTS = 3


def publish_bulletin(bulletin: Bulletin, *, by, system: bool = False) -> Bulletin:
    """Publish an issue (``workflows.BULLETIN``): the next number of its year under the year's lock, the figures
    frozen. The lock makes a collision impossible among publications through this code; should the unique
    constraint still refuse the number (a row written around it), the move is rolled back and taken again with a
    fresh number, and after ``PUBLISH_ATTEMPTS`` the user reads a message (a ``TransitionError``), never a 500."""
    from .workflows import BULLETIN

    for _attempt in range(PUBLISH_ATTEMPTS):
        try:
            return BULLETIN.apply(bulletin, "publish", by=by, system=system)
        except IntegrityError:
            continue
    raise TransitionError(pgettext("bulletin", "The issue could not be numbered just now: please publish it again."))


def issue_label(bulletin: Bulletin) -> str:
    if bulletin.number is None:
        return pgettext("bulletin", "Draft issue")
    return pgettext("bulletin", "%(year)s, issue %(number)s") % {"year": bulletin.year, "number": bulletin.number}


def pdf(bulletin: Bulletin, *, public: bool = False) -> bytes:
    """The issue as PDF; ``public=True`` for the public archive: only the figures the public board may show
    (``board.public_figures``)."""
    from .board import public_figures

    shown = public_figures(figures(bulletin)) if public else figures(bulletin)
    return render_pdf("news/bulletin_pdf.html", {"bulletin": bulletin, "figures": shown, "issue": issue_label(bulletin)})


def docx(bulletin: Bulletin) -> bytes:
    from docx import Document

    doc = Document()
    doc.add_heading(bulletin.title, level=0)
    doc.add_paragraph(f"{issue_label(bulletin)}　{bulletin.unit}")
    for heading, lines in bulletin.sections_list:
        if heading:
            doc.add_heading(heading, level=1)
        for line in lines:
            doc.add_paragraph(line)
    for row in figures(bulletin):
        doc.add_heading(f"{row['label']}（{row['period']}）", level=2)
        doc.add_paragraph(row["definition"])
        table = doc.add_table(rows=0, cols=2)
        for name, value in row["values"]:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = name, f"{value} {row['unit']}"
    doc.add_paragraph(pgettext("bulletin", "Sent to: %(list)s") % {"list": bulletin.report_to})
    doc.add_paragraph(pgettext("bulletin", "Copied to: %(list)s") % {"list": bulletin.copy_to})
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
