"""The Word template of the work bulletin 《后勤集团工作简报》 (``templates/news/bulletin.docx``), built here with
python-docx so that it can be rebuilt and reviewed as code; ``bulletins.docx`` fills it with docxtpl.

Rebuild it after a change: ``python -m qualityservice.news.docx_template`` (at the project root; or pass another
path to write it elsewhere, e.g. as the starting point of an office's own template, set through
``QS_NEWS_BULLETIN_DOCX_TEMPLATE``).

The context the template receives (``bulletins.docx_context``; every value is plain text):

- ``title``, ``issue`` (第N期 or the draft's label), ``unit`` (the compiling unit), ``date`` (the day of
  publication, or today for a draft), ``report_to``, ``copy_to``;
- ``sections``: each with ``heading``, ``lines`` (text) and ``articles`` (``title``, ``meta``: department and
  date, ``summary``);
- ``figures``: each with ``label``, ``period``, ``definition``, ``unit`` and ``centres`` (``name``, ``value``);
- ``labels``: the words of the template in Chinese (``compiled_by``, ``figures``, ``department``, ``value``,
  ``report_to``, ``copy_to``)."""

from __future__ import annotations

import sys
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parent / "templates" / "news" / "bulletin.docx"
BODY_FONT = "仿宋"  # the body of an official document (公文): FangSong
HEADING_FONT = "黑体"
TITLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"
RED = (0xC0, 0x00, 0x00)


def _fonts(style_or_run, east_asia: str, size_pt: float | None = None, bold: bool | None = None, color=None) -> None:
    """Latin and East-Asian fonts of a style or run (Word takes Chinese text from ``w:eastAsia``)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    font = style_or_run.font
    font.name = LATIN_FONT
    if size_pt is not None:
        font.size = Pt(size_pt)
    if bold is not None:
        font.bold = bold
    if color is not None:
        font.color.rgb = RGBColor(*color)
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi"):
        fonts.set(qn(attribute), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asia)


def _red_rule(paragraph) -> None:
    """The red line under the masthead (a bottom border of the paragraph)."""
    from docx.oxml.ns import qn

    ppr = paragraph._p.get_or_add_pPr()
    border = ppr.makeelement(qn("w:pBdr"), {})
    bottom = border.makeelement(qn("w:bottom"), {qn("w:val"): "single", qn("w:sz"): "18", qn("w:space"): "4",
                                                  qn("w:color"): "C00000"})
    border.append(bottom)
    ppr.append(border)


def build(path: Path | str = DEFAULT_PATH) -> Path:
    """Write the template to ``path`` and return it."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)  # A4, the margins of GB/T 9704
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    _fonts(doc.styles["Normal"], BODY_FONT, size_pt=14)
    for name, size in (("Heading 1", 16), ("Heading 2", 14), ("Heading 3", 14)):
        _fonts(doc.styles[name], HEADING_FONT, size_pt=size, bold=True, color=(0, 0, 0))

    def para(text: str = "", *, style=None, align=None, font=None, size=None, bold=None, color=None):
        paragraph = doc.add_paragraph(style=style)
        if align is not None:
            paragraph.alignment = align
        if text:
            run = paragraph.add_run(text)
            if font or size or bold is not None or color:
                _fonts(run, font or BODY_FONT, size_pt=size, bold=bold, color=color)
        return paragraph

    centre = WD_ALIGN_PARAGRAPH.CENTER
    # Masthead: the title in red, the issue, the compiling unit and the date, a red rule.
    para("{{ title }}", align=centre, font=TITLE_FONT, size=26, bold=True, color=RED)
    para("{{ issue }}", align=centre, size=14)
    masthead = para("{{ labels.compiled_by }}：{{ unit }}\t{{ date }}", size=14)
    masthead.paragraph_format.tab_stops.add_tab_stop(Mm(156), alignment=2)  # the date flush right
    _red_rule(masthead)
    # The sections: their text lines, then their articles (title, department and date, summary).
    para("{%p for section in sections %}")
    para("{%p if section.heading %}")
    para("{{ section.heading }}", style="Heading 1")
    para("{%p endif %}")
    para("{%p for line in section.lines %}")
    para("{{ line }}").paragraph_format.first_line_indent = Pt(28)
    para("{%p endfor %}")
    para("{%p for article in section.articles %}")
    para("{{ article.title }}", style="Heading 3")
    para("{{ article.meta }}", size=12)
    para("{%p if article.summary %}")
    para("{{ article.summary }}").paragraph_format.first_line_indent = Pt(28)
    para("{%p endif %}")
    para("{%p endfor %}")
    para("{%p endfor %}")
    # The figures: per indicator its label and period, definition and a table of the centres' values.
    para("{%p if figures %}")
    para("{{ labels.figures }}", style="Heading 1")
    para("{%p endif %}")
    para("{%p for row in figures %}")
    para("{{ row.label }}（{{ row.period }}）", style="Heading 2")
    para("{{ row.definition }}", size=12)
    table = doc.add_table(rows=3, cols=2)
    table.style = doc.styles["Table Grid"]
    table.cell(0, 0).text, table.cell(0, 1).text = "{{ labels.department }}", "{{ labels.value }}"
    table.cell(1, 0).text = "{%tr for item in row.centres %}"
    table.cell(1, 1).text = ""
    row = table.add_row()
    row.cells[0].text, row.cells[1].text = "{{ item.name }}", "{{ item.value }} {{ row.unit }}"
    last = table.add_row()
    last.cells[0].text = "{%tr endfor %}"
    # rows: header, loop start, (an empty row python-docx made), value row, loop end: drop the empty one.
    empty = table.rows[2]._tr
    empty.getparent().remove(empty)
    para("{%p endfor %}")
    # The foot: 报送 / 抄送 above a rule.
    foot = para("{{ labels.report_to }}：{{ report_to }}", size=12)
    foot.paragraph_format.space_before = Pt(24)
    para("{{ labels.copy_to }}：{{ copy_to }}", size=12)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


if __name__ == "__main__":  # python -m qualityservice.news.docx_template [path]
    print(build(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_PATH))
