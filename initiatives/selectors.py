"""Named read entry points shared by the pages and the API.

What the public may see is decided here, once: every public surface starts
from one of these selectors.
"""

import datetime

from django.core.cache import cache
from django.db.models import QuerySet

from initiatives.models import Briefing, ContentVersion, Initiative

CONTENT_VERSION_CACHE_KEY = "content-version"


def public_initiatives() -> QuerySet[Initiative]:
    """Initiatives the public may see, loaded for list pages and the API."""
    return Initiative.objects.published().for_listing().order_by("title", "pk")


def public_initiative_details() -> QuerySet[Initiative]:
    """Published initiatives with everything a detail page or API entry shows."""
    return Initiative.objects.published().for_detail()


def public_briefings() -> QuerySet[Briefing]:
    """Briefings the public may see, newest first."""
    return Briefing.objects.published().prefetch_related("publishers", "themes")


def content_version() -> tuple[int, datetime.datetime]:
    """The number and time of the last change to public content.

    Read from the shared cache, falling back to the database. ``cache.add``
    never overwrites, so a reader that raced a bump cannot put an older
    version back over the one the bump shared.
    """
    version = cache.get(CONTENT_VERSION_CACHE_KEY)
    if version is None:
        row, _ = ContentVersion.objects.get_or_create(pk=1)
        version = (row.number, row.changed_at)
        cache.add(CONTENT_VERSION_CACHE_KEY, version, None)
    return version
