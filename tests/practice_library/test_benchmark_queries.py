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
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from initiatives.models import Initiative, PoliceArea
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
