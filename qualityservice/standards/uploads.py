"""The check of a procedure's file (``core.uploads``): PDF or Office only, recognised by its content (not its name
alone), and at most ``QS_STANDARDS_MAX_FILE_MB``. Office Open XML files are zip archives: the archive must hold the
part of its kind (``word/``, ``xl/``, ``ppt/``), so a renamed zip or .xlsx is not taken for a .docx."""

from __future__ import annotations

import os

from django.core.files.base import ContentFile
from django.utils.translation import pgettext_lazy

from qualityservice.core import uploads

KINDS = {ext: uploads.KINDS[ext] for ext in ("pdf", "doc", "xls", "ppt", "docx", "xlsx", "pptx")}
CONTENT_TYPES = {ext: kind.content_type for ext, kind in KINDS.items()}
RULES = uploads.Rules(
    limit_setting="QS_STANDARDS_MAX_FILE_MB", documents=frozenset(KINDS),
    not_accepted=pgettext_lazy("standards", "“%(name)s”: only PDF, Word, Excel and PowerPoint files are accepted."),
    too_large=pgettext_lazy("standards", "“%(name)s” is too large (%(size).1f MB); the limit is %(limit)d MB."),
    empty=pgettext_lazy("standards", "“%(name)s” is empty."),
    not_matching=pgettext_lazy("standards", "“%(name)s” is not a %(kind)s file: its content does not match its name."),
)
extension = uploads.extension


def max_bytes() -> int:
    return uploads.max_bytes(RULES)


def clean_document(upload) -> ContentFile:
    """The uploaded file, checked; raises ValidationError with a message naming the file."""
    checked = uploads.check(upload, RULES, name=os.path.basename(upload.name or "") or "document")
    base, suffix = os.path.splitext(checked.name)
    checked.content.name = f"{base[:100]}{suffix}"
    return checked.content
