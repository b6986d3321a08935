"""The image sanitiser bounds memory before decoding: the decoded size comes from the header and must
fit QS_IMAGE_DECODE_MB, a JPEG is decoded at a reduced scale by libjpeg, and at most
QS_IMAGE_CONCURRENCY images are processed at once per process (bench/image_memory.py measures it)."""

import inspect
import io
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from PIL import Image, ImageFile, PngImagePlugin

from qualityservice.core import images
from qualityservice.core.images import image_slot, sanitize_image


def encoded(mode, size, fmt="PNG", colour=None, **options) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, colour if colour is not None else (40, 120, 200, 128)[: len(mode)] if mode != "P" else 3).save(
        out, format=fmt, **options)
    return out.getvalue()


@pytest.fixture
def decoded_sizes(monkeypatch):
    """The size of every image Pillow actually decodes; no decode at all when the list stays empty."""
    sizes = []
    original = ImageFile.ImageFile.load

    def load(self):
        if self.tile:
            sizes.append(self.size)
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return sizes


def test_it_refuses_the_reported_png_bomb_before_decoding_it(decoded_sizes):
    # 7740 × 7740 RGBA: ~240 KB on disk, 240 MB decoded — under the 60 megapixel cap, over the budget.
    bomb = encoded("RGBA", (7740, 7740), optimize=True)
    assert len(bomb) < 300_000
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        sanitize_image(bomb, "bomb.png")
    assert exc.value.code == "too_big"
    assert exc.value.messages == ["“bomb.png” is too large an image (7740 × 7740 pixels): please send a smaller one."]
    assert decoded_sizes == []


def test_it_says_so_in_chinese(settings):
    settings.QS_IMAGE_DECODE_MB = 1
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        sanitize_image(encoded("RGBA", (600, 600)), "大图.png")
    assert exc.value.messages == ["“大图.png”像素过大（600 × 600 像素），请缩小后再上传。"]


def test_it_accepts_the_largest_png_the_budget_allows_and_refuses_one_row_more(settings, decoded_sizes):
    settings.QS_IMAGE_DECODE_MB = 1  # 1 MiB = 512 × 512 RGBA pixels of 4 bytes
    clean = sanitize_image(encoded("RGBA", (512, 512)), "edge.png")
    assert (clean.width, clean.height) == (512, 512) and clean.name == "edge.png"
    with pytest.raises(ValidationError, match="512 × 513"):
        sanitize_image(encoded("RGBA", (512, 513)), "over.png")
    assert decoded_sizes == [(512, 512)]


def test_it_counts_the_bytes_per_pixel_of_the_mode(settings):
    settings.QS_IMAGE_DECODE_MB = 1
    grey = sanitize_image(encoded("L", (1024, 1024), colour=90), "grey.png")  # 1 byte per pixel: fits
    assert (grey.width, grey.height) == (1024, 1024)
    with pytest.raises(ValidationError, match="1024 × 1024"):
        sanitize_image(encoded("RGB", (1024, 1024)), "colour.png")  # stored with 4 bytes per pixel


def test_it_decodes_a_phone_photo_at_half_scale_instead_of_full_size(decoded_sizes):
    photo = encoded("RGB", (4000, 3000), fmt="JPEG", quality=80)
    clean = sanitize_image(photo, "IMG_0001.jpg")
    assert decoded_sizes == [(2000, 1500)]  # libjpeg scaled while decoding: 12 MB of pixels, not 48
    assert (clean.width, clean.height) == (2000, 1500)


def test_it_decodes_a_jpeg_at_the_scale_the_budget_needs(settings, decoded_sizes):
    settings.QS_IMAGE_DECODE_MB = 1
    clean = sanitize_image(encoded("RGB", (2000, 2000), fmt="JPEG"), "big.jpg")
    assert decoded_sizes == [(500, 500)] and (clean.width, clean.height) == (500, 500)


def test_it_counts_the_coefficients_a_progressive_jpeg_keeps_in_memory(settings, decoded_sizes):
    settings.QS_IMAGE_DECODE_MB = 1
    # Same pixels; the progressive one needs 6 MB of DCT coefficients at full size whatever the scale.
    baseline = sanitize_image(encoded("RGB", (1024, 1024), fmt="JPEG", subsampling=0), "baseline.jpg")
    assert (baseline.width, baseline.height) == (512, 512)
    with pytest.raises(ValidationError, match="1024 × 1024"):
        sanitize_image(encoded("RGB", (1024, 1024), fmt="JPEG", subsampling=0, progressive=True), "progressive.jpg")
    assert decoded_sizes == [(512, 512)]


def test_it_refuses_an_oversized_webp_before_libwebp_allocates_its_canvas(settings, monkeypatch):
    settings.QS_IMAGE_DECODE_MB = 4
    webp = encoded("RGBA", (600, 600), fmt="WEBP", lossless=True)  # 600² × 4 bytes × 4 copies = 5.5 MiB

    def refuse(*args, **kwargs):
        raise AssertionError("opened")

    monkeypatch.setattr(Image, "open", refuse)
    with pytest.raises(ValidationError, match="600 × 600"):
        sanitize_image(webp, "big.webp")


def test_it_refuses_a_png_carrying_megabytes_of_compressed_text():
    info = PngImagePlugin.PngInfo()
    for i in range(6):
        info.add_text(f"k{i}", "a" * 1_000_000, zip=True)  # 6 MB once inflated, a few KB in the file
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="PNG", pnginfo=info)
    with translation.override("en"), pytest.raises(ValidationError, match="is not an image file"):
        sanitize_image(out.getvalue(), "text.png")


def test_it_has_settings_of_its_own_and_reads_no_feedback_setting(settings):
    assert "QS_FEEDBACK" not in inspect.getsource(images)
    settings.QS_FEEDBACK_MAX_IMAGE_BYTES = 10
    settings.QS_IMAGE_MAX_BYTES = 5 * 1024 * 1024
    small = encoded("RGB", (40, 30), fmt="JPEG")
    assert sanitize_image(small, "a.jpg").width == 40
    settings.QS_IMAGE_MAX_BYTES = 100
    with translation.override("en"), pytest.raises(ValidationError, match="larger than"):
        sanitize_image(small, "a.jpg")


def test_it_processes_no_more_images_at_once_than_the_setting_allows(settings, monkeypatch):
    settings.QS_IMAGE_CONCURRENCY = 2
    running, peak, lock = [0], [0], threading.Lock()
    original = images._sanitize

    def slow(*args):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.05)
        try:
            return original(*args)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(images, "_sanitize", slow)
    photo, done = encoded("RGB", (64, 48), fmt="JPEG"), []
    threads = [threading.Thread(target=lambda: done.append(sanitize_image(photo, "p.jpg"))) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(done) == 6 and peak[0] == 2


def test_it_asks_to_try_again_when_no_slot_frees_up_in_time(settings):
    settings.QS_IMAGE_CONCURRENCY = 1
    settings.QS_IMAGE_WAIT_SECONDS = 0.05
    with image_slot(), translation.override("en"), pytest.raises(ValidationError) as exc:
        sanitize_image(encoded("RGB", (64, 48), fmt="JPEG"), "p.jpg")
    assert exc.value.code == "busy" and "in a moment" in exc.value.messages[0]
    assert sanitize_image(encoded("RGB", (64, 48), fmt="JPEG"), "p.jpg").width == 64  # the slot is free again
