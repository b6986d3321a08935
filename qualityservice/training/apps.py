"""The app wires itself here (docs/new-app.md); ``config/settings.py`` only lists it in INSTALLED_APPS."""

from django.utils.translation import pgettext_lazy

from qualityservice.core.apps import PlatformAppConfig
from qualityservice.core.nav import NavItem
from qualityservice.core.roles import Role

MANAGERS = (Role.HEAD, Role.SUPERVISOR)


class TrainingConfig(PlatformAppConfig):
    name = "qualityservice.training"
    label = "training"
    verbose_name = pgettext_lazy("training", "Training")
    # Staff pages only (staff_urls.py, under /staff/training/); no public page, no periodic job.
    navigation = (
        NavItem(pgettext_lazy("training", "Training"), "training:list", icon="easel", roles=MANAGERS, order=70),
        # Every signed-in staff member: their own record.
        NavItem(pgettext_lazy("training", "My training"), "training:mine", icon="journal-check", order=71),
    )
    # The staff record (org) shows the member's training this year.
    extension_templates = (("staff_detail", "training/_staff_training.html", 40),)
