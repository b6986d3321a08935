"""Small builders shared by the app's tests."""

import io

from PIL import Image


def png_bytes(size=(40, 30), color="teal", exif: bool = False) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, color)
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # Make
        image.save(out, "JPEG", exif=data.tobytes())
    else:
        image.save(out, "PNG")
    return out.getvalue()
