"""Validation of uploaded photos and files (``core.uploads``): content checked, size limited
(``QS_INSPECTIONS_MAX_UPLOAD_MB``), images re-saved as JPEG without EXIF (drops GPS and camera data)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from qualityservice.core import uploads

MAX_SIDE = 1600
DOCUMENT_EXTENSIONS = {"pdf", "doc", "docx", "xls", "xlsx", "txt"}
RULES = uploads.Rules(
    limit_setting="QS_INSPECTIONS_MAX_UPLOAD_MB", documents=frozenset(DOCUMENT_EXTENSIONS), images=True, max_side=MAX_SIDE,
    too_large=_("“%(name)s” is too large (%(size).1f MB); the limit is %(limit)d MB."),
    not_accepted=_("“%(name)s”: only images, PDF, Word, Excel and text files are accepted."),
    not_matching=_("“%(name)s” is not a valid %(ext)s file."),
)


def max_bytes() -> int:
    return uploads.max_bytes(RULES)


def clean_image(upload) -> ContentFile:
    """A validated, EXIF-free JPEG copy of an uploaded image (``core.images.sanitize_image``: content,
    pixel count and format checked), or ValidationError."""
    return uploads.clean_image(upload, RULES).content


def clean_file(upload) -> tuple[ContentFile, bool]:
    """An image (re-saved) or an accepted document; returns (file, is_image)."""
    checked = uploads.check(upload, RULES)
    if not checked.is_image:
        checked.content.name = checked.name[-100:]
    return checked.content, checked.is_image
