"""Report files, checked by content before anything is stored (``core.uploads``): photos through
``core.images.sanitize_image`` (decoded within the memory budget, re-encoded without EXIF); documents only PDF or
Office (Word, Excel, PowerPoint — OOXML or the older OLE2 format), recognised by their bytes, not their names; both
size-limited (``QS_CAMPAIGNS_MAX_UPLOAD_MB``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import pgettext_lazy

from qualityservice.core import uploads

IMAGE_EXTENSIONS = uploads.IMAGE_EXTENSIONS
DOCUMENT_EXTENSIONS = {"pdf", "docx", "xlsx", "pptx", "doc", "xls", "ppt"}
MAX_SIDE = 2048
RULES = uploads.Rules(
    limit_setting="QS_CAMPAIGNS_MAX_UPLOAD_MB", documents=frozenset(DOCUMENT_EXTENSIONS), images=True, max_side=MAX_SIDE,
    too_large=pgettext_lazy("campaign", "“%(name)s” is larger than %(mb)d MB."),
    not_accepted=pgettext_lazy("campaign", "“%(name)s”: only PDF, Word, Excel, PowerPoint and images are accepted."),
    not_matching=pgettext_lazy("campaign", "“%(name)s” is not a valid %(ext)s file."),
)


@dataclass(frozen=True)
class CleanFile:
    name: str
    content: ContentFile
    is_image: bool


def max_bytes() -> int:
    return uploads.max_bytes(RULES)


def clean_photo(upload) -> CleanFile:
    checked = uploads.clean_image(upload, RULES, name=None if upload.name else "file")
    return CleanFile(name=checked.name, content=checked.content, is_image=True)


def clean_document(upload) -> CleanFile:
    """A PDF or Office document checked by its bytes, or an image (then re-encoded like a photo)."""
    checked = uploads.check(upload, RULES)
    if checked.is_image:
        return CleanFile(name=checked.name, content=checked.content, is_image=True)
    checked.content.name = checked.name[-100:]
    return CleanFile(name=checked.name[-100:], content=checked.content, is_image=False)


content_type = uploads.content_type
