"""The feeds of published news and bulletin issues (django.contrib.syndication): RSS at ``feed/``, Atom at
``feed/atom/``; the newest 30 items of both kinds, by publication time."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import pgettext, pgettext_lazy

from . import bulletins
from .models import Article, Bulletin

SIZE = 30


class NewsFeed(Feed):
    title = pgettext_lazy("article", "Logistics news")
    description = pgettext_lazy("article", "News of the logistics group's quality service")

    def link(self):
        return reverse("news:index")

    def items(self):
        articles = list(Article.objects.published().order_by("-published_at", "-pk")[:SIZE])
        issues = list(Bulletin.objects.filter(status=Bulletin.Status.PUBLISHED).order_by("-published_at", "-pk")[:SIZE])
        return sorted(articles + issues, key=lambda item: item.published_at, reverse=True)[:SIZE]

    def item_title(self, item):
        if isinstance(item, Bulletin):
            return f"{item.title}（{bulletins.issue_label(item)}）"
        return item.display_title

    def item_description(self, item):
        if isinstance(item, Bulletin):
            return pgettext("bulletin", "Work bulletin, compiled by %(unit)s") % {"unit": item.unit}
        return item.summary

    def item_link(self, item):
        return item.get_public_url()

    def item_pubdate(self, item):
        return item.published_at


class AtomNewsFeed(NewsFeed):
    feed_type = Atom1Feed
    subtitle = NewsFeed.description
