"""Image uploads of every app (feedback photos, inspection evidence): accepted by content (Pillow),
size- and pixel-limited, re-encoded without metadata (EXIF, GPS location included), in the visible
orientation. One implementation, so that every upload path gets the same checks."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP", "BMP", "MPO"}
MAX_SIDE = 2560  # default long side after re-encoding; phone photos are larger than anyone needs
MAX_PIXELS = 60_000_000  # refuse decompression bombs before decoding


@dataclass
class CleanImage:
    content: ContentFile
    name: str
    width: int
    height: int


def max_bytes() -> int:
    return getattr(settings, "QS_FEEDBACK_MAX_IMAGE_BYTES", 5 * 1024 * 1024)


def sanitize_image(data: bytes, name: str = "image", *, limit: int | None = None, max_side: int = MAX_SIDE,
                   keep_alpha: bool = True) -> CleanImage:
    """Validate ``data`` as an image and return it re-encoded without metadata: JPEG, or PNG for a
    transparent image when ``keep_alpha``; at most ``max_side`` pixels on its long side; ``limit`` bytes
    (default QS_FEEDBACK_MAX_IMAGE_BYTES). Raises ValidationError with a translated message otherwise."""
    limit = max_bytes() if limit is None else limit
    if len(data) > limit:
        raise ValidationError(
            _("“%(name)s” is larger than %(mb).0f MB.") % {"name": name, "mb": limit / 1024 / 1024}, code="too_large"
        )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("“%(name)s” has too many pixels.") % {"name": name}, code="too_big")
            probe.verify()
        if fmt not in ALLOWED_FORMATS:
            raise ValidationError(_("“%(name)s” is not a photo (JPEG, PNG, GIF or WebP).") % {"name": name}, code="format")
        with Image.open(io.BytesIO(data)) as img:  # verify() leaves the image unusable: re-open
            img.load()
            img = ImageOps.exif_transpose(img)  # keep the visible orientation once EXIF is gone
            img.thumbnail((max_side, max_side))
            has_alpha = keep_alpha and img.mode in ("RGBA", "LA", "P") and fmt in ("PNG", "GIF", "WEBP")
            out = io.BytesIO()
            if has_alpha:
                img = img.convert("RGBA")
                img.save(out, format="PNG", optimize=True)
                ext = "png"
            else:
                img = img.convert("RGB")
                img.save(out, format="JPEG", quality=85, optimize=True)  # no exif= argument: nothing is kept
                ext = "jpg"
            width, height = img.size
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(_("“%(name)s” is not an image file.") % {"name": name}, code="not_image") from None
    stem = (name.rsplit(".", 1)[0] or "image")[:80]
    return CleanImage(ContentFile(out.getvalue(), name=f"{stem}.{ext}"), f"{stem}.{ext}", width, height)
