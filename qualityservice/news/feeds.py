"""The RSS feed of published news (django.contrib.syndication), newest 30."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.translation import pgettext_lazy

from .models import Article


class NewsFeed(Feed):
    title = pgettext_lazy("article", "Logistics news")
    description = pgettext_lazy("article", "News of the logistics group's quality service")

    def link(self):
        return reverse("news:index")

    def items(self):
        return Article.objects.published().order_by("-published_at", "-pk")[:30]

    def item_title(self, item):
        return item.display_title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.get_public_url()

    def item_pubdate(self, item):
        return item.published_at
