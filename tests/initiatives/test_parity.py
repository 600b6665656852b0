"""The search page and the API accept and refuse exactly the same inputs.

Every query string of the search tests, valid or hostile, goes to
``/initiatives/`` and to ``/api/v1/initiatives/``. A valid one lists the same
slugs, in the same order, with the same count, on both; an invalid one makes
the page show its error summary and the API answer 400 (both 404 for a page
past the last), each naming the same parameters, misspelt ones included. Parameters only the API reads (``format``, ``facets``) are left
out: the page has neither.
"""

import datetime
from urllib.parse import unquote

import pytest
from django.urls import reverse

from initiatives.models import Initiative
from tests.initiatives.test_api import (
    BAD_INPUTS,
    HIDDEN_PROBES,
    HIDDEN_SLUG_PROBES,
    PARITY_QUERIES,
)
from tests.initiatives.test_filters import BAD_VALUES
from tests.initiatives.test_hostile_input import EVERY_PAGE, MARKUP, RAW, SQL
from tests.initiatives.test_views import BAD_INPUT

pytestmark = pytest.mark.django_db

PAGE = reverse("initiatives:list")
API = reverse("api:initiative-list")
API_ONLY = {"format", "facets"}
# Where hostile values are sent, in turn: the free text, a slug filter, a
# choice, a number, the moment and the paging.
HOSTILE_IN = ["q", "theme", "status", "start_year_min", "updated_since", "page"]
HOSTILE_VALUES = [
    *RAW,
    *(value.replace("&", "%26").replace("#", "%23") for value in MARKUP + SQL),
]


def _without_api_only(query: str) -> str:
    pairs = [pair for pair in query.split("&") if pair]
    return "&".join(
        pair
        for pair in pairs
        if unquote(pair.partition("=")[0], errors="replace") not in API_ONLY
    )


# The inputs of the search tests, by where they come from.
INPUTS = {
    "valid searches (test_api)": PARITY_QUERIES,
    "probes for hidden entries (test_api)": HIDDEN_PROBES,
    "hidden rows named in filters (test_api)": HIDDEN_SLUG_PROBES,
    "bad input (test_api)": [
        query for query, parameter in BAD_INPUTS if parameter not in API_ONLY
    ],
    "bad values (test_filters)": [query for query, _ in BAD_VALUES],
    "bad input (test_views)": [case[0] for case in BAD_INPUT],
    "every parameter at once (test_hostile_input)": EVERY_PAGE,
    "hostile values (test_hostile_input)": [
        f"{HOSTILE_IN[n % len(HOSTILE_IN)]}={value}"
        for n, value in enumerate(HOSTILE_VALUES)
    ],
    "edge cases": [
        "updated_since=2025-01-31T09:00:00",
        "updated_since=2000-01-01T00:00:00&q=hub",
        "ordering=relevance",
        "ordering=relevance&q=hub",
        "theme=youth&theme=youth&page=1&page=1",
        "cursor=1&cursor=2&limit=5",
        "page_size=2&page=2",
        "page_size=2&page=3",
        "q=violant",
    ],
}


def _page_outcome(client, query: str) -> tuple:
    response = client.get(PAGE, QUERY_STRING=query, follow=True)
    search = response.context["search"]
    # Not found only for a page past the last, as in the API.
    assert response.status_code == (404 if search.past_the_last_page else 200)
    if not search.is_valid:
        assert "There is a problem with this search" in response.content.decode()
        return ("refused", tuple(sorted({problem.name for problem in search.problems})))
    slugs = [initiative.slug for initiative in search.page.object_list]
    return ("listed", tuple(slugs), search.count)


def _api_outcome(client, query: str) -> tuple:
    response = client.get(API, QUERY_STRING=query)
    body = response.json()
    if response.status_code == 400 or (response.status_code == 404 and body["errors"]):
        return ("refused", tuple(sorted(body["errors"])))
    assert response.status_code == 200, body
    return ("listed", tuple(row["slug"] for row in body["results"]), body["count"])


@pytest.mark.usefixtures("small_library", "no_rate_limits")
@pytest.mark.parametrize("source", INPUTS)
def test_the_page_and_the_api_agree(client, source):
    outcomes = {}
    for query in dict.fromkeys(_without_api_only(query) for query in INPUTS[source]):
        outcomes[query] = (_page_outcome(client, query), _api_outcome(client, query))

    disagreements = {
        query: pair for query, pair in outcomes.items() if len(set(pair)) > 1
    }
    assert not disagreements
    # Each source holds what it says: valid searches are listed, bad input
    # refused (the comparison must not pass by refusing, or listing, all).
    kinds = {page[0] for page, _ in outcomes.values()}
    if source.startswith(("valid", "probes", "hidden")):
        # Hidden rows of curators' data match nothing, like unknown ones.
        assert kinds == {"listed"}
    elif source.startswith("bad"):
        assert kinds == {"refused"}
    else:
        assert kinds == {"listed", "refused"} or source.startswith("every")


@pytest.mark.parametrize("address", [PAGE, API])
def test_a_time_without_an_offset_is_uk_time_on_both(client, small_library, address):
    # 08:30 UTC on 1 July is 09:30 in the UK (British Summer Time).
    changed = datetime.datetime(2025, 7, 1, 8, 30, tzinfo=datetime.UTC)
    Initiative.objects.filter(slug="hub").update(updated_at=changed)
    Initiative.objects.exclude(slug="hub").update(
        updated_at=changed - datetime.timedelta(days=30)
    )

    def listed(since: str) -> tuple[str, ...]:
        outcome = (_page_outcome if address == PAGE else _api_outcome)(
            client, f"updated_since={since}"
        )
        assert outcome[0] == "listed", outcome
        return outcome[1]

    assert listed("2025-07-01T09:00:00") == ("hub",)  # 08:00 UTC
    assert listed("2025-07-01T09:45:00") == ()  # 08:45 UTC
    assert listed("2025-07-01T09:00:00Z") == ()
    assert listed("2025-07-01") == ("hub",)  # from midnight UK time
