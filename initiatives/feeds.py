"""Atom feeds of new and updated initiatives: the whole library and an area.

Entries are the most recently changed published initiatives, newest change
first (``practice_library.feeds``). The feed of a theme is the theme app's.
"""

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import urlencode

from initiatives.models import Initiative, PoliceArea
from initiatives.selectors import public_initiatives
from practice_library.feeds import LatestChangesFeed


class InitiativesFeed(LatestChangesFeed):
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

    def entries(self, obj: Any) -> QuerySet[Initiative]:
        return public_initiatives()


class PoliceAreaInitiativesFeed(InitiativesFeed):
    def get_object(self, request, slug: str) -> PoliceArea:
        return get_object_or_404(PoliceArea, slug=slug)

    def title(self, obj: PoliceArea) -> str:
        return f"{settings.SITE_NAME}: new and updated initiatives in {obj.name}"

    def subtitle(self, obj: PoliceArea) -> str:
        return f"Early intervention and prevention work in {obj.name}."

    def link(self, obj: PoliceArea) -> str:
        return self._search_url(obj, police_area=obj.slug)

    def entries(self, obj: PoliceArea) -> QuerySet[Initiative]:
        return public_initiatives().filter(police_areas=obj)
