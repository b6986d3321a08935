"""Reading generated PDFs in tests: text, QR codes and embedded fonts."""

from __future__ import annotations

import re
import zlib

import pypdfium2 as pdfium
import zxingcpp


def response_bytes(response) -> bytes:
    return b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content


def page_texts(data: bytes) -> list[str]:
    pdf = pdfium.PdfDocument(data)
    try:
        return [page.get_textpage().get_text_range() for page in pdf]
    finally:
        pdf.close()


def page_qr_codes(data: bytes, *, scale: float = 2.5) -> list[list[str]]:
    """The QR codes decoded from each page rendered to an image (as a phone camera would)."""
    pdf = pdfium.PdfDocument(data)
    try:
        pages = []
        for page in pdf:
            image = page.render(scale=scale).to_pil()
            codes = zxingcpp.read_barcodes(image)
            pages.append(sorted(c.text for c in codes if c.format == zxingcpp.BarcodeFormat.QRCode))
        return pages
    finally:
        pdf.close()


def font_dictionaries(data: bytes) -> bytes:
    """Raw and inflated PDF objects (WeasyPrint stores font dictionaries in compressed object streams)."""
    chunks = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            chunks.append(zlib.decompressobj().decompress(data[match.end() : match.end() + 4_000_000]))
        except zlib.error:
            continue
    return b"\n".join(chunks)


def embedded_font_names(data: bytes) -> set[str]:
    blob = font_dictionaries(data)
    return {m.decode() for m in re.findall(rb"/FontName\s*/([^\s/<>\[\]()]+)", blob)}


def has_font_files(data: bytes) -> bool:
    return re.search(rb"/FontFile[23]?\b", font_dictionaries(data)) is not None
