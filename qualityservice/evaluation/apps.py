"""The app wires itself here (docs/new-app.md); ``config/settings.py`` only lists it in INSTALLED_APPS."""

from django.utils.translation import pgettext_lazy

from qualityservice.core.apps import PlatformAppConfig
from qualityservice.core.nav import NavItem
from qualityservice.core.roles import Role

MANAGERS = (Role.HEAD, Role.SUPERVISOR)


class EvaluationConfig(PlatformAppConfig):
    name = "qualityservice.evaluation"
    label = "evaluation"
    verbose_name = pgettext_lazy("evaluation", "Year-end evaluation")
    # The defaults, written out: public pages (urls.py) under /evaluation/, staff pages (staff_urls.py) under
    # /staff/evaluation/.
    url_prefix = "evaluation/"
    staff_url_prefix = "staff/evaluation/"
    navigation = (
        NavItem(pgettext_lazy("evaluation", "Year-end evaluation"), "evaluation:schemes", icon="trophy", roles=MANAGERS, order=82),
        NavItem(pgettext_lazy("evaluation", "Group dashboard"), "evaluation:dashboard", icon="bar-chart", roles=(Role.SUPERVISOR,),
                order=83),
    )
