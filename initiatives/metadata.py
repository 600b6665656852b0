"""What detail pages say about themselves: citations and schema.org JSON-LD.

Citations are plain text a researcher can paste, with the page's permanent
address (slugs are locked once published) and the date the entry last
changed. JSON-LD is built as a dict and escaped by the ``json_ld`` template
filter; it is data, not script, so a strict Content Security Policy allows it.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils import timezone

from initiatives.models import Briefing, BriefingMention, Initiative
from initiatives.partial_dates import partial_date_iso

SCHEMA = "https://schema.org"


def long_date(moment: datetime.datetime | datetime.date) -> str:
    """'25 November 2026', in the site's time zone."""
    if isinstance(moment, datetime.datetime):
        moment = timezone.localdate(moment)
    return f"{moment.day} {moment:%B %Y}"


def initiative_citation(initiative: Initiative, url: str) -> str:
    updated = timezone.localdate(initiative.updated_at)
    return (
        f"{settings.SITE_NAME} ({updated.year}) '{initiative.title}'. "
        f"Last updated {long_date(updated)}. Available at: {url}"
    )


def briefing_citation(briefing: Briefing, url: str) -> str:
    authors = _and_list(publisher.name for publisher in briefing.publishers.all())
    year = f" ({briefing.published_on.year})" if briefing.published_on else ""
    series = ""
    if briefing.series:
        number = f", no. {briefing.number}" if briefing.number else ""
        series = f" ({briefing.series}{number})"
    author_part = (
        f"{authors}{year} " if authors else (f"{year.strip()} " if year else "")
    )
    return (
        f"{author_part}{briefing.title}{series}. Summarised in {settings.SITE_NAME}, "
        f"last updated {long_date(briefing.updated_at)}. Available at: {url}"
    )


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
    mentions = list(initiative.briefing_mentions.all())
    if mentions:
        data["subjectOf"] = [
            {"@type": "Report", "name": mention.briefing.title} for mention in mentions
        ]
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
        data["datePublished"] = briefing.published_on.isoformat()
    if briefing.number:
        data["reportNumber"] = str(briefing.number)
    if briefing.url:
        data["sameAs"] = briefing.url
    return data
