"""What views, jobs and the demo do with items: create once per form (``core.submissions``), change a draft,
move through ``workflows.ITEM`` (``core.workflow``), read the timeline."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import pgettext

from qualityservice.core.models import WorkflowEvent
from qualityservice.core.submissions import create_once, scoped

from .models import Item
from .workflows import ITEM

EDITABLE_FIELDS = ("department", "title", "title_en")


def create_item(*, key: str | None, by, department, title: str, title_en: str = "") -> tuple[Item, bool]:
    """A new draft, once per form: the same ``key`` again (a double click, a resent POST, two requests at
    once) returns the first request's item and ``created=False``."""

    def create(stored_key):
        return Item.objects.create(department=department, title=title, title_en=title_en, submission_key=stored_key,
                                   created_by=by if getattr(by, "is_authenticated", False) else None)

    return create_once(Item, scoped("recognition-item", key), create)


@transaction.atomic
def update_item(item: Item, **fields) -> Item:
    """Change a draft's ``EDITABLE_FIELDS``. Refused (ValidationError) once the item is no draft, also when
    another request submitted it after this one read it: the row is locked and only these columns written."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    locked = Item.objects.select_for_update().get(pk=item.pk)
    if not locked.is_draft:
        raise ValidationError(pgettext("item", "Only a draft can be changed."))
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(fields))
    return locked


def move(item: Item, action: str, *, by, note: str = "") -> Item:
    """Take a workflow action as ``by``; raises ``TransitionError`` with a message for the user."""
    return ITEM.apply(item, action, by=by, note=note)


def timeline(item: Item) -> list[WorkflowEvent]:
    """The item's moves, oldest first, each with its sentence in the reader's language (``text``): one query."""
    events = list(WorkflowEvent.for_object(item).select_related("actor__staff"))
    for event in events:
        event.text = ITEM.describe(event.action, event.params)
    return events


def close_stale_items(*, now: dt.datetime | None = None) -> int:
    """Close the items submitted more than ``QS_RECOGNITION_CLOSE_AFTER_DAYS`` days ago (the hourly job).
    Idempotent: each row is locked and moved once; a row another worker closed first is skipped."""
    days = settings.QS_RECOGNITION_CLOSE_AFTER_DAYS
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    stale = Item.objects.filter(status=Item.Status.SUBMITTED, submitted_at__lt=cutoff)
    return ITEM.apply_each(stale, "expire", days=days)
