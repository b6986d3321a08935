from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CoreConfig(AppConfig):
    name = "qualityservice.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import checks, nav  # noqa: F401 (checks registers the deployment checks)
        from .roles import Role

        nav.register(pgettext_lazy("indicators", "Indicators"), "core:indicators", icon="speedometer2", roles=(Role.HEAD, Role.SUPERVISOR), order=60)
