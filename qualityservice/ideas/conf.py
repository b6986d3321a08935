"""The golden ideas' settings, from the environment (core.conf); each name becomes ``settings.<NAME>`` unless the
settings module set it."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ImproperlyConfigured

from qualityservice.core.conf import env, env_int


def _env_decimal(name: str, default: str) -> Decimal:
    raw = env(name, default)
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ImproperlyConfigured(f"{name} must be a decimal number, got {raw!r}") from None
    if not value.is_finite() or value <= 0:
        raise ImproperlyConfigured(f"{name} must be greater than zero, got {raw!r}")
    return value


# Ceilings of a benefit per year (expected on the form, and measured): anything above is refused as absurd.
QS_IDEAS_MAX_YUAN = env_int("QS_IDEAS_MAX_YUAN", 2_000_000)
QS_IDEAS_MAX_KWH = env_int("QS_IDEAS_MAX_KWH", 5_000_000)
QS_IDEAS_MAX_WATER = env_int("QS_IDEAS_MAX_WATER", 1_000_000)
# The tariffs the measurement form proposes (yuan per kWh, per tonne of water); the owner corrects them from
# the invoices.
QS_IDEAS_TARIFF_KWH = _env_decimal("QS_IDEAS_TARIFF_KWH", "0.62")
QS_IDEAS_TARIFF_WATER = _env_decimal("QS_IDEAS_TARIFF_WATER", "4.10")
# How many of a round's ideas the similar-idea look-up compares a title with (the newest first): bounds the
# work per keystroke whatever the number of stored ideas.
QS_IDEAS_SIMILAR_CANDIDATES = env_int("QS_IDEAS_SIMILAR_CANDIDATES", 1000)
# Files per idea or measurement, and the size of each (MB).
QS_IDEAS_MAX_FILES = env_int("QS_IDEAS_MAX_FILES", 6)
QS_IDEAS_MAX_UPLOAD_MB = env_int("QS_IDEAS_MAX_UPLOAD_MB", 5)
