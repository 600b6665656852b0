"""Theme pages: the list with counts and chart, and each theme's page."""

import json
import re

import pytest
from django.urls import reverse

from initiatives.models import PoliceArea
from tests.factories import make_briefing, make_initiative, make_police_area, make_theme

pytestmark = pytest.mark.django_db


@pytest.fixture
def youth():
    theme = make_theme(slug="youth", name="Youth diversion")
    kent = make_police_area(slug="kent", name="Kent")
    for n in range(3):
        make_initiative(title=f"Youth work {n}", themes=[theme], police_areas=[kent])
    make_initiative(title="Hidden draft", themes=[theme], state="draft")
    make_briefing(title="Published study", themes=[theme])
    make_briefing(title="Unpublished study", themes=[theme], state="draft")
    return theme


def test_theme_list_shows_each_theme_with_its_count(client, youth):
    make_theme(name="Empty theme")

    response = client.get(reverse("themes:list"))

    counts = {
        theme.name: theme.initiative_count for theme in response.context["themes"]
    }
    assert counts == {"Youth diversion": 3, "Empty theme": 0}
    html = response.content.decode()
    # Each count is printed once, by its bar; the theme's card does not repeat it.
    assert '<span class="bar-count">3<span class="visually-hidden"> initiatives' in html
    assert '<span class="bar-count">0<span class="visually-hidden"> initiatives' in html
    assert "published initiatives" not in html


def test_theme_page_lists_published_initiatives_and_briefings(client, youth):
    response = client.get(youth.get_absolute_url())

    assert [i.title for i in response.context["page_obj"].object_list] == [
        "Youth work 0",
        "Youth work 1",
        "Youth work 2",
    ]
    html = response.content.decode()
    assert "Hidden draft" not in html
    assert "Published study" in html
    assert "Unpublished study" not in html
    assert f"{reverse('initiatives:list')}?theme=youth" in html


def test_theme_page_map_counts_this_themes_work(client, youth):
    response = client.get(youth.get_absolute_url())

    counts = {
        area.slug: area.initiative_count for area in response.context["map"].areas
    }
    assert counts["kent"] == 3
    assert sum(counts.values()) == 3
    assert response.context["map"].theme == youth


def test_theme_page_describes_itself_as_a_defined_term(client, youth):
    html = client.get(youth.get_absolute_url()).content.decode()

    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html)
    assert match
    data = json.loads(match.group(1))
    assert data["@type"] == "DefinedTerm"
    assert data["name"] == "Youth diversion"
    assert data["inDefinedTermSet"]["url"] == "http://testserver/themes/"


def test_theme_page_pages_through_many_initiatives(client, youth):
    for n in range(20):
        make_initiative(title=f"Zeta {n:02}", themes=[youth])

    response = client.get(youth.get_absolute_url(), {"page": 2})

    assert [i.title for i in response.context["page_obj"].object_list] == [
        "Zeta 17",
        "Zeta 18",
        "Zeta 19",
    ]
    assert '<link rel="canonical" href="http://testserver/themes/youth/?page=2">' in (
        response.content.decode()
    )


@pytest.mark.parametrize("query", ["page=0", "page=9", "page_size=1000", "page=%00"])
def test_bad_page_is_a_message_not_an_error(client, youth, query):
    response = client.get(youth.get_absolute_url(), QUERY_STRING=query)

    assert response.status_code == 200
    assert response.context["page_obj"] is None
    assert "There is a problem with the page asked for" in response.content.decode()


def test_unknown_theme_is_a_404(client):
    response = client.get(reverse("themes:detail", args=["no-such-theme"]))

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize("rows", [1, 6])
def test_query_counts_do_not_grow(client, django_assert_num_queries, rows):
    theme = make_theme()
    for _ in range(rows):
        initiative = make_initiative(
            themes=[theme, make_theme()], police_areas=[make_police_area()]
        )
        make_briefing(themes=[theme], initiatives=[initiative])
    assert PoliceArea.objects.count() == rows

    # 1 themes with counts, 2 the demo data for the banner (kept for the
    # pages after it until the content changes).
    with django_assert_num_queries(2):
        client.get(reverse("themes:list"))
    # 1 the theme, 2 the pager's count, 3-5 the page with areas and themes,
    # 6-8 briefings with publishers and themes, 9 the areas with counts.
    with django_assert_num_queries(9):
        client.get(theme.get_absolute_url())
