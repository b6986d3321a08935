"""Server-side SVG charts (no JavaScript: the same markup goes on the page and into the PDF)."""

from __future__ import annotations

import math
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def radar(labels: list[str], points: list[Decimal | None], *, size: int = 320) -> SafeString:
    """A radar chart of component points (0–100); a not applicable component is drawn at the centre, dashed label."""
    n = len(labels)
    if n < 3:  # a radar needs three axes; fewer are drawn as bars
        return bars(labels, points)
    c, r = size / 2, size / 2 - 70
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="qs-radar" viewBox="0 0 {size} {size}" width="{size}" height="{size}" role="img">']
    for ring in (25, 50, 75, 100):
        ring_pts = " ".join(f"{c + r * ring / 100 * math.sin(2 * math.pi * i / n):.1f},{c - r * ring / 100 * math.cos(2 * math.pi * i / n):.1f}"
                            for i in range(n))
        parts.append(f'<polygon points="{ring_pts}" fill="none" stroke="#ccc" stroke-width="1"/>')
    shape = []
    for i, (label, p) in enumerate(zip(labels, points, strict=True)):
        angle = 2 * math.pi * i / n
        x, y = c + r * math.sin(angle), c - r * math.cos(angle)
        parts.append(f'<line x1="{c}" y1="{c}" x2="{x:.1f}" y2="{y:.1f}" stroke="#ccc"/>')
        lx, ly = c + (r + 14) * math.sin(angle), c - (r + 14) * math.cos(angle)
        anchor = "middle" if abs(math.sin(angle)) < 0.3 else ("start" if math.sin(angle) > 0 else "end")
        parts.append(f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="10" text-anchor="{anchor}">{escape(label)}</text>')
        v = float(p or 0) / 100
        shape.append(f"{c + r * v * math.sin(angle):.1f},{c - r * v * math.cos(angle):.1f}")
    parts.append(f'<polygon points="{" ".join(shape)}" fill="rgba(13,110,253,0.25)" stroke="#0d6efd" stroke-width="2"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text is escaped above


def bars(labels: list[str], values: list[Decimal | float | None], *, width: int = 320, maximum: float | None = None,
         shown: list[str] | None = None) -> SafeString:
    """One horizontal bar per label; ``shown`` the values as written beside the bars (default: as they are)."""
    shown = shown or ["—" if v is None else str(v) for v in values]
    rows = max(1, len(labels))
    top = maximum or max([float(v) for v in values if v is not None] + [1.0])
    height = rows * 22 + 4
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="qs-bars" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img">']
    for i, (label, v, text) in enumerate(zip(labels, values, shown, strict=True)):
        y = i * 22 + 2
        w = 0 if v is None else (width - 130) * float(v) / top
        parts.append(f'<text x="0" y="{y + 14}" font-size="10">{escape(label[:14])}</text>')
        parts.append(f'<rect x="100" y="{y + 3}" width="{max(w, 0):.1f}" height="14" fill="#0d6efd"/>')
        parts.append(f'<text x="{104 + max(w, 0):.1f}" y="{y + 14}" font-size="10">{escape(text)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
