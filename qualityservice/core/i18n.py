"""The one rule for names and texts kept in two languages: a model stores ``<field>`` (Chinese, required)
and ``<field>_en`` (English, optional); pages, PDFs and exports show the English one when the reader's
language is English and one exists, else the Chinese one.

Models mix in :class:`LocalisedNameMixin` (``display_name``) or :class:`LocalisedTextMixin`
(``obj.localised("title")``); code holding plain values (``values_list`` rows of an export) calls
:func:`pick`. Templates use the ``localised`` filter of ``qs_tags`` (``{{ obj|localised:"title" }}``, also
for ``values()`` rows: ``{{ row|localised:"department__name" }}``); admin lists use :func:`admin_column`.
Every named reference model (departments and teams, places, categories, commitments, service phrases,
colleges, checklists) shows its name through these, on pages, in exports, PDFs and notifications, and in
form choices (its ``__str__`` is the localised name)."""

from __future__ import annotations

from django.utils.translation import get_language


def english() -> bool:
    """Whether the reader's (active) language is English."""
    return (get_language() or "").startswith("en")


def pick(chinese: str, english_text: str | None) -> str:
    """``english_text`` when the language is English and it is not empty, else ``chinese``."""
    return english_text if english_text and english() else chinese


def localised(obj, field: str) -> str:
    """``obj.<field>_en`` when the active language is English and it is filled in, else ``obj.<field>``.
    ``obj`` may also be a mapping (a ``values()`` row: ``localised(row, "department__name")``)."""
    if isinstance(obj, dict):
        return pick(obj.get(field) or "", obj.get(f"{field}_en"))
    return pick(getattr(obj, field), getattr(obj, f"{field}_en", ""))


def admin_column(field: str, description):
    """A ``list_display`` column of the admin showing ``localised(obj, field)``, sorted by ``field``."""

    def column(obj):
        return localised(obj, field)

    column.short_description = description
    column.admin_order_field = field
    column.__name__ = f"localised_{field}"
    return column


class LocalisedTextMixin:
    """``localised(field)``: the model's ``<field>_en`` or ``<field>`` (see :func:`localised`)."""

    def localised(self, field: str) -> str:
        return localised(self, field)


class LocalisedNameMixin(LocalisedTextMixin):
    """``display_name``: the model's ``name`` or ``name_en``."""

    @property
    def display_name(self) -> str:
        return localised(self, "name")
