"""Public form pages served from a per-process cache of their rendered HTML.

The public feedback form and a survey's answer page are what 30,000 people open in the same hour.
Rendering them is ~95 % of their cost (Django's widget templates for every radio and option), and
for an anonymous visitor everything on them is the same for everyone — except the CSRF token and
the form's one-time submission key. So the page is rendered once per (content version, language,
path, extra key) with placeholders for those two values, kept in this process for ``TTL`` seconds,
and each request gets a copy with a fresh masked CSRF token (which also sets the CSRF cookie, as
rendering it would) and a fresh submission key.

The cache is used only for a GET by an anonymous visitor with no pending flash messages; a bound
form (errors), a signed-in user or a page showing a draft is always rendered normally.

Invalidation: models that feed these pages are registered with ``depends_on(Model, …)`` (by each app's
``PlatformAppConfig.page_cache_models``); saving or deleting one of them — or a service calling
``changed(Model, …)`` after an ``.update()``, ``bulk_create()`` or ``bulk_update()``, which send no signal —
makes this process forget its copies at once and changes the shared content version (in the Django cache,
so every app server and process sees it on its next request) **once per transaction, when it commits**: a
roster import saving 2,000 staff writes one version, not 4,000. (A process that rebuilt a page between the
change and the commit read the old rows: the commit's version forgets that copy too.) ``TTL`` bounds what
depends on time alone (a survey reaching its closing time: the POST checks that anyway). A process
re-reads the shared version at most once a second (``VERSION_RECHECK``).

``memo(name, build)`` keeps other derived values under the same version: the choice lists the public
forms validate against, the departments' commitment terms, the holiday calendar — reference data
that a submission would otherwise fetch from the database on every POST. A memo is shared by every request
and thread of the process, so its value must be **immutable**: tuples, frozensets, read-only mappings
(``MappingProxyType``), frozen dataclasses, named tuples, scalars — and model rows as ``frozen(instance)``,
whose ``thaw()`` gives each caller its own instance. ``memo`` refuses anything else (``TypeError``).
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from enum import Enum
from functools import partial
from types import MappingProxyType

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.translation import get_language

CSRF_PLACEHOLDER = "qs-csrf-placeholder-5f1c8e2b"
KEY_PLACEHOLDER = "qs-submission-key-9d3e7a41"
VERSION_KEY = "qs:pagecache:version"
TTL = 60.0
MAX_ENTRIES = 256

VERSION_RECHECK = 1.0

_pages: OrderedDict[tuple, tuple[float, str, str]] = OrderedDict()
_memos: dict[str, tuple[str, float, object]] = {}
_version: dict = {"value": None, "checked": 0.0}
_lock = threading.Lock()
_pending = threading.local()  # per thread (Django's connections are per thread): {db alias: {model labels}}
stats = {"hits": 0, "misses": 0, "bypass": 0, "versions": 0}


def content_version() -> str:
    """The shared version of the cached content (a random token: an evicted key cannot bring back an
    older version). Read from the shared cache at most once per ``VERSION_RECHECK`` seconds."""
    now = time.monotonic()
    if _version["value"] is not None and now - _version["checked"] < VERSION_RECHECK:
        return _version["value"]
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY) or "0"
    _version.update(value=version, checked=now)
    return version


def _forget_here() -> None:
    with _lock:
        _pages.clear()
        _memos.clear()


def invalidate(*args, **kwargs) -> None:
    """Make every process re-render its cached pages and rebuild its memos now: a new shared version.
    This process forgets at once; the others within ``VERSION_RECHECK``. Services use ``changed()``."""
    version = uuid.uuid4().hex
    cache.set(VERSION_KEY, version, None)
    stats["versions"] += 1
    with _lock:
        _pages.clear()
        _memos.clear()
        _version.update(value=version, checked=time.monotonic())


def _publish(using: str) -> None:
    """At commit: one new version for everything this transaction changed (the first of its callbacks does
    it; the others find nothing pending)."""
    pending = getattr(_pending, "models", {})
    if pending.pop(using, None):
        invalidate()


def changed(*models, using: str = DEFAULT_DB_ALIAS) -> None:
    """Rows of ``models`` (registered with ``depends_on``) were changed without a save signal — by
    ``.update()``, ``bulk_create()``, ``bulk_update()`` or SQL: call it in the service that does so, in its
    transaction. This process forgets its copies now; every process once the transaction commits (one
    version per transaction, whatever the number of calls; at once outside a transaction)."""
    _forget_here()
    if not hasattr(_pending, "models"):
        _pending.models = {}
    _pending.models.setdefault(using, set()).update(m._meta.label_lower for m in models)
    # One callback per call (a rolled-back savepoint drops its own); the first to run publishes.
    transaction.on_commit(partial(_publish, using), using=using)


def _changed(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """Signal receiver: a saved or deleted row of a registered model."""
    changed(sender, using=using)


_IMMUTABLE_SCALARS = (type(None), bool, int, float, complex, str, bytes, decimal.Decimal, datetime.date,
                      datetime.time, datetime.timedelta, uuid.UUID, Enum, Promise, range, type)


def _check_immutable(value, name: str, depth: int = 0) -> None:
    if depth > 20 or isinstance(value, _IMMUTABLE_SCALARS) or isinstance(value, Frozen):
        return
    if isinstance(value, tuple | frozenset):
        for item in value:
            _check_immutable(item, name, depth + 1)
        return
    if isinstance(value, MappingProxyType):
        for key, item in value.items():
            _check_immutable(key, name, depth + 1)
            _check_immutable(item, name, depth + 1)
        return
    if dataclasses.is_dataclass(value) and type(value).__dataclass_params__.frozen:
        for f in dataclasses.fields(value):
            _check_immutable(getattr(value, f.name), name, depth + 1)
        return
    raise TypeError(f"pagecache.memo({name!r}): a {type(value).__name__} is mutable and would be shared by every "
                    "request; memoise tuples, frozensets, MappingProxyType, frozen dataclasses or frozen(instance)")


@dataclasses.dataclass(frozen=True)
class Frozen:
    """An immutable copy of a model row (its concrete fields, and the forward relations it had loaded,
    e.g. by ``select_related``), for a memo. ``thaw()`` builds a new instance for each caller."""

    model: type
    attnames: tuple[str, ...]
    values: tuple
    related: tuple[tuple[str, Frozen | None], ...] = ()

    def thaw(self):
        obj = self.model.from_db(None, self.attnames, self.values)
        for name, row in self.related:
            setattr(obj, name, row.thaw() if row is not None else None)
        return obj

    @property
    def pk(self):
        return self.values[self.attnames.index(self.model._meta.pk.attname)]


def frozen(instance) -> Frozen:
    """``instance`` as an immutable :class:`Frozen` row (see there)."""
    opts = instance._meta
    attnames = tuple(f.attname for f in opts.concrete_fields)
    related = tuple(
        (f.name, frozen(getattr(instance, f.name)) if getattr(instance, f.attname) is not None else None)
        for f in opts.concrete_fields if f.is_relation and f.many_to_one and f.is_cached(instance)
    )
    return Frozen(type(instance), attnames, tuple(getattr(instance, a) for a in attnames), related)


def memo(name: str, build: Callable[[], object]):
    """``build()``'s value, kept in this process until the content version changes or ``TTL`` passes.
    Shared by every request of the process: it must be immutable (see the module docstring)."""
    version = content_version()
    now = time.monotonic()
    entry = _memos.get(name)
    if entry is not None and entry[0] == version and entry[1] > now:
        return entry[2]
    value = build()
    _check_immutable(value, name)
    _memos[name] = (version, now + TTL, value)
    return value


def depends_on(*models) -> None:
    """The cached pages show these models: re-render after any of them is saved or deleted (and after a
    service's ``changed(Model)``)."""
    for model in models:
        uid = f"qs-pagecache-{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid + "-save", weak=False)
        post_delete.connect(_changed, sender=model, dispatch_uid=uid + "-delete", weak=False)


def cacheable(request: HttpRequest) -> bool:
    if request.method != "GET" or request.user.is_authenticated:
        return False
    return not len(get_messages(request))


def _filled(request: HttpRequest, html: str, personal: dict | None = None) -> str:
    """``html`` with this request's CSRF token, a fresh submission key and the ``personal`` values (placeholder →
    this request's text, HTML-escaped here) in place of the placeholders."""
    html = html.replace(CSRF_PLACEHOLDER, get_token(request)).replace(KEY_PLACEHOLDER, uuid.uuid4().hex)
    for placeholder, value in (personal or {}).items():
        html = html.replace(placeholder, escape(value))
    return html


def member_cacheable(request: HttpRequest) -> bool:
    """A GET by a signed-in account without a staff role (a member: the header is the same for all of them)
    with no pending flash messages."""
    from .permissions import user_role

    if request.method != "GET" or not request.user.is_authenticated or user_role(request.user) is not None:
        return False
    return not len(get_messages(request))


def member_page(request: HttpRequest, key: tuple, build: Callable[[bool], HttpResponse], personal: dict) -> HttpResponse:
    """:func:`anonymous_page` for a page that every signed-in member sees alike except for a few values:
    ``build(True)`` renders each key of ``personal`` (a placeholder string of its own) where the value goes, and
    each request gets the copy with its own values (escaped). ``key`` must name everything else the page shows
    that may differ (the caller's rows' fields: there is no invalidation for them). Staff, anonymous visitors
    and requests with messages get ``build(False)``."""
    if not member_cacheable(request):
        stats["bypass"] += 1
        return build(False)
    return _serve(request, ("member", *key), build, personal)


def anonymous_page(request: HttpRequest, key: tuple, build: Callable[[bool], HttpResponse]) -> HttpResponse:
    """Serve ``build``'s page for ``request``, from the cache when it can be.

    ``build(placeholders)`` renders the page; with ``placeholders=True`` it must render the CSRF
    token as ``CSRF_PLACEHOLDER`` (``placeholder_context()`` does that when merged into the template
    context) and any one-time submission key as ``KEY_PLACEHOLDER``. Only a 200 is cached."""
    if not cacheable(request):
        stats["bypass"] += 1
        return build(False)
    return _serve(request, key, build, None)


def _serve(request: HttpRequest, key: tuple, build: Callable[[bool], HttpResponse], personal: dict | None) -> HttpResponse:
    full_key = (content_version(), get_language(), request.get_full_path(), *key)
    now = time.monotonic()
    with _lock:
        entry = _pages.get(full_key)
        if entry is not None and entry[0] > now:
            _pages.move_to_end(full_key)
        else:
            entry = None
    if entry is not None:
        stats["hits"] += 1
        return HttpResponse(_filled(request, entry[1], personal), content_type=entry[2])
    stats["misses"] += 1
    response = build(True)
    if response.streaming:
        return response
    html = response.content.decode(response.charset)
    if response.status_code != 200:  # not cached, but filled like any other
        response.content = _filled(request, html, personal)
        return response
    content_type = response.get("Content-Type", "text/html; charset=utf-8")
    with _lock:
        _pages[full_key] = (now + TTL, html, content_type)
        while len(_pages) > MAX_ENTRIES:
            _pages.popitem(last=False)
    return HttpResponse(_filled(request, html, personal), content_type=content_type)


def placeholder_context() -> dict:
    """Template context that renders ``{% csrf_token %}`` / ``{{ csrf_token }}`` as the placeholder."""
    return {"csrf_token": CSRF_PLACEHOLDER}


def clear() -> None:
    """Forget this process's cached pages, memos, version and pending changes (tests)."""
    with _lock:
        _pages.clear()
        _memos.clear()
        _version.update(value=None, checked=0.0)
    _pending.models = {}
