"""The benchmark's own requests cost the same SQL at two sizes of library.

`make bench` drives the app with the mixes of paths that bench/run.py builds.
Here the same builder makes those paths for a small and a larger library of
demo initiatives, and each scenario must run the same number of queries at
both sizes, with the result cache off (the cost of a first request) and on.
"""

import random
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.postgres.search import SearchRank
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from initiatives.filters import InitiativeFilterSet
from initiatives.full_text import SEARCH_DOCUMENT, web_search_query
from initiatives.models import Initiative, PoliceArea
from initiatives.selectors import public_initiatives
from themes.models import Theme

sys.path.insert(0, str(Path(settings.BASE_DIR) / "bench"))
from run import scenarios  # noqa: E402

pytestmark = pytest.mark.django_db

SIZES = (12, 60)
PATHS_A_SCENARIO = 4


def _plan() -> dict[str, list[str]]:
    sample = {
        "slugs": list(
            Initiative.objects.published()
            .order_by("slug")
            .values_list("slug", flat=True)[:PATHS_A_SCENARIO]
        ),
        "themes": list(Theme.objects.values_list("slug", flat=True)),
        "areas": list(PoliceArea.objects.values_list("slug", flat=True)),
    }
    plan = scenarios(sample, random.Random(1))
    plan["api_304"]["paths"] = []  # answered before any query: tested elsewhere
    return {
        name: [path for path in spec["paths"] if _first_page(path)][:PATHS_A_SCENARIO]
        for name, spec in plan.items()
        if spec["paths"]
    }


def _first_page(path: str) -> bool:
    # A small library has no second page of fifty.
    return parse_qs(urlsplit(path).query).get("page", ["1"]) == ["1"]


def _queries(client, plan: dict[str, list[str]]) -> dict[str, list[int]]:
    counts: dict[str, list[int]] = {}
    for name, paths in plan.items():
        counts[name] = []
        for path in paths:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            counts[name].append(len(captured))
    return counts


@pytest.mark.usefixtures("seeded_library")
class TestBenchmarkScenarios:
    @pytest.mark.parametrize("result_cache", ["off", "on"])
    def test_queries_a_request_do_not_grow_with_the_library(
        self, client, settings, result_cache
    ):
        settings.RESULT_CACHE_SECONDS = 3600 if result_cache == "on" else 0
        settings.LIBRARY_INCLUDE_DEMO = True  # as the benchmark runs
        measured = {}
        for size in SIZES:
            call_command("generate_demo_data", initiatives=size, seed=size)
            # Warm what a running server has warm (the content version, the
            # facet labels), so that both sizes start alike.
            client.get(reverse("api:initiative-list"))
            measured[size] = _queries(client, _plan())
            call_command("remove_demo_data")

        small, large = (measured[size] for size in SIZES)
        assert set(small) == {
            "api_list", "api_search_broad", "api_search_selective",
            "api_search_all_facets", "html_search", "html_detail",
        }  # fmt: skip
        assert all(count > 0 for counts in small.values() for count in counts)
        assert large == small


# Libraries of demo initiatives for the equality of answers.
ANSWER_SIZES = (30, 300)
API_SCENARIOS = (
    "api_list", "api_search_broad", "api_search_selective", "api_search_all_facets"
)  # fmt: skip


def _reference(query: str) -> dict:
    """What an API list answer must hold, worked out the plain way: every row
    of the filtered library in Python order, each match found by computing
    the document (no index) and ranked by the rank vector, and each facet
    with the words matched again in its own query."""
    params = QueryDict(query)
    filterset = InitiativeFilterSet(params, queryset=public_initiatives())
    assert filterset.is_valid(), filterset.errors
    text = filterset.search_text
    rows = filterset.narrow(public_initiatives(include_demo=True), without={"q"})
    if text:
        rows = rows.annotate(
            document=SEARCH_DOCUMENT,
            rank=SearchRank(F("search_rank_vector"), web_search_query(text)),
        ).filter(document=web_search_query(text))
    found = list(
        rows.values_list("origin", "title", "pk", "slug", *["rank"] * bool(text))
    )
    if text:
        found.sort(key=lambda row: (row[0] == "demo", -row[4], row[1], row[2]))
    else:
        found.sort(key=lambda row: (row[0] == "demo", row[1], row[2]))
    size = int(params.get("page_size", 20))
    first = (int(params.get("page", 1)) - 1) * size
    facets = {
        name: [
            {"value": option.value, "count": option.count}
            for option in filterset.filters[name].count(
                list(
                    filterset.narrow(
                        public_initiatives(include_demo=True), without={name}
                    )
                    .order_by()
                    .values_list("pk", flat=True)
                )
            )
        ]
        for name in params.get("facets", "").split(",")
        if name
    }
    return {
        "count": len(found),
        "slugs": [row[3] for row in found[first : first + size]],
        "facets": facets,
    }


@pytest.mark.postgresql
@pytest.mark.usefixtures("seeded_library")
def test_every_api_scenario_answers_as_the_plain_reference(client, settings):
    settings.RESULT_CACHE_SECONDS = 0
    settings.LIBRARY_INCLUDE_DEMO = True  # as the benchmark runs
    compared = dict.fromkeys(ANSWER_SIZES, 0)
    for size in ANSWER_SIZES:
        call_command("generate_demo_data", initiatives=size, seed=size)
        plan = _plan()
        for name in API_SCENARIOS:
            for path in plan[name]:
                answer = client.get(path).json()
                expected = _reference(urlsplit(path).query)
                assert answer["count"] == expected["count"], path
                assert [row["slug"] for row in answer["results"]] == expected[
                    "slugs"
                ], path
                got = {
                    name: [
                        {"value": option["value"], "count": option["count"]}
                        for option in options
                    ]
                    for name, options in answer.get("facets", {}).items()
                }
                assert got == expected["facets"], path
                compared[size] += bool(expected["count"])
        call_command("remove_demo_data")
    # The list and the broad searches find something at both sizes; in the
    # larger library, searches with a theme, an area and facets too.
    small, large = compared.values()
    assert small >= 4 and large > small
