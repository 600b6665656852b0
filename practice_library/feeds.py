"""Atom feeds of the entries changed most recently, newest change first.

Researchers subscribe instead of signing up for e-mail. An entry's
``updated`` is when it last changed and ``published`` when it first
appeared.
"""

from typing import Any

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.utils.feedgenerator import Atom1Feed


class LatestChangesFeed(Feed):
    """A feed of ``entries``, newest change first, ``length`` at most.

    Entries have ``headline`` (what names them away from their own page),
    ``summary``, ``category_names``, ``updated_at`` and ``published_at``; a
    subclass says which entries and gives the feed's title, subtitle and link.
    """

    feed_type = Atom1Feed
    length = 50

    def entries(self, obj: Any) -> QuerySet:
        raise NotImplementedError

    def items(self, obj: Any) -> QuerySet:
        return self.entries(obj).order_by("-updated_at", "-pk")[: self.length]

    def item_title(self, item: Any) -> str:
        return item.headline

    def item_description(self, item: Any) -> str:
        return item.summary

    def item_updateddate(self, item: Any):
        return item.updated_at

    def item_pubdate(self, item: Any):
        return item.published_at

    def item_categories(self, item: Any) -> list[str]:
        return item.category_names
