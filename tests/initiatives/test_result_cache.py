"""The result cache: repeated searches cost less, and never go stale."""

import pytest
from django.urls import reverse

from initiatives.services.publishing import publish_initiative, withdraw_initiative
from tests.factories import make_curator, make_initiative, make_police_area, make_theme

pytestmark = pytest.mark.django_db

API = reverse("api:initiative-list")
PAGE = reverse("initiatives:list")


@pytest.fixture
def library():
    kent = make_police_area(slug="kent", name="Kent")
    youth = make_theme(slug="youth", name="Youth")
    demand = make_theme(slug="demand", name="Demand")
    for n in range(3):
        make_initiative(
            slug=f"hub-{n}",
            title=f"Harbour hub {n}",
            police_areas=[kent],
            themes=[youth],
        )
    draft = make_initiative(
        slug="draft-hub",
        title="Harbour hub draft",
        police_areas=[kent],
        themes=[demand],
        state="draft",
    )
    return {"kent": kent, "youth": youth, "demand": demand, "draft": draft}


def _api(client, query: str) -> dict:
    response = client.get(f"{API}?{query}")
    assert response.status_code == 200, response.content
    return response.json()


def _slugs(body: dict) -> list[str]:
    return [row["slug"] for row in body["results"]]


def _facet(body: dict, name: str) -> dict[str, int]:
    return {option["value"]: option["count"] for option in body["facets"][name]}


QUERY = "police_area=kent&facets=theme,police_area,status&page_size=2"
WHOLE = "police_area=kent&facets=theme,police_area,status&page_size=10"


def test_a_repeated_request_is_answered_whole_from_the_cache(
    client, library, django_assert_num_queries
):
    first = client.get(f"{API}?{QUERY}")

    with django_assert_num_queries(0):
        second = client.get(f"{API}?{QUERY}")

    assert second.content == first.content
    for header in ("Content-Type", "ETag", "Link", "X-Total-Count"):
        assert second[header] == first[header]


def test_a_stored_csv_answer_stays_csv(client, library):
    first = client.get(f"{API}?{QUERY}&format=csv")
    second = client.get(f"{API}?{QUERY}&format=csv")

    assert second["Content-Type"] == "text/csv; charset=utf-8"
    assert second.content == first.content
    assert second["Content-Disposition"] == first["Content-Disposition"]


def test_a_page_is_answered_whole_from_the_cache(
    client, library, django_assert_num_queries
):
    first = client.get(f"{PAGE}?police_area=kent")

    with django_assert_num_queries(0):
        second = client.get(f"{PAGE}?police_area=kent")

    assert second.content == first.content


def test_the_same_search_written_differently_shares_the_results(
    client, library, django_assert_num_queries
):
    first = _api(client, "police_area=kent&theme=youth&facets=theme&page_size=2")

    # Another address, so another answer; but the count, the search decision
    # and the facet counts come from the result cache. 1-2 the slugs checked,
    # 3 the page's rows by their cached ids, 4-5 their areas and themes, 6
    # their latest public changes (the list's ETag).
    with django_assert_num_queries(6):
        second = _api(client, "theme=youth&facets=theme&page_size=2&police_area=kent")

    # The same answer, links included (they put the parameters in order).
    assert second == first
    assert first["count"] == 3 and len(first["results"]) == 2
    assert first["facets"]["theme"][0] | {"label": ""} == {
        "value": "youth",
        "label": "",
        "count": 3,
        "selected": True,
    }


def test_results_counts_and_facets_follow_a_publication(client, library):
    before = _api(client, WHOLE)
    page_before = client.get(f"{PAGE}?police_area=kent")

    publish_initiative(library["draft"], actor=make_curator())

    after = _api(client, WHOLE)
    assert before["count"] == 3 and after["count"] == 4
    assert "draft-hub" in _slugs(after)
    assert _facet(before, "theme") == {"youth": 3, "demand": 0}
    assert _facet(after, "theme") == {"youth": 3, "demand": 1}
    page_after = client.get(f"{PAGE}?police_area=kent")
    assert page_before.context["search"].count == 3
    assert page_after.context["search"].count == 4


def test_results_and_facets_follow_a_withdrawal(client, library):
    _api(client, QUERY)
    hub = library["kent"].initiatives.get(slug="hub-0")

    withdraw_initiative(hub, actor=make_curator())

    after = _api(client, WHOLE)
    assert after["count"] == 2
    assert "hub-0" not in _slugs(after)
    assert _facet(after, "theme")["youth"] == 2


def test_search_follows_an_edit(client, library):
    assert _api(client, "q=harbour")["count"] == 3
    hub = library["kent"].initiatives.get(slug="hub-1")

    hub.title = "Lighthouse hub"
    hub.save()
    hub.themes.set([library["demand"]])

    assert _api(client, "q=lighthouse")["count"] == 1
    body = _api(client, "police_area=kent&facets=theme")
    assert _facet(body, "theme") == {"youth": 2, "demand": 1}


def test_answers_are_the_same_with_the_cache_off(client, library, settings):
    cached = _api(client, QUERY)
    settings.RESULT_CACHE_SECONDS = 0

    assert _api(client, QUERY) == cached
