"""Named read entry points shared by the pages and the API.

What the public may see is decided here, once: every public surface starts
from one of these selectors.
"""

import datetime

from django.core.cache import cache
from django.db.models import Count, F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from initiatives.models import (
    Briefing,
    BriefingMention,
    ContentVersion,
    Initiative,
    InitiativeOrganisation,
    Organisation,
    PoliceArea,
    PoliceAreaQuerySet,
)
from themes.models import Theme

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


def _published_ids(**narrowing) -> QuerySet:
    """Ids of published initiatives, as a subquery for counts."""
    return Initiative.objects.published().filter(**narrowing).values("pk")


def themes_with_counts(*, police_area: PoliceArea | None = None) -> QuerySet[Theme]:
    """Themes in order, each with ``initiative_count`` of published initiatives."""
    narrowing = {"police_areas": police_area} if police_area else {}
    return Theme.objects.in_order().annotate(
        initiative_count=Count(
            "initiatives", filter=Q(initiatives__in=_published_ids(**narrowing))
        )
    )


def police_areas_with_counts(*, theme: Theme | None = None) -> PoliceAreaQuerySet:
    """Police areas by name, each with ``initiative_count`` (under one theme if given)."""
    narrowing = {"themes": theme} if theme else {}
    return PoliceArea.objects.order_by("name").annotate(
        initiative_count=Count(
            "initiatives", filter=Q(initiatives__in=_published_ids(**narrowing))
        )
    )


def area_theme_counts() -> dict[tuple[int, int], int]:
    """Published initiatives per (police area id, theme id), for the compare matrix."""
    rows = (
        Initiative.objects.published()
        .filter(police_areas__isnull=False, themes__isnull=False)
        .order_by()
        .values_list("police_areas", "themes")
        .annotate(count=Count("pk"))
    )
    return {(area, theme): count for area, theme, count in rows}


def published_initiative_count() -> int:
    """How many initiatives the public may see."""
    return Initiative.objects.published().count()


def demo_initiative_count() -> int:
    """How many published initiatives are synthetic demo data."""
    return Initiative.objects.published().demo().count()


def recently_published_initiatives(limit: int = 5) -> QuerySet[Initiative]:
    """The newest additions to the library, newest first."""
    return public_initiatives().order_by(
        F("published_at").desc(nulls_last=True), "-pk"
    )[:limit]


def recently_updated_initiatives(limit: int = 5) -> QuerySet[Initiative]:
    """Published initiatives most recently changed, newest change first."""
    return public_initiatives().order_by("-updated_at", "-pk")[:limit]


def public_organisations() -> QuerySet[Organisation]:
    """Organisations with a part in published initiatives or briefings.

    Only these earn a public page: an organisation known only through drafts
    is not public.
    """
    return Organisation.objects.filter(
        Q(
            pk__in=InitiativeOrganisation.objects.filter(
                initiative__in=_published_ids()
            ).values("organisation_id")
        )
        | Q(pk__in=Briefing.objects.published().values("publishers"))
    )


def public_organisations_with_counts() -> QuerySet[Organisation]:
    """Public organisations by name, each with ``initiative_count`` (any role)."""
    return (
        public_organisations()
        .annotate(
            initiative_count=Count(
                "initiatives",
                filter=Q(initiatives__in=_published_ids()),
                distinct=True,  # one organisation may have two roles in one initiative
            )
        )
        .order_by("name")
    )


def organisation_role_counts(organisation: Organisation) -> dict[str, int]:
    """How many published initiatives an organisation has in each role."""
    rows = (
        InitiativeOrganisation.objects.filter(
            organisation=organisation, initiative__in=_published_ids()
        )
        .order_by()
        .values_list("role")
        .annotate(count=Count("pk"))
    )
    return dict(rows)


def organisation_roles(
    organisation: Organisation, *, per_role: int
) -> QuerySet[InitiativeOrganisation]:
    """The organisation's roles in published initiatives, the first few per role
    by initiative title, with each initiative loaded for a list row."""
    return (
        InitiativeOrganisation.objects.filter(
            organisation=organisation, initiative__in=_published_ids()
        )
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=F("role"),
                order_by=[F("initiative__title").asc(), F("initiative_id").asc()],
            )
        )
        .filter(position__lte=per_role)
        .select_related("initiative")
        .prefetch_related(
            Prefetch(
                "initiative__police_areas",
                queryset=PoliceArea.objects.order_by("name"),
            ),
            "initiative__themes",
        )
        .order_by("role", "position")
    )


def briefing_mentions(briefing: Briefing) -> QuerySet[BriefingMention]:
    """The published initiatives a briefing features, in the briefing's order."""
    return (
        BriefingMention.objects.filter(
            briefing=briefing, initiative__in=_published_ids()
        )
        .select_related("initiative")
        .prefetch_related(
            Prefetch(
                "initiative__police_areas",
                queryset=PoliceArea.objects.order_by("name"),
            ),
            "initiative__themes",
        )
        .order_by("order", "pk")
    )


def briefings_with_counts() -> QuerySet[Briefing]:
    """Published briefings, newest first, with ``initiative_count`` featured."""
    return public_briefings().annotate(
        initiative_count=Count(
            "initiatives", filter=Q(initiatives__in=_published_ids())
        )
    )


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
