"""Named read entry points shared by the pages and the API.

What the public may see is decided here, once: every public surface starts
from one of these selectors.
"""

import datetime

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from initiatives.models import (
    Briefing,
    BriefingMention,
    ContentVersion,
    EditorialState,
    Funding,
    Initiative,
    InitiativeOrganisation,
    Organisation,
    PoliceArea,
    TargetGroup,
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


def public_briefing_details() -> QuerySet[Briefing]:
    """Published briefings with their findings and the published initiatives
    they feature (as ``published_mentions``), for the API."""
    return public_briefings().prefetch_related(
        "key_findings",
        Prefetch(
            "mentions",
            queryset=BriefingMention.objects.filter(
                initiative__state=EditorialState.PUBLISHED
            )
            .select_related("initiative")
            .order_by("order", "pk"),
            to_attr="published_mentions",
        ),
    )


def withdrawn_initiatives(since: datetime.datetime) -> QuerySet[Initiative]:
    """Initiatives that were public and left public view since a moment.

    Tombstones for mirrors: only the slug and the time are for the public.
    An entry withdrawn before it was ever published was never public, so it
    is not listed.
    """
    return (
        Initiative.objects.withdrawn_since(since)
        .filter(published_at__isnull=False)
        .only("slug", "withdrawn_at")
        .order_by("withdrawn_at", "pk")
    )


def withdrawn_briefings(since: datetime.datetime) -> QuerySet[Briefing]:
    """Briefings that were public and left public view since a moment."""
    return (
        Briefing.objects.withdrawn_since(since)
        .filter(published_at__isnull=False)
        .only("slug", "withdrawn_at")
        .order_by("withdrawn_at", "pk")
    )


def public_police_areas() -> QuerySet[PoliceArea]:
    """The 43 police force areas with their governance, by name."""
    return PoliceArea.objects.with_governance().order_by("name", "pk")


def public_themes() -> QuerySet[Theme]:
    """The themes in their curated order."""
    return Theme.objects.in_order()


def public_target_groups() -> QuerySet[TargetGroup]:
    """The target groups in their curated order."""
    return TargetGroup.objects.order_by("order", "name", "pk")


def public_organisations() -> QuerySet[Organisation]:
    """Organisations linked to something public, by name.

    An organisation is public through a role in or funding of a published
    initiative, or by publishing a published briefing; one known only from a
    draft stays out of view.
    """
    published = EditorialState.PUBLISHED
    return (
        Organisation.objects.filter(
            Exists(
                InitiativeOrganisation.objects.filter(
                    organisation=OuterRef("pk"), initiative__state=published
                )
            )
            | Exists(
                Funding.objects.filter(
                    funder=OuterRef("pk"), initiative__state=published
                )
            )
            | Exists(
                Briefing.publishers.through.objects.filter(
                    organisation=OuterRef("pk"), briefing__state=published
                )
            )
        )
        .select_related("police_area")
        .order_by("name", "pk")
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
