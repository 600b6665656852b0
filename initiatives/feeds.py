"""Atom feeds of new and updated initiatives: the whole library, a theme, an area.

Researchers subscribe instead of signing up for e-mail. Entries are the most
recently changed published initiatives, newest change first; an entry's
``updated`` is when it last changed and ``published`` when it first appeared.
"""

from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import urlencode

from initiatives.models import Initiative, PoliceArea
from initiatives.selectors import public_initiatives
from themes.models import Theme

FEED_LENGTH = 50


class InitiativesFeed(Feed):
    feed_type = Atom1Feed

    # Each takes the feed's object (None for the whole library), as Django's
    # Feed expects of callables.
    def title(self, obj: Any) -> str:
        return f"{settings.SITE_NAME}: new and updated initiatives"

    def subtitle(self, obj: Any) -> str:
        return (
            "Early intervention and prevention work by police and crime "
            "commissioners and their partners, newest change first."
        )

    def link(self, obj: Any) -> str:
        return self._search_url(obj)

    def _search_url(self, obj, **filters) -> str:
        query = urlencode({**filters, "ordering": "-updated_at"})
        return f"{reverse('initiatives:list')}?{query}"

    def items(self, obj: Any) -> QuerySet[Initiative]:
        return self.narrow(public_initiatives(), obj).order_by("-updated_at", "-pk")[
            :FEED_LENGTH
        ]

    def narrow(self, queryset: QuerySet[Initiative], obj: Any) -> QuerySet[Initiative]:
        return queryset

    def item_title(self, item: Initiative) -> str:
        areas = ", ".join(area.name for area in item.police_areas.all())
        label = " [demo data]" if item.is_demo else ""
        return f"{item.title} ({areas}){label}" if areas else f"{item.title}{label}"

    def item_description(self, item: Initiative) -> str:
        return item.summary

    def item_updateddate(self, item: Initiative):
        return item.updated_at

    def item_pubdate(self, item: Initiative):
        return item.published_at

    def item_categories(self, item: Initiative) -> list[str]:
        return [theme.name for theme in item.themes.all()]


class ThemeInitiativesFeed(InitiativesFeed):
    def get_object(self, request, slug: str) -> Theme:
        return get_object_or_404(Theme, slug=slug)

    def title(self, obj: Theme) -> str:
        return f"{settings.SITE_NAME}: new and updated initiatives under {obj.name}"

    def subtitle(self, obj: Theme) -> str:
        return obj.description

    def link(self, obj: Theme) -> str:
        return self._search_url(obj, theme=obj.slug)

    def narrow(self, queryset, obj: Theme):
        return queryset.filter(themes=obj)


class PoliceAreaInitiativesFeed(InitiativesFeed):
    def get_object(self, request, slug: str) -> PoliceArea:
        return get_object_or_404(PoliceArea, slug=slug)

    def title(self, obj: PoliceArea) -> str:
        return f"{settings.SITE_NAME}: new and updated initiatives in {obj.name}"

    def subtitle(self, obj: PoliceArea) -> str:
        return f"Early intervention and prevention work in {obj.name}."

    def link(self, obj: PoliceArea) -> str:
        return self._search_url(obj, police_area=obj.slug)

    def narrow(self, queryset, obj: PoliceArea):
        return queryset.filter(police_areas=obj)
