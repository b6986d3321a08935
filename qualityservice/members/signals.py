"""What other apps hook into (they may import members; members imports none of them).

``personal_data`` — a member downloads their own data. Receivers get ``user`` and return a list of
``DataSection`` (their records of this account), or [].

``account_closing`` — a member closes their account. Receivers get ``user`` and remove the
account's identity from their records *in the caller's transaction*, keeping the records (and so
every count); they return how many records they changed. The account is deleted afterwards.

Connect in ``AppConfig.ready()``, e.g. ``signals.account_closing.connect(forget_member, dispatch_uid="feedback")``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.dispatch import Signal

personal_data = Signal()
account_closing = Signal()


@dataclass
class DataSection:
    key: str  # JSON key, e.g. "feedback"
    title: str  # sheet title, translated
    headers: Sequence[str]
    rows: list[Sequence] = field(default_factory=list)
