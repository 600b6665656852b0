"""A list row built directly is the row DRF's fields would build.

``InitiativeListSerializer.to_representation`` writes each row of
``/api/v1/initiatives/`` by hand, for speed; the fields it declares (and
the schema documents) still say what a row is. Every kind of row, in every
kind of list, must come out the same both ways, key for key and in order.
"""

import datetime

import pytest
from django.utils import timezone

from initiatives.models import Initiative
from initiatives.serializers import InitiativeListSerializer
from tests.factories import make_initiative, make_police_area, make_theme
from tests.initiatives.api_helpers import api_url

pytestmark = pytest.mark.django_db

LIST = api_url("initiative-list")


@pytest.fixture
def varied_rows(settings):
    settings.RESULT_CACHE_SECONDS = 0  # each answer built afresh
    kent = make_police_area(name="Kent", slug="kent")
    essex = make_police_area(name="Essex", slug="essex")
    youth, health = make_theme(name="Youth"), make_theme(name="Mental health")
    make_initiative(
        slug="whole",
        title="Mental health triage in custody",
        summary="Nurses <b>assess</b> people & refer them on.",
        police_areas=[kent, essex],
        themes=[youth, health],
        status=Initiative.Status.ACTIVE,
        start_date=datetime.date(2015, 12, 1),
        start_date_precision="month",
        end_date=datetime.date(2019, 1, 1),
        end_date_precision="year",
        evidence_stage=Initiative.EvidenceStage.EVALUATED_LOCALLY,
        evidence_outcome=Initiative.EvidenceOutcome.PROMISING,
    )
    make_initiative(slug="bare", title="A mental health drop-in", police_areas=[])
    make_initiative(
        slug="demo",
        title="Demo: health hub",
        origin=Initiative.Origin.DEMO,
        published_at=timezone.now() - datetime.timedelta(days=400),
    )


def _rows(client, monkeypatch, address: str) -> tuple[list, list]:
    fast = client.get(address).json()["results"]
    monkeypatch.setattr(
        InitiativeListSerializer,
        "to_representation",
        InitiativeListSerializer.generic_representation,
    )
    generic = client.get(address).json()["results"]
    monkeypatch.undo()
    return fast, generic


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?include_demo=true&ordering=title",
        "?q=mental+health&include_demo=true",
        "?q=health&ordering=-updated_at&include_demo=true",
        "?police_area=kent&page_size=1",
    ],
)
def test_fast_rows_equal_the_fields_rows(client, monkeypatch, varied_rows, query):
    fast, generic = _rows(client, monkeypatch, f"{LIST}{query}")

    assert fast, "the list shows rows"
    assert fast == generic
    assert [list(row) for row in fast] == [list(row) for row in generic]
    assert [list(area) for row in fast for area in row["police_areas"]] == [
        list(area) for row in generic for area in row["police_areas"]
    ]


def test_a_page_of_rows_costs_no_query_per_row(
    client, varied_rows, django_assert_max_num_queries
):
    for _ in range(30):
        make_initiative(
            police_areas=[make_police_area()], themes=[make_theme(), make_theme()]
        )
    # Filters' lookups, the count, the page, its areas and themes, the
    # rows' latest changes: the same for 3 rows or 33.
    with django_assert_max_num_queries(6):
        response = client.get(f"{LIST}?page_size=100&include_demo=true")

    assert len(response.json()["results"]) == 33
