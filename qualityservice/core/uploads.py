"""The one check of an uploaded file's content: what an app accepts, how large, and the message when it refuses.

An app describes what it takes in :class:`Rules` — the document kinds (keys of :data:`KINDS`), whether photos
are taken too, the setting that holds the size limit in MB, and its own sentences if core's defaults do not
suit it — and calls :func:`check` on each upload (``clean_image`` for a photo-only field). A document is
recognised by its bytes, never by its name alone:

- PDF starts with ``%PDF-``; legacy Office (``.doc``, ``.xls``, ``.ppt``) with the OLE2 signature;
- Office Open XML (``.docx``, ``.xlsx``, ``.pptx``) is a zip archive that must hold ``[Content_Types].xml``
  and the part of its kind (``word/``, ``xl/``, ``ppt/``), so a renamed zip or a workbook renamed ``.docx``
  is refused;
- plain text (``.txt``) has no signature and is taken as it is.

A photo goes through ``core.images.sanitize_image`` (decode memory bounded, re-encoded without EXIF, which
drops GPS and camera data). At most the limit plus one byte is read, whatever size the upload claims. The
file is stored only after the check (the caller stores ``Checked.content``); a refusal is a
``ValidationError`` naming the file, in the reader's language.

Messages are formatted with ``name`` (the file's name), ``ext`` (its extension in capitals), ``kind`` (the
kind's name: "Word"), ``size`` (MB, a float), ``limit`` and ``mb`` (the limit in MB).
"""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import pgettext_lazy

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Office (.doc, .xls, .ppt)
ZIP = b"PK\x03\x04"  # Office Open XML
IMAGE_EXTENSIONS = frozenset({"jpg", "jpeg", "png", "gif", "webp"})


@dataclass(frozen=True)
class Kind:
    """A document kind: its name in messages, the bytes it starts with (empty: none), the folder an Office
    Open XML archive must hold, and the Content-Type it is served with."""

    name: str
    magic: bytes
    part: str
    content_type: str


KINDS = {
    "pdf": Kind("PDF", b"%PDF-", "", "application/pdf"),
    "doc": Kind("Word", OLE2, "", "application/msword"),
    "xls": Kind("Excel", OLE2, "", "application/vnd.ms-excel"),
    "ppt": Kind("PowerPoint", OLE2, "", "application/vnd.ms-powerpoint"),
    "docx": Kind("Word", ZIP, "word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": Kind("Excel", ZIP, "xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": Kind("PowerPoint", ZIP, "ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "txt": Kind("text", b"", "", "text/plain; charset=utf-8"),
}
CONTENT_TYPES = {**{ext: kind.content_type for ext, kind in KINDS.items()}, "jpg": "image/jpeg", "jpeg": "image/jpeg",
                 "png": "image/png", "gif": "image/gif", "webp": "image/webp"}

NOT_ACCEPTED = pgettext_lazy("upload", "“%(name)s”: this kind of file is not accepted.")
TOO_LARGE = pgettext_lazy("upload", "“%(name)s” is too large (%(size).1f MB); the limit is %(limit)d MB.")
NOT_MATCHING = pgettext_lazy("upload", "“%(name)s” is not a %(kind)s file: its content does not match its name.")


@dataclass(frozen=True)
class Rules:
    """What one upload field accepts. ``documents``: extensions, keys of :data:`KINDS`; ``images``: photos
    too (re-encoded, at most ``max_side`` pixels a side); ``limit_setting``: the name of the setting with
    the limit in MB (read at each check); ``empty``: the message for an empty file (None: an empty file is
    refused by its content check, or taken as text)."""

    limit_setting: str
    documents: frozenset = frozenset()
    images: bool = False
    max_side: int = 1600
    not_accepted: str = NOT_ACCEPTED
    too_large: str = TOO_LARGE
    not_matching: str = NOT_MATCHING
    empty: str | None = None

    def __post_init__(self):
        unknown = set(self.documents) - set(KINDS)
        if unknown:
            raise ValueError(f"core.uploads: unknown document kinds {sorted(unknown)}")

    @property
    def accept(self) -> str:
        """The file input's ``accept`` attribute."""
        return ",".join((["image/*"] if self.images else []) + [f".{ext}" for ext in sorted(self.documents)])


@dataclass(frozen=True)
class Checked:
    """An upload that passed: its content to store (a re-encoded JPEG for a photo), the name to show (a photo's
    gets the extension of what it was re-encoded to), its extension and whether it is a photo."""

    content: ContentFile
    name: str
    ext: str
    is_image: bool


def extension(name: str) -> str:
    return os.path.splitext(name or "")[1].lower().lstrip(".")


def content_type(name: str) -> str:
    """The Content-Type to serve a stored file with, by its extension (``application/octet-stream`` else)."""
    return CONTENT_TYPES.get(extension(name), "application/octet-stream")


def max_bytes(rules: Rules) -> int:
    return int(getattr(settings, rules.limit_setting)) * 1024 * 1024


def _params(name: str, ext: str = "", **more) -> dict:
    return {"name": name, "ext": ext.upper(), **more}


def _read(upload, name: str, rules: Rules) -> bytes:
    """The upload's bytes, refused when over the limit — by its stated size, and by what is actually read."""
    limit = max_bytes(rules)
    size = upload.size or 0
    if size <= limit:
        upload.seek(0)
        data = upload.read(limit + 1)
        size = len(data)
    if size > limit:
        raise ValidationError(str(rules.too_large) % _params(name, size=size / 1024 / 1024, limit=limit // 1024 // 1024,
                                                             mb=limit // 1024 // 1024), code="too_large")
    return data


def _has_part(data: bytes, folder: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)


def clean_image(upload, rules: Rules, name: str | None = None) -> Checked:
    """A photo, whatever its name says: size checked, then ``core.images.sanitize_image`` (content, pixels,
    format; re-encoded as JPEG without EXIF)."""
    from .images import sanitize_image

    name = name or os.path.basename(upload.name or "") or "photo.jpg"
    data = _read(upload, name, rules)
    image = sanitize_image(data, name, limit=max_bytes(rules), max_side=rules.max_side, keep_alpha=False)
    return Checked(content=image.content, name=image.name, ext="jpg", is_image=True)


def check(upload, rules: Rules, name: str | None = None) -> Checked:
    """The upload checked against ``rules`` (``name``: the name to show, the upload's own by default); raises
    ValidationError (codes ``too_large``, ``not_accepted``, ``empty``, ``not_matching``, or the image's)."""
    name = name or os.path.basename(upload.name or "") or "file"
    ext = extension(name)
    if rules.images and ext in IMAGE_EXTENSIONS:
        return clean_image(upload, rules, name)
    if (upload.size or 0) > max_bytes(rules):  # the size first: the cheapest check, and the one a visitor can act on
        _read(upload, name, rules)
    if ext not in rules.documents:
        raise ValidationError(str(rules.not_accepted) % _params(name, ext), code="not_accepted")
    data = _read(upload, name, rules)
    kind = KINDS[ext]
    if not data and rules.empty is not None:
        raise ValidationError(str(rules.empty) % _params(name, ext, kind=kind.name), code="empty")
    if not data.startswith(kind.magic) or (kind.part and not _has_part(data, kind.part)):
        raise ValidationError(str(rules.not_matching) % _params(name, ext, kind=kind.name), code="not_matching")
    return Checked(content=ContentFile(data, name=name), name=name, ext=ext, is_image=False)
