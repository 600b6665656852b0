"""One flat, spreadsheet-friendly row per initiative.

Shared by every tabular output (the search page's CSV and JSON downloads and
the API's CSV format), so a column means the same wherever it is downloaded.
Lists are joined with "; " and partial dates keep their precision ("2015",
"2015-12"). Rows need ``public_initiatives_for_export()``'s prefetching.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import Prefetch, QuerySet

from initiatives.models import (
    BriefingMention,
    EditorialState,
    Initiative,
    InitiativeOrganisation,
    InitiativeSource,
)
from initiatives.partial_dates import partial_date_iso


def _joined(values) -> str:
    return "; ".join(values)


def _organisations(initiative: Initiative, role: str) -> str:
    return _joined(
        link.organisation.name
        for link in initiative.organisation_roles.all()
        if link.role == role
    )


def _sources(initiative: Initiative) -> str:
    """'Title <address>; ...': the sources cited, then the published
    briefings that feature the initiative."""
    cited = [
        (citation.source.title, citation.source.url)
        for citation in initiative.source_citations.all()
    ]
    cited += [
        (mention.briefing.title, mention.briefing.url)
        for mention in initiative.briefing_mentions.all()
    ]
    return _joined(f"{title} <{url}>" if url else title for title, url in cited)


# (column, how to get it) in the order the columns appear.
EXPORT_COLUMNS: list[tuple[str, Callable[[Initiative], Any]]] = [
    ("slug", lambda i: i.slug),
    ("title", lambda i: i.title),
    ("summary", lambda i: i.summary),
    ("police_areas", lambda i: _joined(a.slug for a in i.police_areas.all())),
    ("police_area_names", lambda i: _joined(a.name for a in i.police_areas.all())),
    ("themes", lambda i: _joined(t.slug for t in i.themes.all())),
    ("target_groups", lambda i: _joined(g.slug for g in i.target_groups.all())),
    ("lead_organisation", lambda i: _organisations(i, "lead")),
    ("partners", lambda i: _organisations(i, "partner")),
    ("status", lambda i: i.status),
    ("start", lambda i: partial_date_iso(i.start_date, i.start_date_precision) or ""),
    ("end", lambda i: partial_date_iso(i.end_date, i.end_date_precision) or ""),
    ("evidence_stage", lambda i: i.evidence_stage),
    ("evidence_outcome", lambda i: i.evidence_outcome),
    ("evidence_msms_level", lambda i: i.evidence_msms_level or ""),
    ("website", lambda i: i.website),
    ("sources", _sources),
    ("is_demo", lambda i: i.is_demo),
    ("published_at", lambda i: i.published_at.isoformat() if i.published_at else ""),
    ("updated_at", lambda i: i.updated_at.isoformat()),
]
EXPORT_HEADER = [name for name, _ in EXPORT_COLUMNS]


def export_row(initiative: Initiative) -> dict[str, Any]:
    """The initiative as one flat row, keyed by column name."""
    return {name: value(initiative) for name, value in EXPORT_COLUMNS}


def with_export_relations(queryset: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """Prefetch what ``export_row`` reads, so a row costs no queries."""
    return queryset.prefetch_related(
        "police_areas",
        "themes",
        "target_groups",
        Prefetch(
            "organisation_roles",
            queryset=InitiativeOrganisation.objects.select_related("organisation"),
        ),
        Prefetch(
            "source_citations",
            queryset=InitiativeSource.objects.select_related("source").order_by(
                "order", "pk"
            ),
        ),
        Prefetch(
            "briefing_mentions",
            queryset=BriefingMention.objects.filter(
                briefing__state=EditorialState.PUBLISHED
            )
            .select_related("briefing")
            .order_by("order", "pk"),
        ),
    )
