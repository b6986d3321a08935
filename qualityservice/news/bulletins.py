"""The work bulletin 《工作简报》: the month's figures from the indicator registry (never another app's tables),
each with its definition (口径) and period, per centre; frozen into the issue when it is published; PDF and Word.

"Assemble a draft" (``assemble``) writes the month's new service stars, adopted ideas and events held into the
draft's sections as editable blocks, read through the typed functions those apps offer
(``<app>.highlights``, found with ``core.registry.optional_function``: an app that is not installed gives no block)."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import formats, timezone, translation
from django.utils.translation import pgettext, pgettext_lazy

from qualityservice.core import indicators
from qualityservice.core.documents import render_pdf
from qualityservice.core.registry import optional_function
from qualityservice.core.submissions import create_once, scoped
from qualityservice.core.workflow import TransitionError
from qualityservice.org.models import Department

from .models import Article, Bulletin, BulletinArticle


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


def _star(star) -> str:
    return pgettext("bulletin", "%(name)s (%(department)s): %(kind)s, %(round)s") % {
        "name": star.name, "department": star.department, "kind": star.kind, "round": star.round_title}


def _idea(idea) -> str:
    if idea.verified_yuan:
        return pgettext("bulletin", "%(title)s (%(department)s, %(category)s; verified saving %(yuan)s yuan a year)") % {
            "title": idea.title, "department": idea.department, "category": idea.category,
            "yuan": formats.number_format(idea.verified_yuan, 2, force_grouping=True)}
    return pgettext("bulletin", "%(title)s (%(department)s, %(category)s)") % {
        "title": idea.title, "department": idea.department, "category": idea.category}


def _event(event) -> str:
    return pgettext("bulletin", "%(day)s %(title)s (%(kind)s, %(department)s; %(n)s people attended)") % {
        "day": formats.date_format(event.held_on, "MONTH_DAY_FORMAT"), "title": event.title, "kind": event.kind,
        "department": event.department, "n": event.attendance}


@dataclass(frozen=True)
class Source:
    """One assembled block: the heading it is written under and the typed function of the app it comes from."""

    heading: str  # lazy translation
    app: str
    function: str
    line: Callable


SOURCES = (
    Source(pgettext_lazy("bulletin", "New service stars"), "qualityservice.recognition", "stars_named", _star),
    Source(pgettext_lazy("bulletin", "Golden ideas adopted"), "qualityservice.ideas", "ideas_adopted", _idea),
    Source(pgettext_lazy("bulletin", "Events held"), "qualityservice.events", "events_held", _event),
)


def assembled_blocks(bulletin: Bulletin) -> list[tuple[str, list[str]]]:
    """(heading, lines) per installed source with something in the issue's month; a line links to the record's
    public page (``text | URL``). In Chinese, the bulletin's language. One query per source."""
    period = indicators.Period.month(bulletin.year, bulletin.month)
    out = []
    with translation.override("zh-hans"):
        for source in SOURCES:
            read = optional_function(source.app, "highlights", source.function)
            if read is None:
                continue
            lines = []
            for item in read(period.start, period.end):
                text = " ".join(source.line(item).split())  # one line each, whatever a title holds
                lines.append(f"{text} | {item.public_url}" if item.public_url else text)
            if lines:
                out.append((str(source.heading), lines))
    return out


def _sections_text(blocks: list[tuple[str, list[str]]]) -> str:
    return "\n\n".join("\n".join(([f"# {heading}"] if heading else []) + lines) for heading, lines in blocks)


def assemble(bulletin: Bulletin) -> list[tuple[str, list[str]]]:
    """Write the month's stars, adopted ideas and events held into the draft's sections: the blocks under those
    headings are replaced (an edited one too — the confirmation says so), the other sections are kept, before them.
    Refused (a ``TransitionError``) once the issue is published: its text is part of what was sent."""
    with transaction.atomic():
        locked = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        if locked.status != Bulletin.Status.DRAFT:
            raise TransitionError(pgettext("bulletin", "A published issue is not changed."))
        blocks = assembled_blocks(locked)
        with translation.override("zh-hans"):
            headings = {str(source.heading) for source in SOURCES}
        kept = [(heading, lines) for heading, lines in locked.sections_list if heading not in headings]
        locked.sections = _sections_text(kept + blocks)
        locked.save(update_fields=["sections"])
    bulletin.sections = locked.sections
    return blocks


def update_bulletin(bulletin: Bulletin, **fields) -> Bulletin:
    """Change a draft (title, month, lists, sections …); refused once it is published."""
    with transaction.atomic():
        locked = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        if locked.status != Bulletin.Status.DRAFT:
            raise TransitionError(pgettext("bulletin", "A published issue is not changed."))
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(fields))
    return locked


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


# --- sections made of articles ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Section:
    """One section of an issue as every copy shows it (screen, PDF, Word): its heading, its text lines as
    (text, link) and the articles picked into it, in order."""

    heading: str
    lines: list
    articles: list


def article_line(row: BulletinArticle) -> str:
    """The department and date under an article's title."""
    day = formats.date_format(row.published_on, "Y-m-d") if row.published_on else ""
    return "　".join(part for part in (row.department, day) if part)


def items(bulletin: Bulletin) -> list[BulletinArticle]:
    """The issue's articles in order (one query). A draft shows each article as it is now (not saved); a
    published issue its frozen copy."""
    rows = list(BulletinArticle.objects.filter(bulletin=bulletin).select_related("article__department")
                .order_by("position", "pk"))
    if bulletin.status == Bulletin.Status.DRAFT:
        for row in rows:
            if row.article is not None:
                row.copy_from_article()
    return rows


def sections(bulletin: Bulletin, rows: list[BulletinArticle] | None = None) -> list[Section]:
    """The text blocks (``Bulletin.blocks``) and the article sections together: the articles of a section whose
    heading is also a text block's come under that block, the other article sections follow, in the order of their
    first article."""
    rows = items(bulletin) if rows is None else rows
    by_heading: dict[str, list[BulletinArticle]] = {}
    for row in rows:
        by_heading.setdefault(row.section, []).append(row)
    out = [Section(heading, lines, by_heading.pop(heading, [])) for heading, lines in bulletin.blocks]
    out += [Section(heading, [], articles) for heading, articles in by_heading.items()]
    return out


def candidates(bulletin: Bulletin, user, query: str = "", *, limit: int = 50):
    """The articles an editor may pick into the issue: published in the issue's month, visible to ``user``
    (``Article.objects.visible_to``), not already in it; ``query`` searches the title."""
    start, end = indicators.Period.month(bulletin.year, bulletin.month).bounds()
    found = (Article.objects.visible_to(user).published().filter(published_at__gte=start, published_at__lt=end)
             .exclude(pk__in=BulletinArticle.objects.filter(bulletin=bulletin, article__isnull=False).values("article_id"))
             .select_related("department").order_by("-published_at", "-pk"))
    if query.strip():
        found = found.filter(title__icontains=query.strip())
    return found if limit is None else found[:limit]


def _draft(bulletin: Bulletin) -> Bulletin:
    locked = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    if locked.status != Bulletin.Status.DRAFT:
        raise ValidationError(pgettext("bulletin", "A published issue is not changed."))
    return locked


def add_article(bulletin: Bulletin, *, article_id, section: str, by, key=None) -> tuple[BulletinArticle, bool]:
    """Pick an article into a section of a draft, after the issue's other articles; once per form (``key``).
    Refused with a translated ``ValidationError`` (nothing changed) for a published issue, an article that is
    not published in the issue's month, one the user may not see, or one already in the issue."""
    section = " ".join((section or "").split())
    if not section:
        raise ValidationError(pgettext("bulletin", "Give the section a heading."))
    with transaction.atomic():
        locked = _draft(bulletin)
        stored = scoped("news-bulletin-article", key)
        # A repeated form is answered before the checks (its article is in the issue by now, no longer a candidate).
        existing = BulletinArticle.objects.filter(submission_key=stored).first() if stored else None
        if existing is not None:
            return existing, False
        article = candidates(locked, by, limit=None).filter(pk=article_id).first() if str(article_id).isdigit() else None
        if article is None:
            raise ValidationError(pgettext(
                "bulletin", "Only a published article of the issue's month that you may see, and not yet in the issue, can be added."))
        last = BulletinArticle.objects.filter(bulletin=locked).aggregate(n=Max("position"))["n"] or 0

        def create(stored_key):
            row = BulletinArticle(bulletin=locked, article=article, section=section[:120], position=last + 1,
                                  submission_key=stored_key)
            row.copy_from_article()
            row.save()
            return row

        return create_once(BulletinArticle, stored, create, look_up_first=False)  # looked up above


def change_article(bulletin: Bulletin, item_id, action: str) -> None:
    """``up`` / ``down``: swap the article with its neighbour in the issue; ``remove``: take it out. Drafts only."""
    with transaction.atomic():
        locked = _draft(bulletin)
        rows = list(BulletinArticle.objects.select_for_update().filter(bulletin=locked).order_by("position", "pk"))
        index = next((i for i, row in enumerate(rows) if str(row.pk) == str(item_id)), None)
        if index is None or action not in ("up", "down", "remove"):
            raise ValidationError(pgettext("bulletin", "This article is not in the issue."))
        if action == "remove":
            rows.pop(index).delete()
        else:
            other = index - 1 if action == "up" else index + 1
            if 0 <= other < len(rows):
                rows[index], rows[other] = rows[other], rows[index]
        moved = []
        for position, row in enumerate(rows, start=1):
            if row.position != position:
                row.position = position
                moved.append(row)
        BulletinArticle.objects.bulk_update(moved, ["position"])


def freeze_articles(bulletin: Bulletin) -> None:
    """On publication (inside the move): each article's text as it is now is kept in the issue."""
    rows = list(BulletinArticle.objects.filter(bulletin=bulletin, article__isnull=False).select_related("article__department"))
    for row in rows:
        row.copy_from_article()
    BulletinArticle.objects.bulk_update(rows, ["title", "department", "published_on", "summary", "url"])


def issue_label(bulletin: Bulletin) -> str:
    if bulletin.number is None:
        return pgettext("bulletin", "Draft issue")
    return pgettext("bulletin", "%(year)s, issue %(number)s") % {"year": bulletin.year, "number": bulletin.number}


def pdf(bulletin: Bulletin, *, public: bool = False) -> bytes:
    """The issue as PDF; ``public=True`` for the public archive: only the figures the public board may show
    (``board.public_figures``)."""
    from .board import public_figures

    shown = public_figures(figures(bulletin)) if public else figures(bulletin)
    return render_pdf("news/bulletin_pdf.html", {"bulletin": bulletin, "figures": shown, "issue": issue_label(bulletin),
                                                 "sections": sections(bulletin)})


class WordTemplateError(Exception):
    """The Word template (``QS_NEWS_BULLETIN_DOCX_TEMPLATE`` or the shipped one) is missing or cannot be filled."""


def docx_template_path() -> Path:
    """The Word template in use: the setting's file (relative paths from the project root), else the shipped one."""
    from django.conf import settings

    from .docx_template import DEFAULT_PATH

    configured = getattr(settings, "QS_NEWS_BULLETIN_DOCX_TEMPLATE", "") or ""
    if not configured:
        return DEFAULT_PATH
    path = Path(configured)
    return path if path.is_absolute() else Path(settings.BASE_DIR) / path


def docx_template_problem(path: Path | None = None) -> str:
    """Why the Word template cannot be used ("" when it can): missing, not a Word file, or not a valid template."""
    from docxtpl import DocxTemplate

    path = path or docx_template_path()
    if not path.is_file():
        return f"{path} does not exist"
    try:
        DocxTemplate(str(path)).get_undeclared_template_variables()
    except Exception as exc:  # any failure to open or parse is the template's problem
        return f"{path} is not a usable Word template: {type(exc).__name__}: {exc}"
    return ""


def docx_context(bulletin: Bulletin) -> dict:
    """What the Word template receives (``docx_template`` describes it): plain text, in Chinese."""
    day = timezone.localdate(bulletin.published_at) if bulletin.published_at else timezone.localdate()
    with translation.override("zh-hans"):
        labels = {
            "compiled_by": pgettext("bulletin", "Compiled by"), "figures": pgettext("bulletin", "Figures"),
            "department": pgettext("bulletin", "Department"), "value": pgettext("bulletin", "Value"),
            "report_to": pgettext("bulletin", "Sent to"), "copy_to": pgettext("bulletin", "Copied to"),
        }
        return {
            "title": bulletin.title, "issue": issue_label(bulletin), "unit": bulletin.unit,
            "date": formats.date_format(day, "DATE_FORMAT"), "report_to": bulletin.report_to, "copy_to": bulletin.copy_to,
            "labels": labels,
            "sections": [{
                "heading": section.heading, "lines": [text for text, _link in section.lines],
                "articles": [{"title": row.title, "meta": article_line(row), "summary": row.summary} for row in section.articles],
            } for section in sections(bulletin)],
            "figures": [{
                "label": row["label"], "period": row["period"], "definition": row["definition"], "unit": row["unit"],
                "centres": [{"name": name, "value": value} for name, value in row["values"]],
            } for row in figures(bulletin)],
        }


def docx(bulletin: Bulletin) -> bytes:
    """The issue as a Word file: the template (``docx_template_path``) filled by docxtpl (values escaped).
    ``WordTemplateError`` when the template is missing or cannot be filled."""
    from docxtpl import DocxTemplate

    path = docx_template_path()
    if not path.is_file():
        raise WordTemplateError(f"{path} does not exist")
    context = docx_context(bulletin)
    try:
        template = DocxTemplate(str(path))
        template.render(context, autoescape=True)
        out = io.BytesIO()
        template.save(out)
    except Exception as exc:  # a broken template (bad zip, bad Jinja) is reported, not a 500
        raise WordTemplateError(f"{path}: {type(exc).__name__}: {exc}") from exc
    return out.getvalue()
