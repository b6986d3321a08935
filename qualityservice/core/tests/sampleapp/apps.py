"""A platform app used by the tests only: shows that an app wires itself (URLs, settings, periodic jobs,
navigation, page-cache dependencies) with no edit to config."""

from qualityservice.core.apps import PlatformAppConfig
from qualityservice.core.nav import NavItem
from qualityservice.core.roles import Role


class SampleConfig(PlatformAppConfig):
    name = "qualityservice.core.tests.sampleapp"
    label = "sample"
    verbose_name = "Sample"
    url_prefix = "sample/"
    periodic_jobs = {"sample-tick": ("sample.tick", 90)}
    navigation = (NavItem("Sample", "sample:list", icon="circle", roles=(Role.SUPERVISOR,), order=99),)
    page_cache_models = ("org.Place",)
