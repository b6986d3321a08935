"""The app wires itself here (docs/new-app.md); ``config/settings.py`` only lists it in INSTALLED_APPS."""

from django.utils.translation import pgettext_lazy

from qualityservice.core.apps import PlatformAppConfig
from qualityservice.core.nav import NavItem
from qualityservice.core.roles import Role

WRITERS = (Role.STAFF, Role.HEAD, Role.SUPERVISOR)  # plain staff only with an editor appointment (views check)


class NewsConfig(PlatformAppConfig):
    name = "qualityservice.news"
    label = "news"
    verbose_name = pgettext_lazy("article", "News")
    url_prefix = "news/"
    staff_url_prefix = "staff/news/"
    # Beat entry name: (Celery task name in tasks.py, seconds): scheduled articles go out within a minute.
    periodic_jobs = {"news-publish-due": ("news.publish_due", 60),
                     "news-forget-unused-images": ("news.forget_unused_body_images", 24 * 3600)}
    navigation = (
        NavItem(pgettext_lazy("article", "News"), "news:list", icon="newspaper", roles=(Role.HEAD, Role.SUPERVISOR), order=90),
        NavItem(pgettext_lazy("bulletin", "Work bulletin"), "news:bulletins", icon="journal-text", roles=(Role.SUPERVISOR,),
                order=91),
    )
    # The public news list, article pages, typical examples (with their people), the bulletin archive and the feed come
    # from core.pagecache: saving an Article, a Bulletin or a staff record renders them again.
    page_cache_models = ("Article", "Bulletin", "org.Staff")
    # The public site's menu links to the news (the news pages link to typical examples, the board, the bulletins).
    extension_templates = (("public_nav", "news/_site_nav.html", 70),)

    def ready(self):
        super().ready()
        from . import checks  # noqa: F401 (registers the Word template's check)
