"""The photos and files sent with an idea or a measurement, checked by their content: images through
``core.images.sanitize_image`` (bytes, pixels, decode memory, format; re-encoded without EXIF, which drops GPS and
camera data), documents by extension and magic number. Anything else is refused with a message naming the file.
The files are private: ``views.idea_file`` serves them to the people who may read the idea."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import pgettext

from qualityservice.core.images import sanitize_image

MAX_SIDE = 1600
IMAGE_EXTENSIONS = {"jpg", "jpeg", "png", "gif", "webp"}
DOCUMENT_EXTENSIONS = {"pdf", "docx", "xlsx", "doc", "xls"}
# Magic numbers: PDF, Office Open XML (a zip), legacy Office (OLE2).
_MAGIC = {"pdf": (b"%PDF-",), "docx": (b"PK\x03\x04",), "xlsx": (b"PK\x03\x04",), "doc": (b"\xd0\xcf\x11\xe0",),
          "xls": (b"\xd0\xcf\x11\xe0",)}
ACCEPT = "image/*,.pdf,.doc,.docx,.xls,.xlsx"


def max_bytes() -> int:
    return settings.QS_IDEAS_MAX_UPLOAD_MB * 1024 * 1024


def clean_upload(upload) -> tuple[ContentFile, str, bool]:
    """(the file to store, its display name, whether it is an image), or ValidationError."""
    name = os.path.basename(upload.name or "")[-100:] or "file"
    if upload.size > max_bytes():
        raise ValidationError(pgettext("idea", "“%(name)s” is too large (%(size).1f MB); the limit is %(limit)d MB.")
                              % {"name": name, "size": upload.size / 1024 / 1024, "limit": settings.QS_IDEAS_MAX_UPLOAD_MB})
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    upload.seek(0)
    if ext in IMAGE_EXTENSIONS:
        clean = sanitize_image(upload.read(max_bytes() + 1), name, limit=max_bytes(), max_side=MAX_SIDE, keep_alpha=False)
        return clean.content, clean.name, True
    if ext not in DOCUMENT_EXTENSIONS:
        raise ValidationError(pgettext("idea", "“%(name)s”: only photos, PDF, Word and Excel files are accepted.") % {"name": name})
    head = upload.read(8)
    if not any(head.startswith(magic) for magic in _MAGIC[ext]):
        raise ValidationError(pgettext("idea", "“%(name)s” is not a real %(ext)s file.") % {"name": name, "ext": ext.upper()})
    upload.seek(0)
    return ContentFile(upload.read(), name=name), name, False


def clean_uploads(uploads) -> list[tuple[ContentFile, str, bool]]:
    """Every upload checked (the first bad one refuses them all), at most ``QS_IDEAS_MAX_FILES``."""
    uploads = [u for u in uploads if u]
    if len(uploads) > settings.QS_IDEAS_MAX_FILES:
        raise ValidationError(pgettext("idea", "At most %(n)d files at a time.") % {"n": settings.QS_IDEAS_MAX_FILES})
    return [clean_upload(u) for u in uploads]
