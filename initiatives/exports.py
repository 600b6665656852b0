"""One flat, spreadsheet-friendly row per initiative.

Shared by every tabular output (the search page's CSV and JSON downloads and
the API's CSV format), so a column means the same wherever it is downloaded.
Lists are joined with "; " and partial dates keep their precision ("2015",
"2015-12"). Rows need ``with_export_relations()``'s prefetching.

A row carries what a researcher needs to work from the download alone: the
entry's page address, its summary and full description, who leads and who
partners, the funding stated, the national toolkit entries that rate its
approach, and every source with its address.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import Prefetch, QuerySet

from initiatives.models import (
    BriefingMention,
    EditorialState,
    Funding,
    Initiative,
    InitiativeOrganisation,
    InitiativeSource,
)
from initiatives.models.library import SEARCH_COLUMNS
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


def _funding(initiative: Initiative) -> str:
    """'Funder: GBP 250000.00 (April 2019 to March 2020), per Source title'."""
    parts = []
    for funding in initiative.funding.all():
        text = str(funding.funder or "Funder not known")
        if funding.amount is not None:
            text += f": {funding.currency} {funding.amount}"
        if funding.period_label:
            text += f" ({funding.period_label})"
        if funding.note:
            text += f", {funding.note}"
        if funding.source is not None:
            text += f", per {funding.source.title}"
        parts.append(text)
    return _joined(parts)


def _toolkit_links(initiative: Initiative) -> str:
    """'Toolkit: approach (rating) <address>; ...'."""
    return _joined(
        f"{link.get_toolkit_display()}: {link.approach}"
        + (f" ({link.rating})" if link.rating else "")
        + f" <{link.url}>"
        for link in initiative.toolkit_links.all()
    )


# (column, how to get it) in the order the columns appear; ``url`` is filled
# in by export_row, which knows the site's address.
EXPORT_COLUMNS: list[tuple[str, Callable[[Initiative], Any]]] = [
    ("slug", lambda i: i.slug),
    ("title", lambda i: i.title),
    ("url", lambda i: i.get_absolute_url()),
    ("summary", lambda i: i.summary),
    ("description", lambda i: i.description),
    ("police_areas", lambda i: _joined(a.slug for a in i.police_areas.all())),
    ("police_area_names", lambda i: _joined(a.name for a in i.police_areas.all())),
    ("themes", lambda i: _joined(t.slug for t in i.themes.all())),
    ("target_groups", lambda i: _joined(g.slug for g in i.target_groups.all())),
    ("lead_organisation", lambda i: _organisations(i, "lead")),
    ("partners", lambda i: _organisations(i, "partner")),
    ("funders", lambda i: _organisations(i, "funder")),
    ("funding", _funding),
    ("status", lambda i: i.status),
    ("start", lambda i: partial_date_iso(i.start_date, i.start_date_precision) or ""),
    ("end", lambda i: partial_date_iso(i.end_date, i.end_date_precision) or ""),
    ("evidence_stage", lambda i: i.evidence_stage),
    ("evidence_outcome", lambda i: i.evidence_outcome),
    ("evidence_msms_level", lambda i: i.evidence_msms_level or ""),
    ("evidence_note", lambda i: i.evidence_note),
    ("toolkit_links", _toolkit_links),
    ("website", lambda i: i.website),
    ("sources", _sources),
    ("is_demo", lambda i: i.is_demo),
    ("published_at", lambda i: i.published_at.isoformat() if i.published_at else ""),
    ("updated_at", lambda i: i.updated_at.isoformat()),
]
EXPORT_HEADER = [name for name, _ in EXPORT_COLUMNS]


def export_row(initiative: Initiative, *, base_url: str = "") -> dict[str, Any]:
    """The initiative as one flat row, keyed by column name.

    ``base_url`` is the site's scheme and host (``https://example.org``), so
    that ``url`` is the page's full address; without it, its path.
    """
    row = {name: value(initiative) for name, value in EXPORT_COLUMNS}
    row["url"] = base_url + row["url"]
    return row


def with_export_relations(queryset: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """Prefetch what ``export_row`` reads, so a row costs no queries.

    The long texts a list row leaves out (``for_listing``) are read here.
    """
    full_texts = queryset.defer(None).defer(*SEARCH_COLUMNS)
    return full_texts.prefetch_related(
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
            "funding", queryset=Funding.objects.select_related("funder", "source")
        ),
        "toolkit_links",
        Prefetch(
            "briefing_mentions",
            queryset=BriefingMention.objects.filter(
                briefing__state=EditorialState.PUBLISHED
            )
            .select_related("briefing")
            .order_by("order", "pk"),
        ),
    )
