"""sitemap.xml lists every public page and nothing that is not public."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from tests.factories import (
    make_briefing,
    make_initiative,
    make_organisation,
    make_police_area,
    make_theme,
)

pytestmark = pytest.mark.django_db

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _locations(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return [element.text or "" for element in root.iter(f"{NS}loc")]


def test_index_lists_a_sitemap_per_kind_of_page(client):
    sections = _locations(client, reverse("sitemap"))

    assert sections == [
        f"http://testserver/sitemap-{section}.xml"
        for section in (
            "pages",
            "initiatives",
            "themes",
            "police-areas",
            "briefings",
            "organisations",
            "sources",
        )
    ]


def test_sections_list_public_entries_only(client):
    lead = make_organisation(slug="lead")
    hidden_lead = make_organisation(slug="hidden-lead")
    visible = make_initiative(slug="visible", organisations={"lead": lead})
    for state in ("draft", "in-review", "withdrawn"):
        make_initiative(
            slug=f"hidden-{state}", state=state, organisations={"lead": hidden_lead}
        )
    make_briefing(slug="out")
    make_briefing(slug="unpublished", state="draft")
    make_theme(slug="youth")
    make_police_area(slug="kent")

    def section(name):
        url = reverse("sitemap-section", kwargs={"section": name})
        return [
            location.removeprefix("http://testserver")
            for location in _locations(client, url)
        ]

    assert section("initiatives") == [visible.get_absolute_url()]
    assert section("briefings") == ["/briefings/out/"]
    assert section("organisations") == ["/organisations/lead/"]
    assert "/themes/youth/" in section("themes")
    assert "/police-areas/kent/" in section("police-areas")
    assert "/police-areas/compare/" in section("pages")
    assert "/accessibility/" in section("pages")


def test_initiative_entries_carry_their_last_change(client):
    initiative = make_initiative()

    response = client.get(reverse("sitemap-section", kwargs={"section": "initiatives"}))

    root = ET.fromstring(response.content)
    lastmod = root.find(f"{NS}url/{NS}lastmod")
    assert lastmod is not None
    assert lastmod.text == (initiative.updated_at.date().isoformat())


def test_index_query_count_does_not_grow(client, django_assert_num_queries):
    for _ in range(5):
        make_initiative()
    # Two per section with dates (initiatives, themes, briefings,
    # organisations, sources): its latest change and its number of pages; and
    # the number of police areas.
    with django_assert_num_queries(11):
        client.get(reverse("sitemap"))
