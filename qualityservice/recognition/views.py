"""Staff pages (staff_urls.py, under /staff/recognition/): the list, one view to create and edit, the
detail with its moves; and the public item page (urls.py) by its unguessable code.

Every staff view takes its rows from ``Item.objects.visible_to(request.user)``: an item of another
department is a 404, like a page the role may not open (``role_required``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from qualityservice.core import pagecache
from qualityservice.core.pagination import KeysetPaginator
from qualityservice.core.permissions import role_required
from qualityservice.core.roles import Role
from qualityservice.core.workflow import TransitionError

from . import services
from .forms import ItemForm
from .models import Item
from .workflows import ITEM

MANAGERS = (Role.HEAD, Role.SUPERVISOR)  # administrators pass role_required too
PAGE_SIZE = 30


def _item(request: HttpRequest, pk: int) -> Item:
    return get_object_or_404(Item.objects.visible_to(request.user).select_related("department"), pk=pk)


@role_required(*MANAGERS)
def item_list(request: HttpRequest) -> HttpResponse:
    items = Item.objects.visible_to(request.user).select_related("department")
    # Keyset pages and a capped count: LIMIT in the database, constant time at any depth.
    page = KeysetPaginator(items, ordering=("-created_at", "-pk"), per_page=PAGE_SIZE).page(request.GET)
    return render(request, "recognition/item_list.html", {"page_obj": page, "new_url": reverse("recognition:new")})


@role_required(*MANAGERS)
def item_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """New item (``pk`` None) or a draft's changes: one view, one form."""
    item = _item(request, pk) if pk is not None else None
    if item is not None and not item.is_draft:
        messages.error(request, pgettext("item", "Only a draft can be changed."))
        return redirect(item)
    form = ItemForm(request.POST or None, instance=item, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS}
        if item is None:
            item, created = services.create_item(key=form.cleaned_data["submission_key"], by=request.user, **data)
            if created:
                messages.success(request, pgettext("item", "Item created."))
            return redirect(item)
        try:
            item = services.update_item(item, **data)
        except ValidationError as exc:  # submitted by someone else meanwhile
            form.add_error(None, exc)
        else:
            messages.success(request, pgettext("item", "Item saved."))
            return redirect(item)
    back = item.get_absolute_url() if item is not None else reverse("recognition:list")
    title = pgettext("item", "Edit item") if item is not None else pgettext("item", "New item")
    return render(request, "org/form.html", {"form": form, "title": title, "back": back, "once": item is None})


@role_required(*MANAGERS)
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    return render(request, "recognition/item_detail.html", {
        "item": item, "moves": ITEM.allowed(request.user, item), "events": services.timeline(item), "list_url": reverse("recognition:list"),
    })


@require_POST
@role_required(*MANAGERS)
def item_move(request: HttpRequest, pk: int) -> HttpResponse:
    """One of the detail page's buttons (``action`` in the POST). A refused move changes nothing and says why."""
    item = _item(request, pk)
    action = request.POST.get("action", "")
    try:
        services.move(item, action, by=request.user)
    except TransitionError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, pgettext("item", "Done: %(action)s") % {"action": ITEM.label(action)})
    return redirect(item)


def item_public(request: HttpRequest, code: str) -> HttpResponse:
    """Anyone with the code (printed, sent by mail) sees the item's title and status. Anonymous visitors get
    the page from core.pagecache; saving an item renders it again (``page_cache_models``)."""

    def build(placeholders: bool) -> HttpResponse:
        item = get_object_or_404(Item.objects.select_related("department"), code=code)
        return render(request, "recognition/item_public.html", {"item": item})

    return pagecache.anonymous_page(request, ("recognition-item",), build)
