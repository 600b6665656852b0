"""Atom feeds of new and updated initiatives: overall, per theme, per area."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from initiatives.models import Initiative
from tests.factories import make_initiative, make_police_area, make_theme

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FEED = reverse("initiatives:feed")


def _entries(client, url: str) -> tuple[ET.Element, list[ET.Element]]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    return feed, feed.findall(f"{ATOM}entry")


def _titles(entries) -> list[str]:
    return [_text(entry, "title") for entry in entries]


def _text(element: ET.Element, tag: str) -> str:
    found = element.find(f"{ATOM}{tag}")
    assert found is not None and found.text is not None, tag
    return found.text


@pytest.fixture
def library():
    kent = make_police_area(slug="kent", name="Kent")
    essex = make_police_area(slug="essex", name="Essex")
    youth = make_theme(slug="youth", name="Youth")
    demand = make_theme(slug="demand", name="Demand")
    old = make_initiative(
        title="Old", police_areas=[kent], themes=[youth], summary="Old work."
    )
    make_initiative(title="New", police_areas=[essex], themes=[youth, demand])
    make_initiative(title="Hidden", police_areas=[kent], themes=[youth], state="draft")
    make_initiative(
        title="Gone", police_areas=[kent], themes=[youth], state="withdrawn"
    )
    # "Old" changed most recently, so it leads the feed.
    Initiative.objects.filter(pk=old.pk).update(
        updated_at=timezone.now() + datetime.timedelta(hours=1)
    )


@pytest.mark.usefixtures("library")
class TestFeeds:
    def test_overall_feed_lists_published_work_newest_change_first(self, client):
        feed, entries = _entries(client, FEED)

        assert _titles(entries) == ["Old (Kent)", "New (Essex)"]
        assert "new and updated initiatives" in _text(feed, "title")

    def test_entries_carry_dates_summary_themes_and_address(self, client):
        _, entries = _entries(client, FEED)
        old = Initiative.objects.get(title="Old")

        entry = entries[0]
        assert old.published_at is not None
        assert _text(entry, "summary") == "Old work."
        assert _text(entry, "updated") == old.updated_at.isoformat()
        assert _text(entry, "published") == old.published_at.isoformat()
        link = entry.find(f"{ATOM}link")
        assert link is not None
        assert link.get("href") == (f"http://testserver{old.get_absolute_url()}")
        assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == ["Youth"]

    def test_theme_feed_holds_that_themes_work(self, client):
        feed, entries = _entries(client, reverse("themes:feed", args=["demand"]))

        assert _titles(entries) == ["New (Essex)"]
        assert _text(feed, "title").endswith("under Demand")

    def test_area_feed_holds_that_areas_work(self, client):
        _, entries = _entries(
            client, reverse("initiatives:police-area-feed", args=["kent"])
        )

        assert _titles(entries) == ["Old (Kent)"]

    @pytest.mark.parametrize(
        "url",
        [
            reverse("themes:feed", args=["no-such-theme"]),
            reverse("initiatives:police-area-feed", args=["atlantis"]),
        ],
    )
    def test_unknown_theme_or_area_is_a_404(self, client, url):
        assert client.get(url).status_code == 404


def test_demo_entries_are_labelled(client, settings):
    settings.LIBRARY_INCLUDE_DEMO = True  # feeds leave demo data out otherwise
    make_initiative(title="Demo: Harbour", origin="demo", police_areas=[])

    _, entries = _entries(client, FEED)

    assert _titles(entries) == ["Demo: Harbour [demo data]"]


def test_pages_announce_their_feeds(client):
    area = make_police_area(slug="kent")
    theme = make_theme(slug="youth")

    home = client.get(reverse("initiatives:home")).content.decode()
    theme_page = client.get(theme.get_absolute_url()).content.decode()
    area_page = client.get(area.get_absolute_url()).content.decode()

    alternate = '<link rel="alternate" type="application/atom+xml"'
    assert f'{alternate} title="New and updated initiatives (Atom)" href="{FEED}">' in (
        home
    )
    assert f'href="{reverse("themes:feed", args=["youth"])}"' in theme_page
    assert f'href="{reverse("initiatives:police-area-feed", args=["kent"])}"' in (
        area_page
    )


@pytest.mark.parametrize("rows", [2, 8])
def test_query_count_does_not_grow(client, django_assert_num_queries, rows):
    theme = make_theme(slug="youth")
    for _ in range(rows):
        make_initiative(themes=[theme, make_theme()])

    # 1 the entries, 2 their areas, 3 their themes.
    with django_assert_num_queries(3):
        client.get(FEED)
    # 1 the theme, then the same three.
    with django_assert_num_queries(4):
        client.get(reverse("themes:feed", args=["youth"]))
