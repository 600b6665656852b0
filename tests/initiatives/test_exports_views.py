"""Downloads of the whole current result set, as CSV and JSON."""

import csv
import io
import json

import pytest
from django.urls import reverse

from initiatives import downloads
from initiatives.exports import EXPORT_HEADER
from tests.factories import (
    make_initiative,
    make_organisation,
    make_police_area,
    make_target_group,
    make_theme,
)

pytestmark = pytest.mark.django_db

CSV_URL = reverse("initiatives:export-csv")
JSON_URL = reverse("initiatives:export-json")


def _download(client, url: str, query: str = ""):
    response = client.get(url, QUERY_STRING=query)
    assert response.status_code == 200
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8"), response


def _csv_rows(client, query: str = "") -> list[dict[str, str]]:
    text, response = _download(client, CSV_URL, query)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert text.startswith("\ufeff")  # so that spreadsheets read UTF-8
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.fixture
def many():
    """25 published initiatives under one theme, and some that must not show."""
    theme = make_theme(slug="youth")
    for n in range(25):
        make_initiative(slug=f"youth-{n:02}", title=f"Youth {n:02}", themes=[theme])
    make_initiative(slug="other", title="Other")
    make_initiative(slug="hidden", title="Hidden", themes=[theme], state="draft")
    make_initiative(slug="gone", title="Gone", themes=[theme], state="withdrawn")


@pytest.mark.usefixtures("many")
class TestCsv:
    def test_holds_the_whole_result_set_not_one_page(self, client):
        rows = _csv_rows(client, "theme=youth&page=2&page_size=5")

        assert [row["slug"] for row in rows] == [f"youth-{n:02}" for n in range(25)]

    def test_columns_are_the_shared_export_columns(self, client):
        text, response = _download(client, CSV_URL)

        header = next(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
        assert header == EXPORT_HEADER
        assert response["Content-Disposition"].startswith(
            'attachment; filename="initiatives-'
        )

    def test_without_filters_holds_every_published_initiative(self, client):
        slugs = {row["slug"] for row in _csv_rows(client)}

        assert len(slugs) == 26
        assert not {"hidden", "gone"} & slugs

    def test_follows_the_chosen_order(self, client):
        rows = _csv_rows(client, "theme=youth&ordering=-updated_at")

        assert [row["slug"] for row in rows][0] == "youth-24"


def test_csv_row_carries_the_initiatives_facts(client):
    make_initiative(
        slug="hub",
        title="Hub",
        police_areas=[make_police_area(slug="kent", name="Kent")],
        themes=[make_theme(slug="demand")],
        target_groups=[make_target_group(slug="women")],
        organisations={"lead": make_organisation(name="Trust")},
        status="pilot",
        origin="demo",
    )

    (row,) = _csv_rows(client, "include_demo=true")

    assert row["police_areas"] == "kent"
    assert row["police_area_names"] == "Kent"
    assert row["themes"] == "demand"
    assert row["target_groups"] == "women"
    assert row["lead_organisation"] == "Trust"
    assert row["status"] == "pilot"
    assert row["is_demo"] == "True"


@pytest.fixture
def researched():
    """An entry with everything a researcher would cite: description,
    partners, funding, toolkit links and sources."""
    from initiatives.models import Funding, Initiative, ToolkitLink
    from tests.factories import make_source

    evaluation = make_source(
        title="Hub evaluation", url="https://example.org/hub-evaluation"
    )
    initiative = make_initiative(
        slug="hub",
        title="Hub",
        description="The fuller account.",
        organisations={
            "lead": make_organisation(name="Trust"),
            "partner": make_organisation(name="Council"),
        },
        sources=[evaluation],
        evidence_note="Evaluated in 2019.",
    )
    Funding.objects.create(
        initiative=initiative,
        funder=make_organisation(name="Home Office"),
        amount="250000.00",
        period_start="2019-04-01",
        period_start_precision="month",
        period_end="2020-03-01",
        period_end_precision="month",
        source=evaluation,
    )
    ToolkitLink.objects.create(
        initiative=initiative,
        toolkit="yef-toolkit",
        approach="Social skills training",
        url="https://example.org/yef/social-skills",
        rating="Estimated impact on violent crime: Moderate",
    )
    return Initiative.objects.get(pk=initiative.pk)


RESEARCHED = {
    "url": "http://testserver/initiatives/hub/",
    "description": "The fuller account.",
    "partners": "Council",
    "funding": "Home Office: GBP 250000.00 (April 2019 to March 2020), "
    "per Hub evaluation",
    "toolkit_links": "Youth Endowment Fund Toolkit: Social skills training "
    "(Estimated impact on violent crime: Moderate) "
    "<https://example.org/yef/social-skills>",
    "sources": "Hub evaluation <https://example.org/hub-evaluation>",
    "evidence_note": "Evaluated in 2019.",
}


@pytest.mark.usefixtures("researched")
def test_csv_and_json_carry_what_a_researcher_cites(client):
    (row,) = _csv_rows(client)
    assert {name: row[name] for name in RESEARCHED} == RESEARCHED

    text, _ = _download(client, JSON_URL)
    (entry,) = json.loads(text)["results"]
    assert {name: entry[name] for name in RESEARCHED} == RESEARCHED


@pytest.mark.usefixtures("researched")
def test_the_api_csv_shares_the_row(client):
    response = client.get(reverse("api:initiative-list"), {"format": "csv"})
    assert response.status_code == 200, response.content
    text = response.content.decode("utf-8").removeprefix("\ufeff")
    (row,) = csv.DictReader(io.StringIO(text))
    assert {name: row[name] for name in RESEARCHED} == RESEARCHED


def test_csv_cells_that_spreadsheets_would_run_are_defused(client):
    make_initiative(title='=HYPERLINK("http://example.org")', summary="+1 for this")

    (row,) = _csv_rows(client)

    assert row["title"] == '\'=HYPERLINK("http://example.org")'
    assert row["summary"] == "'+1 for this"


@pytest.mark.usefixtures("many")
class TestJson:
    def test_holds_the_whole_result_set_and_says_where_from(self, client):
        text, response = _download(client, JSON_URL, "theme=youth&page=3")

        assert response["Content-Type"] == "application/json; charset=utf-8"
        data = json.loads(text)
        assert data["columns"] == EXPORT_HEADER
        assert data["search"] == "http://testserver/initiatives/?theme=youth&page=3"
        assert [row["slug"] for row in data["results"]] == [
            f"youth-{n:02}" for n in range(25)
        ]
        assert list(data["results"][0]) == EXPORT_HEADER
        assert data["results"][0]["is_demo"] is False

    def test_an_empty_result_is_valid_json(self, client):
        text, _ = _download(client, JSON_URL, "theme=youth&nation=wales")

        assert json.loads(text)["results"] == []


@pytest.mark.parametrize("url", [CSV_URL, JSON_URL])
@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("start_year_min=abc", "start_year_min"),
        ("theme=no-such-theme", "theme"),
        ("q=a%00b", "q"),
        ("q=%ED%A0%80", "q"),
        ("q=" + "x" * 5000, "q"),
        ("ordering=title&ordering=-updated_at", "ordering"),
    ],
    ids=lambda value: str(value)[:30],
)
def test_bad_input_is_refused_with_the_parameter_named(client, url, query, named):
    response = client.get(url, QUERY_STRING=query)

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert f"\n{named}: " in response.content.decode()


@pytest.mark.parametrize("url", [CSV_URL, JSON_URL])
@pytest.mark.parametrize("rows", [3, 9])
def test_query_count_does_not_grow_with_rows(
    client, django_assert_num_queries, url, rows
):
    for _ in range(rows):
        make_initiative(
            themes=[make_theme()],
            target_groups=[make_target_group()],
            organisations={"lead": make_organisation()},
        )

    # 1 whether the database answers (before the first byte), 2 the rows,
    # 3-10 their areas, themes, target groups, organisations, sources,
    # funding, toolkit links and briefings.
    with django_assert_num_queries(10):
        _download(client, url)


def test_rows_are_fetched_a_chunk_at_a_time(
    client, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(downloads, "EXPORT_CHUNK_SIZE", 2)
    for _ in range(5):
        make_initiative()

    # Whether the database answers, the rows' query, then the eight
    # prefetches for each chunk of two rows: memory holds one chunk, however
    # many rows there are.
    with django_assert_num_queries(2 + 8 * 3):
        rows = _csv_rows(client)

    assert len(rows) == 5
