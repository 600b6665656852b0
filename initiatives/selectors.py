"""Named read entry points shared by the pages and the API.

What the public may see is decided here, once: every public surface starts
from one of these selectors.
"""

from django.db.models import QuerySet

from initiatives.models import Briefing, Initiative


def public_initiatives() -> QuerySet[Initiative]:
    """Initiatives the public may see, loaded for list pages and the API."""
    return Initiative.objects.published().for_listing().order_by("title", "pk")


def public_initiative_details() -> QuerySet[Initiative]:
    """Published initiatives with everything a detail page or API entry shows."""
    return Initiative.objects.published().for_detail()


def public_briefings() -> QuerySet[Briefing]:
    """Briefings the public may see, newest first."""
    return Briefing.objects.published().prefetch_related("publishers", "themes")
