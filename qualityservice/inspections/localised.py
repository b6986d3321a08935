"""The one rule of the app for text stored in two languages: a field ``x`` (Chinese, required) has a
companion ``x_en`` (English, optional); the reader gets ``x_en`` when their language is English and it
is filled, else ``x``.

Models mix in :class:`LocalisedTextMixin` and read ``obj.localised("x")`` (templates read the
``display_…`` properties the models define with it); code holding plain values (``values_list`` rows of
an export) calls :func:`pick`.
"""

from __future__ import annotations

from django.utils.translation import get_language


def english() -> bool:
    """Whether the reader's (active) language is English."""
    return (get_language() or "").startswith("en")


def pick(chinese: str, english_text: str | None) -> str:
    """``english_text`` when the language is English and it is not empty, else ``chinese``."""
    return english_text if english_text and english() else chinese


class LocalisedTextMixin:
    """``localised(field)``: the model's ``<field>_en`` when the reader's language is English and it is
    filled, else ``<field>``."""

    def localised(self, field: str) -> str:
        return pick(getattr(self, field), getattr(self, f"{field}_en", ""))
