"""Named read entry points shared by the pages and the API.

What the public may see is decided here, once: every public surface starts
from one of these selectors.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber

from initiatives.models import (
    Briefing,
    BriefingMention,
    ContentVersion,
    EditorialState,
    Funding,
    Initiative,
    InitiativeOrganisation,
    InitiativeQuerySet,
    InitiativeSource,
    Organisation,
    PoliceArea,
    PoliceAreaQuerySet,
    PublicChange,
    Source,
    TargetGroup,
)
from themes.models import Theme

NEVER = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


# Real entries before demo entries, where both are shown: 0 for real, 1 for demo.
DEMO_LAST = Case(When(origin=Initiative.Origin.DEMO, then=Value(1)), default=Value(0))


def demo_shown(include_demo: bool | None = None) -> bool:
    """Whether synthetic demo data is shown: as asked, else as the site says
    (``LIBRARY_INCLUDE_DEMO``, off unless set)."""
    return settings.LIBRARY_INCLUDE_DEMO if include_demo is None else include_demo


def shown_initiatives(include_demo: bool | None = None) -> InitiativeQuerySet:
    """Published initiatives the public is shown: the one rule for demo data,
    which lists, counts, maps, facets, feeds and the sitemap follow."""
    published = Initiative.objects.published()
    return published if demo_shown(include_demo) else published.curated()


def listing_order(include_demo: bool | None = None) -> list:
    """By title, real entries before demo entries when both are shown."""
    if demo_shown(include_demo):
        return [DEMO_LAST, "title", "pk"]
    return ["title", "pk"]


def public_initiatives(*, include_demo: bool | None = None) -> QuerySet[Initiative]:
    """Initiatives the public may see, loaded for list pages and the API.

    Demo data follows ``demo_shown``; searches start from
    ``include_demo=True`` and let the FilterSet's ``include_demo`` decide.
    """
    return (
        shown_initiatives(include_demo)
        .for_listing()
        .order_by(*listing_order(include_demo))
    )


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


@dataclass(frozen=True)
class PublicChangeEntry:
    """One entry of the changes feed: the entry's latest change, and the entry
    itself when it is public now (None: it is not, so a tombstone)."""

    position: int
    slug: str
    changed_at: datetime.datetime
    entry: Initiative | None

    @property
    def deleted(self) -> bool:
        return self.entry is None


def public_changes(after: int, limit: int) -> list[PublicChangeEntry]:
    """The changes feed after a position: each changed entry once, at the
    position of its latest change, in commit order, at most ``limit``.

    A change committed later always gets a higher position
    (``initiatives.services.public_changes``), so a reader that carries on
    from the last position it saw misses nothing. Three queries plus the
    detail's prefetches, whatever the limit.
    """
    latest = (
        PublicChange.objects.filter(id__gt=after)
        .values("initiative_id")
        .annotate(position=Max("id"))
        .order_by("position")
        .values_list("position", flat=True)[:limit]
    )
    changes = list(PublicChange.objects.filter(id__in=list(latest)).order_by("id"))
    entries = public_initiative_details().in_bulk(
        [change.initiative_id for change in changes]
    )
    return [
        PublicChangeEntry(
            position=change.id,
            slug=change.slug,
            changed_at=change.changed_at,
            entry=entries.get(change.initiative_id),
        )
        for change in changes
    ]


def public_entry_change(slug: str) -> PublicChange | None:
    """The latest change to a public entry's state, which its validators
    come from; None for no public entry."""
    return (
        PublicChange.objects.filter(
            initiative_id__in=Initiative.objects.published()
            .filter(slug=slug)
            .values("pk")
        )
        .order_by("-id")
        .first()
    )


def latest_public_changes(initiative_ids: Iterable[int]) -> dict[int, int]:
    """Each initiative's latest public change (its position in the changes
    feed), by id: one indexed query. A list's validators come from these."""
    return dict(
        PublicChange.objects.filter(initiative_id__in=list(initiative_ids))
        .values("initiative_id")
        .annotate(latest=Max("id"))
        .values_list("initiative_id", "latest")
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


def public_target_groups() -> QuerySet[TargetGroup]:
    """The target groups in their curated order."""
    return TargetGroup.objects.order_by("order", "name", "pk")


def public_organisations() -> QuerySet[Organisation]:
    """Organisations linked to something public, by name.

    An organisation is public through a role in or funding of a published
    initiative, by publishing a published briefing, or by publishing a source
    the public may see; one known only from a draft stays out of view.
    """
    published = EditorialState.PUBLISHED
    shown = shown_initiatives().values("pk")
    return (
        Organisation.objects.filter(
            Exists(
                InitiativeOrganisation.objects.filter(
                    organisation=OuterRef("pk"), initiative__in=shown
                )
            )
            | Exists(
                Funding.objects.filter(funder=OuterRef("pk"), initiative__in=shown)
            )
            | Exists(
                Briefing.publishers.through.objects.filter(
                    organisation=OuterRef("pk"), briefing__state=published
                )
            )
            | Exists(
                Source.publishers.through.objects.filter(
                    organisation=OuterRef("pk"),
                    source__in=Source.objects.public().values("pk"),
                )
            )
        )
        .select_related("police_area")
        .order_by("name", "pk")
    )


def _published_ids(**narrowing) -> QuerySet:
    """Ids of the initiatives the public is shown, as a subquery for counts."""
    return shown_initiatives().filter(**narrowing).values("pk")


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
        shown_initiatives()
        .filter(police_areas__isnull=False, themes__isnull=False)
        .order_by()
        .values_list("police_areas", "themes")
        .annotate(count=Count("pk"))
    )
    return {(area, theme): count for area, theme, count in rows}


def published_initiative_count() -> int:
    """How many initiatives the public is shown."""
    return shown_initiatives().count()


def demo_initiative_count() -> int:
    """How many published initiatives are synthetic demo data, shown or not."""
    return Initiative.objects.published().demo().count()


def recently_published_initiatives(limit: int = 5) -> QuerySet[Initiative]:
    """The newest additions to the library, newest first."""
    return public_initiatives().order_by(
        F("published_at").desc(nulls_last=True), "-pk"
    )[:limit]


# Publishing stamps published_at and updated_at in one save, a moment
# apart; a change means a save at least this long after publication.
CHANGED_AFTER_PUBLISHING = datetime.timedelta(minutes=1)


def recently_updated_initiatives(
    limit: int = 5, *, excluding: Iterable[int] = ()
) -> QuerySet[Initiative]:
    """Published initiatives changed since they were published, newest change
    first, leaving out ``excluding`` (the pks the page already lists as added)."""
    return (
        public_initiatives()
        .filter(updated_at__gt=F("published_at") + CHANGED_AFTER_PUBLISHING)
        .exclude(pk__in=list(excluding))
        .order_by("-updated_at", "-pk")[:limit]
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


def public_sources() -> QuerySet[Source]:
    """Sources the public may see (cited by published work), by title, with
    their publishers."""
    return (
        Source.objects.public()
        .prefetch_related(
            Prefetch("publishers", queryset=Organisation.objects.order_by("name"))
        )
        .order_by("title", "pk")
    )


def public_sources_with_counts() -> QuerySet[Source]:
    """Public sources, each with ``initiative_count``: the published
    initiatives that cite it."""
    return public_sources().annotate(
        initiative_count=Count(
            "citations",
            filter=Q(citations__initiative__in=_published_ids()),
            distinct=True,
        )
    )


def source_kind_counts(sources: QuerySet[Source]) -> dict[str, int]:
    """How many of some sources there are of each kind."""
    rows = sources.order_by().values_list("kind").annotate(count=Count("pk"))
    return dict(rows)


def initiatives_citing(source: Source) -> QuerySet[Initiative]:
    """Published initiatives that cite a source, directly or for their
    funding, loaded for list rows."""
    return public_initiatives().filter(
        Q(pk__in=InitiativeSource.objects.filter(source=source).values("initiative"))
        | Q(pk__in=Funding.objects.filter(source=source).values("initiative"))
    )


def public_sources_published_by(organisation: Organisation) -> QuerySet[Source]:
    """The public sources an organisation published, newest first."""
    return (
        Source.objects.public()
        .filter(publishers=organisation)
        .order_by(F("published_on").desc(nulls_last=True), "title", "pk")
    )


def stored_content_version() -> tuple[int, datetime.datetime]:
    """The number and time of the last change to public content, as stored.

    A pure read: the row is made by a migration and changed only by
    ``initiatives.services.content_version``. Without the row (a test that
    emptied every table) the version is 0, before any change.
    """
    row = ContentVersion.objects.values_list("number", "changed_at").first()
    return row if row is not None else (0, NEVER)
