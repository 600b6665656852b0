"""The Atom feed of new and updated initiatives under one theme."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import urlencode

from initiatives.selectors import public_initiatives
from practice_library.feeds import LatestChangesFeed
from themes.models import Theme


class ThemeInitiativesFeed(LatestChangesFeed):
    def get_object(self, request, slug: str) -> Theme:
        return get_object_or_404(Theme, slug=slug)

    def title(self, obj: Theme) -> str:
        return f"{settings.SITE_NAME}: new and updated initiatives under {obj.name}"

    def subtitle(self, obj: Theme) -> str:
        return obj.description

    def link(self, obj: Theme) -> str:
        query = urlencode({"theme": obj.slug, "ordering": "-updated_at"})
        return f"{reverse('initiatives:list')}?{query}"

    def entries(self, obj: Theme):
        return public_initiatives().filter(themes=obj)
