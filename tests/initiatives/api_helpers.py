"""Builders and helpers shared by the API tests."""

import datetime
from typing import Any

from django.urls import reverse

from initiatives.models import Initiative
from tests.factories import (
    make_briefing,
    make_initiative,
    make_organisation,
    make_police_area,
    make_target_group,
    make_theme,
)


def utc(moment: datetime.datetime | None) -> str | None:
    """A timestamp as the API writes it: ISO 8601 in UTC with a Z."""
    if moment is None:
        return None
    return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def absolute(path: str) -> str:
    return f"http://testserver{path}"


def api_url(name: str, **kwargs: Any) -> str:
    return reverse(f"api:{name}", kwargs=kwargs or None)


def build_library() -> dict[str, Initiative]:
    """A small library: four published initiatives and one of each hidden kind.

    Titles sort differently from slugs and start dates, so that an ordering
    mistake shows.
    """
    kent = make_police_area(slug="kent", name="Kent", region="south-east")
    essex = make_police_area(slug="essex", name="Essex", region="east-of-england")
    gwent = make_police_area(slug="gwent", name="Gwent", nation="wales", region="wales")
    youth = make_theme(slug="youth", name="Youth diversion")
    demand = make_theme(slug="demand", name="Understanding demand")
    women = make_target_group(slug="women", name="Women")
    trust = make_organisation(slug="trust", name="Community Trust")
    rows = {
        "hub": make_initiative(
            slug="hub",
            title="Mental health hub",
            summary="A mental health hub in custody suites.",
            police_areas=[kent],
            themes=[youth],
            status="active",
            evidence_stage="independently-evaluated",
            start_date=datetime.date(2015, 1, 1),
            organisations={"lead": trust},
        ),
        "triage": make_initiative(
            slug="triage",
            title="Youth triage",
            summary="Young people diverted from court to support.",
            police_areas=[kent, essex],
            themes=[youth, demand],
            target_groups=[women],
            status="pilot",
            evidence_stage="evaluated-locally",
            start_date=datetime.date(2018, 6, 1),
            start_date_precision="month",
        ),
        "centre": make_initiative(
            slug="centre",
            title="Drop-in centre",
            summary="A drop-in centre for people with several needs.",
            police_areas=[essex],
            themes=[demand],
            status="active",
            evidence_stage="untested",
            start_date=datetime.date(2020, 1, 1),
            organisations={"partner": trust},
        ),
        "violence": make_initiative(
            slug="violence",
            title="Violence as a public health issue",
            summary="Hotspots of violence mapped with health partners.",
            police_areas=[gwent],
        ),
    }
    make_briefing(slug="spotlight", initiatives=[rows["hub"], rows["violence"]])
    hidden = make_organisation(slug="hidden-trust", name="Hidden Trust")
    for state in ("draft", "in-review"):
        make_initiative(
            slug=f"secret-{state}",
            title=f"Secret {state} entry",
            summary="Not for the public.",
            police_areas=[kent],
            themes=[youth],
            target_groups=[women],
            status="active",
            evidence_stage="independently-evaluated",
            start_date=datetime.date(2019, 1, 1),
            organisations={"lead": hidden},
            state=state,
        )
    make_briefing(slug="secret-briefing", title="Secret briefing", state="draft")
    return rows
