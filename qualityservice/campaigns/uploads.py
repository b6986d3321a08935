"""Report files, checked by content before anything is stored: photos through ``core.images.sanitize_image``
(decoded within the memory budget, re-encoded without EXIF); documents only PDF or Office (Word, Excel,
PowerPoint — OOXML or the older OLE2 format), recognised by their bytes, not their names; both size-limited
(``QS_CAMPAIGNS_MAX_UPLOAD_MB``)."""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import pgettext

from qualityservice.core.images import sanitize_image

IMAGE_EXTENSIONS = {"jpg", "jpeg", "png", "gif", "webp"}
OOXML = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
OLE2 = {"doc", "xls", "ppt"}
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DOCUMENT_EXTENSIONS = {"pdf", *OOXML, *OLE2}
MAX_SIDE = 2048


@dataclass(frozen=True)
class CleanFile:
    name: str
    content: ContentFile
    is_image: bool


def max_bytes() -> int:
    return int(settings.QS_CAMPAIGNS_MAX_UPLOAD_MB) * 1024 * 1024


def _name(upload) -> str:
    return os.path.basename(upload.name or "") or "file"


def _read(upload) -> bytes:
    limit = max_bytes()
    if (upload.size or 0) > limit:
        raise ValidationError(pgettext("campaign", "“%(name)s” is larger than %(mb)d MB.") % {"name": _name(upload), "mb": limit // 1024 // 1024})
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(pgettext("campaign", "“%(name)s” is larger than %(mb)d MB.") % {"name": _name(upload), "mb": limit // 1024 // 1024})
    return data


def clean_photo(upload) -> CleanFile:
    data = _read(upload)
    image = sanitize_image(data, _name(upload), limit=max_bytes(), max_side=MAX_SIDE, keep_alpha=False)
    return CleanFile(name=image.name, content=image.content, is_image=True)


def _is_ooxml(data: bytes, folder: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)


def clean_document(upload) -> CleanFile:
    """A PDF or Office document checked by its bytes, or an image (then re-encoded like a photo)."""
    name = _name(upload)
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext in IMAGE_EXTENSIONS:
        return clean_photo(upload)
    if ext not in DOCUMENT_EXTENSIONS:
        raise ValidationError(pgettext("campaign", "“%(name)s”: only PDF, Word, Excel, PowerPoint and images are accepted.") % {"name": name})
    data = _read(upload)
    valid = (
        data.startswith(b"%PDF-") if ext == "pdf"
        else data.startswith(OLE2_MAGIC) if ext in OLE2
        else _is_ooxml(data, OOXML[ext])
    )
    if not valid:
        raise ValidationError(pgettext("campaign", "“%(name)s” is not a valid %(kind)s file.") % {"name": name, "kind": ext.upper()})
    return CleanFile(name=name[-100:], content=ContentFile(data, name=name[-100:]), is_image=False)


CONTENT_TYPES = {
    "pdf": "application/pdf", "doc": "application/msword", "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "jpg": "image/jpeg", "png": "image/png",
}


def content_type(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return CONTENT_TYPES.get(ext, "application/octet-stream")
