"""The one rule for names and titles kept in two languages: a model stores ``<field>`` (Chinese, required)
and ``<field>_en`` (English, optional); pages show the English one when the page is in English and one
exists, else the Chinese one."""

from __future__ import annotations

from django.utils.translation import get_language


def localised(obj, field: str) -> str:
    """``obj.<field>_en`` when the active language is English and it is filled in, else ``obj.<field>``."""
    if (get_language() or "").startswith("en"):
        value = getattr(obj, f"{field}_en", "")
        if value:
            return value
    return getattr(obj, field)


class LocalisedNameMixin:
    """``display_name``: the model's ``name`` or ``name_en`` (see ``localised``)."""

    @property
    def display_name(self) -> str:
        return localised(self, "name")
