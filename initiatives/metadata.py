"""What detail pages say about themselves: citations and schema.org JSON-LD.

Citations are plain text a researcher can paste. Two dates are never mixed:
the citation of a library entry gives the page's permanent address (slugs
are locked once published), when the entry was first published in the
library and last changed, and the day it is read; the original sources are
cited apart ("Based on"), each with its own publication date and the day a
curator read it. JSON-LD is built as a dict and escaped by the ``json_ld``
template filter; it is data, not script, so a strict Content Security Policy
allows it.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils import timezone

from initiatives.models import Briefing, BriefingMention, Initiative, Source
from initiatives.partial_dates import partial_date_iso

SCHEMA = "https://schema.org"


def long_date(moment: datetime.datetime | datetime.date) -> str:
    """'25 November 2026', in the site's time zone."""
    if isinstance(moment, datetime.datetime):
        moment = timezone.localdate(moment)
    return f"{moment.day} {moment:%B %Y}"


def _entry_citation(
    title: str,
    what: str,
    first: datetime.datetime | None,
    changed: datetime.datetime,
    url: str,
    accessed: datetime.date | None,
) -> str:
    """The citation of a page of the library: the entry, not its sources."""
    first = first or changed
    accessed = accessed or timezone.localdate()
    return (
        f"{settings.SITE_NAME} ({timezone.localdate(first).year}) '{title}' "
        f"[{what}]. First published in the library {long_date(first)}; last "
        f"changed {long_date(changed)}. Available at: {url} "
        f"(accessed {long_date(accessed)})."
    )


def initiative_citation(
    initiative: Initiative, url: str, *, accessed: datetime.date | None = None
) -> str:
    """How to cite the library's entry on an initiative (not its sources)."""
    return _entry_citation(
        initiative.title,
        "library entry",
        initiative.published_at,
        initiative.updated_at,
        url,
        accessed,
    )


def briefing_citation(
    briefing: Briefing, url: str, *, accessed: datetime.date | None = None
) -> str:
    """How to cite the library's page on a briefing (not the briefing)."""
    return _entry_citation(
        briefing.title,
        "summary in the library",
        briefing.published_at,
        briefing.updated_at,
        url,
        accessed,
    )


def source_citation(source: Source) -> str:
    """The original source, with its own dates (uses prefetched publishers)."""
    publishers = _and_list(publisher.name for publisher in source.publishers.all())
    creator = source.authors or publishers
    date = f"({source.published or 'no date'})"
    published_by = f" {publishers}." if source.authors and publishers else ""
    return (
        f"{creator + ' ' if creator else ''}{date} {source.title}.{published_by} "
        f"Available at: {source.url} (accessed {long_date(source.accessed_on)})."
    )


def briefing_document_citation(briefing: Briefing) -> str:
    """The briefing itself, as its publishers published it."""
    publishers = _and_list(publisher.name for publisher in briefing.publishers.all())
    date = f"({briefing.published or 'no date'})"
    series = ""
    if briefing.series:
        number = f", no. {briefing.number}" if briefing.number else ""
        series = f" ({briefing.series}{number})"
    available = ""
    if briefing.url:
        read = (
            f" (accessed {long_date(briefing.accessed_on)})"
            if briefing.accessed_on
            else ""
        )
        available = f" Available at: {briefing.url}{read}."
    return (
        f"{publishers + ' ' if publishers else ''}{date} {briefing.title}{series}."
        f"{available}"
    )


def initiative_sources_cited(initiative: Initiative) -> list[str]:
    """'Based on': the citation of every source of an initiative, then of the
    published briefings that feature it (uses the detail selector's rows)."""
    cited = [source_citation(c.source) for c in initiative.source_citations.all()]
    cited += [
        briefing_document_citation(mention.briefing)
        for mention in initiative.briefing_mentions.all()
    ]
    return cited


def _and_list(names: Iterable[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _organisation(organisation) -> dict[str, Any]:
    data: dict[str, Any] = {"@type": "Organization", "name": organisation.name}
    if organisation.website:
        data["url"] = organisation.website
    return data


def initiative_json_ld(initiative: Initiative, url: str) -> dict[str, Any]:
    """A schema.org Project (uses the detail selector's prefetched rows)."""
    data: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "Project",
        "@id": url,
        "url": url,
        "name": initiative.title,
        "description": initiative.summary,
        "areaServed": [
            {"@type": "AdministrativeArea", "name": area.name}
            for area in initiative.police_areas.all()
        ],
        "keywords": [theme.name for theme in initiative.themes.all()],
        "dateModified": initiative.updated_at.isoformat(),
    }
    started = partial_date_iso(initiative.start_date, initiative.start_date_precision)
    ended = partial_date_iso(initiative.end_date, initiative.end_date_precision)
    if started:
        data["foundingDate"] = started
    if ended:
        data["dissolutionDate"] = ended
    if initiative.website:
        data["sameAs"] = initiative.website
    roles = list(initiative.organisation_roles.all())
    funders = [_organisation(r.organisation) for r in roles if r.role == "funder"]
    leads = [_organisation(r.organisation) for r in roles if r.role == "lead"]
    if funders:
        data["funder"] = funders
    if leads:
        data["parentOrganization"] = leads[0]
    described_in: list[dict[str, Any]] = [
        {"@type": "Report", "name": mention.briefing.title}
        for mention in initiative.briefing_mentions.all()
    ]
    for citation in initiative.source_citations.all():
        work: dict[str, Any] = {
            "@type": "CreativeWork",
            "name": citation.source.title,
            "url": citation.source.url,
        }
        published = partial_date_iso(
            citation.source.published_on, citation.source.published_on_precision
        )
        if published:
            work["datePublished"] = published
        described_in.append(work)
    if described_in:
        data["subjectOf"] = described_in
    return data


def briefing_json_ld(
    briefing: Briefing, url: str, mentions: Iterable[BriefingMention], base_url: str
) -> dict[str, Any]:
    """A schema.org Report, mentioning the published initiatives it features."""
    data: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "Report",
        "@id": url,
        "url": url,
        "name": briefing.title,
        "abstract": briefing.summary,
        "publisher": [_organisation(p) for p in briefing.publishers.all()],
        "about": [
            {
                "@type": "DefinedTerm",
                "name": theme.name,
                "url": base_url + theme.get_absolute_url(),
            }
            for theme in briefing.themes.all()
        ],
        "mentions": [
            {
                "@type": "Project",
                "name": mention.initiative.title,
                "url": base_url + mention.initiative.get_absolute_url(),
            }
            for mention in mentions
        ],
        "dateModified": briefing.updated_at.isoformat(),
    }
    if briefing.published_on:
        data["datePublished"] = partial_date_iso(
            briefing.published_on, briefing.published_on_precision
        )
    if briefing.number:
        data["reportNumber"] = str(briefing.number)
    if briefing.url:
        data["sameAs"] = briefing.url
    return data
