"""Image uploads of every app (feedback photos, inspection evidence): accepted by content (Pillow),
size- and pixel-limited, re-encoded without metadata (EXIF, GPS location included), in the visible
orientation. One implementation, so that every upload path gets the same checks.

Memory is bounded before anything is decoded: from the header (width, height, mode) the sanitiser
computes what decoding will allocate and refuses an image over the budget (``QS_IMAGE_DECODE_MB``);
a JPEG is decoded at 1/2, 1/4 or 1/8 of its size by libjpeg itself when the full size is not needed
or would not fit. At most ``QS_IMAGE_CONCURRENCY`` images are processed at once per process. The
figures are in core/README.md ("Image budget") and measured by bench/image_memory.py."""

from __future__ import annotations

import io
import threading
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, PngImagePlugin, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP", "BMP", "MPO"}
MAX_SIDE = 2560  # default long side after re-encoding; phone photos are larger than anyone needs
# Source pixels, whatever the format: bounds the decoding time (a JPEG decoded at 1/8 is still read in full).
MAX_PIXELS = 60_000_000
JPEG_SCALES = (1, 2, 4, 8)  # the reductions libjpeg applies while decoding

# Bytes per pixel of Pillow's in-memory image by mode ("RGB" is stored padded to four bytes).
_BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16L": 2, "I;16B": 2, "I;16N": 2}
# Buffers a decoder holds beside Pillow's image, in copies of a 4-byte-per-pixel frame: libwebp keeps its
# canvas and a copy of the previous frame and hands Pillow a third copy (bench/image_memory.py: ~4 frames in
# all); Pillow's RLE decoder for BMP assembles the image in a bytearray first (counted for every BMP).
_DECODER_FRAMES = {"WEBP": 3, "BMP": 1}

# Text chunks of a PNG are decompressed on open, outside the pixel budget: Pillow allows 64 MB by
# default; a photo needs none of it (the chunks are dropped on re-encoding anyway).
PngImagePlugin.MAX_TEXT_MEMORY = min(PngImagePlugin.MAX_TEXT_MEMORY, 4 * 1024 * 1024)


@dataclass
class CleanImage:
    content: ContentFile
    name: str
    width: int
    height: int


def max_bytes() -> int:
    """Largest accepted upload in bytes (QS_IMAGE_MAX_BYTES)."""
    return int(getattr(settings, "QS_IMAGE_MAX_BYTES", 5 * 1024 * 1024))


def decode_budget() -> int:
    """Bytes decoding one image may allocate (QS_IMAGE_DECODE_MB, in MiB)."""
    return int(float(getattr(settings, "QS_IMAGE_DECODE_MB", 40)) * 1024 * 1024)


def _too_large(name: str, width: int, height: int) -> ValidationError:
    return ValidationError(
        _("“%(name)s” is too large an image (%(width)d × %(height)d pixels): please send a smaller one.")
        % {"name": name, "width": width, "height": height},
        code="too_big",
    )


# --- How much decoding costs, from the header -------------------------------------------------


def pixel_bytes(width: int, height: int, mode: str) -> int:
    return width * height * _BYTES_PER_PIXEL.get(mode, 4)


def webp_canvas(data: bytes) -> tuple[int, int] | None:
    """The canvas size of a WebP file from its first 30 bytes (libwebp allocates it on open)."""
    if len(data) < 30 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return None
    chunk = data[12:16]
    if chunk == b"VP8X":
        return 1 + int.from_bytes(data[24:27], "little"), 1 + int.from_bytes(data[27:30], "little")
    if chunk == b"VP8L":
        bits = int.from_bytes(data[21:25], "little")
        return 1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF)
    if chunk == b"VP8 ":
        return int.from_bytes(data[26:28], "little") & 0x3FFF, int.from_bytes(data[28:30], "little") & 0x3FFF
    return None


def _jpeg_buffers_coefficients(data: bytes, components: int) -> bool:
    """Whether libjpeg keeps the whole image's DCT coefficients in memory: a progressive JPEG, or a
    sequential one whose first scan does not carry every component. Walks the markers up to the first
    start-of-scan; anything unexpected counts as buffered (the safe side)."""
    i, end = 2, len(data)
    while i + 4 <= end:
        if data[i] != 0xFF:
            return True
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:  # no length
            i += 2
            continue
        if marker in (0xC2, 0xC6, 0xCA, 0xCE):  # progressive SOF
            return True
        if marker == 0xDA:  # start of scan: number of components in it
            return i + 4 >= end or data[i + 4] < components
        i += 2 + int.from_bytes(data[i + 2:i + 4], "big")
    return True


def _jpeg_coefficient_bytes(width: int, height: int, layers) -> int:
    """Size of libjpeg's whole-image coefficient buffer: 2 bytes per sample of every component,
    rounded up to whole MCUs (``layers``: Pillow's (id, horizontal, vertical sampling, table) per component)."""
    max_h = max(h for _id, h, _v, _q in layers) or 1
    max_v = max(v for _id, _h, v, _q in layers) or 1
    mcus_x = -(-width // (8 * max_h))
    mcus_y = -(-height // (8 * max_v))
    return sum(mcus_x * h * mcus_y * v * 64 * 2 for _id, h, v, _q in layers)


def decode_plan(img: Image.Image, fmt: str, data: bytes, max_side: int, budget: int) -> tuple[int, int]:
    """``(scale, bytes)`` for an opened, not yet loaded image: the reduction to decode it at (JPEG: 1, 2, 4
    or 8, done by libjpeg while decoding; 1 for the other formats) and the bytes decoding then allocates
    (pixels, plus the decoder's own buffers). A JPEG is decoded at the largest reduction that still gives
    ``max_side`` pixels on the long side (nothing visible is lost), or further when ``budget`` requires it.
    The bytes may exceed ``budget``: the caller refuses the image then."""
    width, height = img.size
    if fmt not in ("JPEG", "MPO"):
        return 1, pixel_bytes(width, height, img.mode) + _DECODER_FRAMES.get(fmt, 0) * width * height * 4
    layers = img.layer or [(0, 1, 1, 0)] * len(img.getbands())
    coefficients = _jpeg_coefficient_bytes(width, height, layers) if _jpeg_buffers_coefficients(data, len(layers)) else 0
    costs = {s: coefficients + pixel_bytes(-(-width // s), -(-height // s), img.mode) for s in JPEG_SCALES}
    sharp = max(s for s in JPEG_SCALES if s == 1 or max(width, height) // s >= max_side)
    fitting = next((s for s in JPEG_SCALES if costs[s] <= budget), JPEG_SCALES[-1])
    scale = max(sharp, fitting)
    return scale, costs[scale]


# --- At most N images at once per process -----------------------------------------------------

_slots_lock = threading.Lock()
_slots: tuple[int, threading.BoundedSemaphore] | None = None


def _semaphore() -> threading.BoundedSemaphore:
    global _slots
    size = max(1, int(getattr(settings, "QS_IMAGE_CONCURRENCY", 1)))
    with _slots_lock:
        if _slots is None or _slots[0] != size:
            _slots = (size, threading.BoundedSemaphore(size))
        return _slots[1]


@contextmanager
def image_slot():
    """Hold one of the process's QS_IMAGE_CONCURRENCY image slots; ValidationError (code "busy") when
    none frees up within QS_IMAGE_WAIT_SECONDS."""
    semaphore = _semaphore()
    if not semaphore.acquire(timeout=float(getattr(settings, "QS_IMAGE_WAIT_SECONDS", 15))):
        raise ValidationError(_("Too many photos are being processed right now: please send the form again in a moment."),
                              code="busy")
    try:
        yield
    finally:
        semaphore.release()


# --- The sanitiser ----------------------------------------------------------------------------


def sanitize_image(data: bytes, name: str = "image", *, limit: int | None = None, max_side: int = MAX_SIDE,
                   keep_alpha: bool = True) -> CleanImage:
    """Validate ``data`` as an image and return it re-encoded without metadata: JPEG, or PNG for a
    transparent image when ``keep_alpha``; at most ``max_side`` pixels on its long side; ``limit`` bytes
    (default QS_IMAGE_MAX_BYTES); decoding within QS_IMAGE_DECODE_MB. Raises ValidationError with a
    translated message otherwise."""
    limit = max_bytes() if limit is None else limit
    if len(data) > limit:
        raise ValidationError(
            _("“%(name)s” is larger than %(mb).0f MB.") % {"name": name, "mb": limit / 1024 / 1024}, code="too_large"
        )
    with image_slot():
        return _sanitize(data, name, max_side, keep_alpha)


def _sanitize(data: bytes, name: str, max_side: int, keep_alpha: bool) -> CleanImage:
    budget = decode_budget()
    try:
        canvas = webp_canvas(data)
        if canvas and (canvas[0] * canvas[1] > MAX_PIXELS or canvas[0] * canvas[1] * 4 * (1 + _DECODER_FRAMES["WEBP"]) > budget):
            raise _too_large(name, *canvas)  # before Image.open: libwebp allocates its canvas there
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            if fmt not in ALLOWED_FORMATS:
                raise ValidationError(_("“%(name)s” is not a photo (JPEG, PNG, GIF or WebP).") % {"name": name}, code="format")
            if probe.width * probe.height > MAX_PIXELS:
                raise _too_large(name, probe.width, probe.height)
            probe.verify()
        with Image.open(io.BytesIO(data)) as img:  # verify() leaves the image unusable: re-open
            source = img.size
            scale, cost = decode_plan(img, fmt, data, max_side, budget)
            if cost > budget:
                raise _too_large(name, *source)
            if scale > 1:  # libjpeg decodes at 1/scale: the full-size pixels never exist
                expected = (-(-source[0] // scale), -(-source[1] // scale))
                img.draft(None, (max(1, source[0] // scale), max(1, source[1] // scale)))
                if img.size != expected:  # not reduced (Pillow could not configure the decoder): full size
                    raise _too_large(name, *source)
            img.load()
            # Resize first, then turn: both in place, so no second full-size copy ever exists.
            img.thumbnail((max_side, max_side))  # EXIF stays in img.info for the orientation
            ImageOps.exif_transpose(img, in_place=True)  # keep the visible orientation once EXIF is gone
            has_alpha = keep_alpha and img.mode in ("RGBA", "LA", "P") and fmt in ("PNG", "GIF", "WEBP")
            out = io.BytesIO()
            if has_alpha:
                img = img if img.mode == "RGBA" else img.convert("RGBA")
                img.save(out, format="PNG", optimize=True)
                ext = "png"
            else:
                img = img if img.mode == "RGB" else img.convert("RGB")
                img.save(out, format="JPEG", quality=85, optimize=True)  # no exif= argument: nothing is kept
                ext = "jpg"
            width, height = img.size
    except ValidationError:
        raise
    except Image.DecompressionBombError:  # Pillow's own limit, met on open (far over ours)
        raise ValidationError(_("“%(name)s” is too large an image: please send a smaller one.") % {"name": name},
                              code="too_big") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise ValidationError(_("“%(name)s” is not an image file.") % {"name": name}, code="not_image") from None
    stem = (name.rsplit(".", 1)[0] or "image")[:80]
    return CleanImage(ContentFile(out.getvalue(), name=f"{stem}.{ext}"), f"{stem}.{ext}", width, height)
