"""Helpers to create feedback in tests of this app (through the app's own creation function)."""

from __future__ import annotations

import io

from PIL import Image

from qualityservice.feedback.models import Channel, Kind
from qualityservice.feedback.services import create_record


def make_feedback(org, **kwargs):
    defaults = {
        "kind": Kind.COMPLAINT,
        "channel": Channel.WEB,
        "department": org.wuye,
        "title": "楼道灯坏了",
        "body": "学生公寓1号楼三楼楼道灯坏了一周，晚上很黑。",
        "submitter_name": "张同学",
        "submitter_contact": "13800000000",
        "anonymous": False,
    }
    defaults.update(kwargs)
    return create_record(**defaults)


def jpeg_bytes(*, gps: bool = True, size=(64, 48), colour=(200, 30, 30)) -> bytes:
    """A small JPEG, with EXIF GPS tags when ``gps``."""
    img = Image.new("RGB", size, colour)
    out = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "TestCam"  # Make
        gps_ifd = {1: "N", 2: (36.0, 4.0, 30.0), 3: "E", 4: (120.0, 29.0, 10.0)}
        exif[0x8825] = gps_ifd
        img.save(out, format="JPEG", exif=exif)
    else:
        img.save(out, format="JPEG")
    return out.getvalue()


def png_bytes(size=(40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 120, 200, 128)).save(out, format="PNG")
    return out.getvalue()
