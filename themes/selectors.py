"""Named reads of the themes, for the theme pages, the API and the library's
pages that count work under each theme."""

from django.db.models import Count, Q, QuerySet

from initiatives.models import PoliceArea
from initiatives.selectors import shown_initiatives
from themes.models import Theme


def public_themes() -> QuerySet[Theme]:
    """The themes in their curated order."""
    return Theme.objects.in_order()


def themes_with_counts(*, police_area: PoliceArea | None = None) -> QuerySet[Theme]:
    """Themes in order, each with ``initiative_count`` of the initiatives the
    public is shown (in one police area if given)."""
    published = shown_initiatives()
    if police_area is not None:
        published = published.filter(police_areas=police_area)
    return Theme.objects.in_order().annotate(
        initiative_count=Count(
            "initiatives", filter=Q(initiatives__in=published.values("pk"))
        )
    )
