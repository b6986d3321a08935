"""The photos and files sent with an idea or a measurement, checked by their content: images through
``core.images.sanitize_image`` (bytes, pixels, decode memory, format; re-encoded without EXIF, which drops GPS and
camera data), documents by extension and magic number. Anything else is refused with a message naming the file.
The files are private: ``views.idea_file`` serves them to the people who may read the idea."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import pgettext, pgettext_lazy

from qualityservice.core import uploads as core_uploads

MAX_SIDE = 1600
IMAGE_EXTENSIONS = core_uploads.IMAGE_EXTENSIONS
DOCUMENT_EXTENSIONS = {"pdf", "docx", "xlsx", "doc", "xls"}
ACCEPT = "image/*,.pdf,.doc,.docx,.xls,.xlsx"
RULES = core_uploads.Rules(
    limit_setting="QS_IDEAS_MAX_UPLOAD_MB", documents=frozenset(DOCUMENT_EXTENSIONS), images=True, max_side=MAX_SIDE,
    too_large=pgettext_lazy("idea", "“%(name)s” is too large (%(size).1f MB); the limit is %(limit)d MB."),
    not_accepted=pgettext_lazy("idea", "“%(name)s”: only photos, PDF, Word and Excel files are accepted."),
    not_matching=pgettext_lazy("idea", "“%(name)s” is not a real %(ext)s file."),
)


def max_bytes() -> int:
    return core_uploads.max_bytes(RULES)


def clean_upload(upload) -> tuple[ContentFile, str, bool]:
    """(the file to store, its display name, whether it is an image), or ValidationError."""
    checked = core_uploads.check(upload, RULES, name=os.path.basename(upload.name or "")[-100:] or "file")
    return checked.content, checked.name, checked.is_image


def clean_uploads(uploads) -> list[tuple[ContentFile, str, bool]]:
    """Every upload checked (the first bad one refuses them all), at most ``QS_IDEAS_MAX_FILES``."""
    uploads = [u for u in uploads if u]
    if len(uploads) > settings.QS_IDEAS_MAX_FILES:
        raise ValidationError(pgettext("idea", "At most %(n)d files at a time.") % {"n": settings.QS_IDEAS_MAX_FILES})
    return [clean_upload(u) for u in uploads]
