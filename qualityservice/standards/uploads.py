"""The check of a procedure's file: PDF or Office only, recognised by its content (not its name alone), and at
most ``QS_STANDARDS_MAX_FILE_MB``. Office Open XML files are zip archives: the archive must hold the part of
its kind (``word/``, ``xl/``, ``ppt/``), so a renamed zip or .xlsx is not taken for a .docx."""

from __future__ import annotations

import os
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import pgettext

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Office (.doc, .xls, .ppt)
ZIP = b"PK\x03\x04"
# extension -> (kind shown in messages, magic bytes, the part an Office Open XML archive must contain)
KINDS = {
    "pdf": ("PDF", b"%PDF-", None),
    "doc": ("Word", OLE2, None),
    "xls": ("Excel", OLE2, None),
    "ppt": ("PowerPoint", OLE2, None),
    "docx": ("Word", ZIP, "word/"),
    "xlsx": ("Excel", ZIP, "xl/"),
    "pptx": ("PowerPoint", ZIP, "ppt/"),
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


def max_bytes() -> int:
    return settings.QS_STANDARDS_MAX_FILE_MB * 1024 * 1024


def extension(name: str) -> str:
    return os.path.splitext(name or "")[1].lower().lstrip(".")


def _has_part(upload, prefix: str) -> bool:
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "[Content_Types].xml" in names and any(n.startswith(prefix) for n in names)


def clean_document(upload) -> ContentFile:
    """The uploaded file, checked; raises ValidationError with a message naming the file."""
    name = os.path.basename(upload.name or "") or "document"
    ext = extension(name)
    if ext not in KINDS:
        raise ValidationError(pgettext("standards", "“%(name)s”: only PDF, Word, Excel and PowerPoint files are accepted.")
                              % {"name": name})
    if upload.size > max_bytes():
        raise ValidationError(pgettext("standards", "“%(name)s” is too large (%(size).1f MB); the limit is %(limit)d MB.")
                              % {"name": name, "size": upload.size / 1024 / 1024, "limit": settings.QS_STANDARDS_MAX_FILE_MB})
    if upload.size == 0:
        raise ValidationError(pgettext("standards", "“%(name)s” is empty.") % {"name": name})
    kind, magic, part = KINDS[ext]
    upload.seek(0)
    head = upload.read(len(magic))
    if head != magic or (part and not _has_part(upload, part)):
        raise ValidationError(pgettext("standards", "“%(name)s” is not a %(kind)s file: its content does not match its name.")
                              % {"name": name, "kind": kind})
    upload.seek(0)
    base, suffix = os.path.splitext(name)
    return ContentFile(upload.read(), name=f"{base[:100]}{suffix}")
