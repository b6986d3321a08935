"""One way to make a create idempotent (architecture convention 15).

A form that creates a record carries a random submission key (hidden field, :class:`SubmissionKeyFormMixin`);
the record stores it in a :class:`SubmissionKeyField` (unique); the view creates through
:func:`create_once`, which answers a repeated key (a double click, a resent POST, a race between two
requests) with the record the first one made::

    obj, created = create_once(Reply, scoped("reply", form.cleaned_data["submission_key"]),
                               lambda key: Reply.objects.create(..., submission_key=key))

The unique constraint is the guarantee; the look-up first is only a shortcut. Keys are scoped by a
prefix per kind of form so that two forms sharing a table cannot collide, and hashed when too long.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

T = TypeVar("T", bound=models.Model)
KEY_LENGTH = 64
_KEY_CHARS = re.compile(r"^[A-Za-z0-9_\-]{8,64}$")


def new_key() -> str:
    """A fresh random key for a form's hidden field."""
    return uuid.uuid4().hex


def scoped(prefix: str, key) -> str | None:
    """The stored key for ``key`` submitted through the form kind ``prefix`` (None without a key).
    Longer than the column: a SHA-256 digest, so distinct keys stay distinct."""
    if not key:
        return None
    value = f"{prefix}:{key}"
    if len(value) > KEY_LENGTH:
        value = f"{prefix[:10]}#" + hashlib.sha256(value.encode()).hexdigest()[: KEY_LENGTH - len(prefix[:10]) - 1]
    return value


class SubmissionKeyField(models.CharField):
    """The column that holds a record's submission key: unique, optional (records made by jobs or
    imports may have none), not editable."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", KEY_LENGTH)
        kwargs.setdefault("unique", True)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        # Only what differs from this field's own defaults, but that explicitly: a copy without the
        # unique constraint (e.g. simple-history's historical table) must not come back unique.
        actual = {"max_length": self.max_length, "unique": self._unique, "null": self.null, "blank": self.blank,
                  "editable": self.editable}
        for key, default in (("max_length", KEY_LENGTH), ("unique", True), ("null", True), ("blank", True),
                             ("editable", False)):
            if actual[key] == default:
                kwargs.pop(key, None)
            else:
                kwargs[key] = actual[key]
        return name, "qualityservice.core.submissions.SubmissionKeyField", args, kwargs


class SubmissionKeyFormMixin(forms.Form):
    """Adds the hidden ``submission_key`` to a form; a fresh key when the form is first shown."""

    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=KEY_LENGTH, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", new_key())

    def clean_submission_key(self) -> str | None:
        value = (self.cleaned_data.get("submission_key") or "").strip()
        if not value:
            return None
        if not _KEY_CHARS.match(value):
            raise forms.ValidationError(_("The form is out of date: reload the page and submit again."))
        return value


def create_once(model: type[T], key: str | None, create: Callable[[str | None], T], *,
                field: str = "submission_key", look_up_first: bool = True) -> tuple[T, bool]:
    """Create through ``create(key)`` unless a record with this key exists; returns (record, created).
    Safe against a concurrent request with the same key: the loser's insert fails on the unique
    constraint and it returns the winner's record. ``create`` runs in a transaction (a savepoint inside
    the caller's), so that it may write several rows.

    ``look_up_first=False`` for a hot path where a repeated key is rare (a public form): no SELECT
    before the insert; the unique constraint alone answers a repeat, and the look-up runs only after
    the insert failed."""
    manager = model._default_manager
    if key and look_up_first:
        existing = manager.filter(**{field: key}).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            return create(key), True
    except IntegrityError:
        if key:
            existing = manager.filter(**{field: key}).first()
            if existing is not None:
                return existing, False
        raise
