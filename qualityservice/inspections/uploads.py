"""Validation of uploaded photos and files: content checked with Pillow, size limited, images
re-saved as JPEG without EXIF (drops GPS and camera data)."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from qualityservice.core.images import sanitize_image

MAX_SIDE = 1600
DOCUMENT_EXTENSIONS = {"pdf", "doc", "docx", "xls", "xlsx", "txt"}
# Magic numbers of the accepted documents (zip for Office Open XML, OLE2 for legacy Office).
_MAGIC = {"pdf": (b"%PDF",), "docx": (b"PK\x03\x04",), "xlsx": (b"PK\x03\x04",), "doc": (b"\xd0\xcf\x11\xe0",),
          "xls": (b"\xd0\xcf\x11\xe0",)}


def max_bytes() -> int:
    return int(getattr(settings, "QS_INSPECTIONS_MAX_UPLOAD_MB", 5)) * 1024 * 1024


def _check_size(upload) -> None:
    if upload.size > max_bytes():
        raise ValidationError(
            _("“%(name)s” is too large (%(size).1f MB); the limit is %(limit)d MB.")
            % {"name": upload.name, "size": upload.size / 1024 / 1024, "limit": max_bytes() // 1024 // 1024}
        )


def clean_image(upload) -> ContentFile:
    """A validated, EXIF-free JPEG copy of an uploaded image (``core.images.sanitize_image``: content,
    pixel count and format checked), or ValidationError."""
    _check_size(upload)
    upload.seek(0)
    name = os.path.basename(upload.name) or "photo.jpg"
    return sanitize_image(upload.read(max_bytes() + 1), name, limit=max_bytes(), max_side=MAX_SIDE, keep_alpha=False).content


def clean_file(upload) -> tuple[ContentFile, bool]:
    """An image (re-saved) or an accepted document; returns (file, is_image)."""
    _check_size(upload)
    ext = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if ext in ("jpg", "jpeg", "png", "gif", "webp"):
        return clean_image(upload), True
    if ext not in DOCUMENT_EXTENSIONS:
        raise ValidationError(
            _("“%(name)s”: only images, PDF, Word, Excel and text files are accepted.") % {"name": upload.name}
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    magics = _MAGIC.get(ext)
    if magics and not any(head.startswith(m) for m in magics):
        raise ValidationError(_("“%(name)s” is not a valid %(ext)s file.") % {"name": upload.name, "ext": ext.upper()})
    return ContentFile(upload.read(), name=os.path.basename(upload.name)[-100:]), False

