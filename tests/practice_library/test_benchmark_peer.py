"""Each request `make bench` compares has its Datasette equivalent.

bench/peer.py turns the app's API paths into Datasette's; a parameter added
to a compared scenario without an equivalent would make the two answers
differ, so it must be refused rather than dropped.
"""

import random
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings

sys.path.insert(0, str(Path(settings.BASE_DIR) / "bench"))
from peer import Names, datasette_path  # noqa: E402
from run import COMPARED, scenarios  # noqa: E402

NAMES = Names(
    themes={f"theme-{n}": f"Theme {n}" for n in range(5)},
    areas={f"area-{n}": f"Area {n}" for n in range(5)},
)


def _plan() -> dict[str, dict]:
    sample = {
        "slugs": ["one"],
        "themes": list(NAMES.themes),
        "areas": list(NAMES.areas),
    }
    return scenarios(sample, random.Random(1))


@pytest.mark.parametrize("scenario", list(COMPARED))
def test_compared_requests_ask_datasette_for_fifty_rows_by_title(scenario):
    for app_path in _plan()[scenario]["paths"]:
        path, page = datasette_path(app_path, NAMES)
        app = parse_qs(urlsplit(app_path).query)
        query = parse_qs(urlsplit(path).query)

        assert urlsplit(path).path == "/library/initiatives.json"
        assert query["_size"] == ["50"] == app["page_size"]
        assert query["_sort"] == ["title"]
        assert "description" not in query["_col"]
        assert page == int(app.get("page", ["1"])[0])
        assert query.get("_search") == app.get("q")


def test_filters_and_facets_map_to_arrays_of_names():
    path, page = datasette_path(
        "/api/v1/initiatives/?q=young+adults&theme=theme-1&police_area=area-2"
        "&facets=theme,police_area&page_size=50",
        NAMES,
    )
    query = parse_qs(urlsplit(path).query)

    assert page == 1
    assert query["themes__arraycontains"] == ["Theme 1"]
    assert query["police_areas__arraycontains"] == ["Area 2"]
    assert query["_facet_array"] == ["themes", "police_areas"]


@pytest.mark.parametrize(
    "app_path",
    [
        "/api/v1/initiatives/?facets=organisation",
        "/api/v1/initiatives/?status=active",
        "/initiatives/?q=custody",
    ],
)
def test_requests_without_an_equivalent_are_refused(app_path):
    with pytest.raises(ValueError, match="equivalent"):
        datasette_path(app_path, NAMES)
