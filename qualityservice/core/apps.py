"""The core app, and ``PlatformAppConfig``: how every other app wires itself into the platform.

An app declares what it brings on its ``AppConfig`` (architecture convention 16); ``config`` only lists
the app in ``INSTALLED_APPS``. ``core.registry`` collects the declarations for ``config/urls.py`` (the URL
includes) and ``config/celery.py`` (the beat schedule); ``ready()`` registers the rest::

    class ExampleConfig(PlatformAppConfig):
        name = "qualityservice.example"
        label = "example"
        verbose_name = _("Examples")
        url_prefix = "example/"                 # example/urls.py (public pages); the default is "<label>/"
        staff_url_prefix = "staff/example/"     # example/staff_urls.py; the default is "staff/<label>/"
        periodic_jobs = {"example-remind": ("example.send_reminders", 900)}    # name: (task, seconds)
        navigation = (NavItem(_("Examples"), "example:list", icon="calendar-event", roles=(Role.HEAD,), order=70),)
        extension_templates = (("department_detail", "example/_department_examples.html", 70),)
        page_cache_models = ("Example", "Part")   # models shown on cached public pages ("app.Model" too)

(A complete one: ``qualityservice/events/apps.py``.)

Modules found by name in the app's package, each optional:

- ``urls.py`` (public pages, under ``url_prefix``), ``staff_urls.py`` (under ``staff_url_prefix``) and
  ``short_urls.py`` (at the site root: the short URLs printed in QR codes, ``b/…``, ``s/…``, which never
  change once printed). Each defines ``urlpatterns`` only; the three share the namespace ``<label>``.
- ``conf.py``: the app's settings with their defaults (``core.conf``), applied when the app is loaded.
- ``indicators.py`` with ``INDICATORS``: registered with ``core.indicators``.
- ``tasks.py``: imported at start, so that its Celery tasks exist in every process.
- ``demo.py`` (``seed(out, rng)``) and ``scale.py`` (``generate(out, rng, counts)``): ``manage.py seed_demo`` and
  ``generate_scale_data`` run them in ``INSTALLED_APPS`` order.
- ``todos.py`` (``todos(user, role) -> list[core.todos.Todo]``): the app's lines on the staff workbench, with counts
  and links, in a constant number of queries (``core.todos``).

An app with more to register (e.g. org's reported departments) overrides ``ready()`` and calls ``super().ready()``.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import ClassVar

from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def optional_module(dotted: str) -> ModuleType | None:
    """``dotted`` imported, or None when that module does not exist (an error inside it is raised)."""
    try:
        return importlib.import_module(dotted)
    except ModuleNotFoundError as exc:
        if exc.name == dotted:
            return None
        raise


class PlatformAppConfig(AppConfig):
    """Base of every platform app's config (see the module docstring)."""

    # Django picks the one AppConfig subclass an apps.py defines; this base, imported there, is not one.
    default = False

    url_prefix: ClassVar[str | None] = None  # None: "<label>/"; "" for pages at the site root
    staff_url_prefix: ClassVar[str | None] = None  # None: "staff/<label>/"
    periodic_jobs: ClassVar[dict] = {}  # beat entry name -> (task name, seconds or a celery schedule)
    navigation: ClassVar[tuple] = ()  # core.nav.NavItem entries of the staff side navigation
    extension_templates: ClassVar[tuple] = ()  # (point, template, order) for core.extensions
    page_cache_models: ClassVar[tuple] = ()  # model names ("Category", or "org.Place") for core.pagecache

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "default" not in cls.__dict__:
            cls.default = True

    def __init__(self, app_name, app_module):
        super().__init__(app_name, app_module)
        from . import conf

        self.settings_module = optional_module(f"{self.name}.conf")
        if self.settings_module is not None:
            conf.apply_defaults(self.settings_module)

    # --- URLs ----------------------------------------------------------------------------

    @property
    def public_prefix(self) -> str:
        return f"{self.label}/" if self.url_prefix is None else self.url_prefix

    @property
    def staff_prefix(self) -> str:
        return f"staff/{self.label}/" if self.staff_url_prefix is None else self.staff_url_prefix

    def url_modules(self) -> list[tuple[str, ModuleType]]:
        """(prefix, module) of the app's URL modules that exist: short URLs, public pages, staff pages."""
        found = []
        for module, prefix in (("short_urls", ""), ("urls", self.public_prefix), ("staff_urls", self.staff_prefix)):
            mod = optional_module(f"{self.name}.{module}")
            if mod is not None:
                found.append((prefix, mod))
        return found

    # --- Start ---------------------------------------------------------------------------

    def ready(self):
        from . import extensions, indicators, nav, pagecache

        for item in self.navigation:
            nav.register(item.label, item.url_name, icon=item.icon, roles=item.roles, order=item.order)
        for point, template, order in self.extension_templates:
            extensions.register(point, template, order=order)
        if self.page_cache_models:
            pagecache.depends_on(*(apps.get_model(m if "." in m else f"{self.label}.{m}") for m in self.page_cache_models))
        published = optional_module(f"{self.name}.indicators")
        if published is not None and hasattr(published, "INDICATORS"):
            indicators.register(*published.INDICATORS)
        optional_module(f"{self.name}.tasks")


class CoreConfig(AppConfig):
    name = "qualityservice.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import checks, nav  # noqa: F401 (checks registers the deployment checks)
        from .roles import Role

        nav.register(pgettext_lazy("indicators", "Indicators"), "core:indicators", icon="speedometer2", roles=(Role.HEAD, Role.SUPERVISOR), order=60)
