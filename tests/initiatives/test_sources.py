"""Sources on every public surface: pages, search filter, API, downloads,
citations, data quality; and only the sources of published work."""

import csv
import datetime
import io
import json

import pytest
from django.urls import reverse

from initiatives.models import Funding, Initiative, InitiativeSource, Source
from initiatives.quality import data_quality_report
from tests.factories import (
    make_briefing,
    make_initiative,
    make_organisation,
    make_source,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cited():
    """A published initiative citing an evaluation and a press release (which
    also states its funding), and a draft citing a source of its own."""
    office = make_organisation(slug="kent-pcc", name="Kent PCC office")
    university = make_organisation(slug="uni", name="University of Kent")
    evaluation = make_source(
        slug="hub-evaluation",
        title="Evaluation of the Youth Hub",
        kind=Source.Kind.EVALUATION,
        publishers=[university],
        authors="A. Researcher",
        published_on=datetime.date(2021, 1, 1),
        published_on_precision="year",
        url="https://example.org/evaluation.pdf",
        archived_url="https://archive.example.org/evaluation.pdf",
    )
    release = make_source(
        slug="hub-funding-news",
        title="Youth Hub gets £25k",
        kind=Source.Kind.PRESS_RELEASE,
        publishers=[office],
        published_on=datetime.date(2019, 4, 3),
        published_on_precision="day",
    )
    hub = make_initiative(
        slug="youth-hub",
        title="Youth Hub",
        evidence_stage="independently-evaluated",
        evidence_outcome="promising",
    )
    InitiativeSource.objects.create(
        initiative=hub, source=evaluation, is_evaluation=True, note="Results."
    )
    InitiativeSource.objects.create(initiative=hub, source=release, order=1)
    Funding.objects.create(
        initiative=hub,
        funder=office,
        amount=25000,
        period_start=datetime.date(2019, 4, 1),
        period_start_precision="month",
        period_end=datetime.date(2020, 3, 1),
        period_end_precision="month",
        source=release,
    )
    secret = make_source(slug="secret-memo", title="Secret memo")
    make_initiative(slug="draft-work", state="draft", sources=[secret])
    return {"hub": hub, "evaluation": evaluation, "release": release}


# -- Pages ----------------------------------------------------------------------


def test_initiative_page_lists_its_sources_with_their_own_dates(client, cited):
    html = client.get(cited["hub"].get_absolute_url()).content.decode()

    assert '<a href="https://example.org/evaluation.pdf" rel="external">' in html
    assert "Evaluation of the Youth Hub" in html
    assert "University of Kent" in html
    assert "published 2021" in html
    assert "accessed 2 December 2026" in html
    assert "https://archive.example.org/evaluation.pdf" in html
    assert "Evaluation of this initiative" in html
    assert "3 April 2019" in html
    # The funding row names its source and its period at its precision.
    assert "April 2019 to March 2020" in html
    assert cited["release"].get_absolute_url() in html


def test_source_pages_show_the_citation_and_the_work_that_cites_it(client, cited):
    response = client.get(cited["evaluation"].get_absolute_url())

    assert response.status_code == 200
    assert [i.slug for i in response.context["initiatives"]] == ["youth-hub"]
    assert response.context["citation"] == (
        "A. Researcher (2021) Evaluation of the Youth Hub. University of Kent. "
        "Available at: https://example.org/evaluation.pdf "
        "(accessed 2 December 2026)."
    )
    html = response.content.decode()
    assert "https://archive.example.org/evaluation.pdf" in html


def test_source_list_counts_and_filters_by_kind(client, cited):
    response = client.get(reverse("initiatives:source-list"))

    sources = list(response.context["page_obj"].object_list)
    assert [s.slug for s in sources] == ["hub-evaluation", "hub-funding-news"]
    assert [s.initiative_count for s in sources] == [1, 1]
    kinds = {kind["value"]: kind["count"] for kind in response.context["kinds"]}
    assert kinds == {"evaluation": 1, "press-release": 1}

    narrowed = client.get(reverse("initiatives:source-list"), {"kind": "evaluation"})
    assert [s.slug for s in narrowed.context["page_obj"].object_list] == [
        "hub-evaluation"
    ]


def test_source_list_refuses_a_bad_kind_on_the_page(client, cited):
    response = client.get(reverse("initiatives:source-list"), {"kind": "blog"})

    assert response.status_code == 200
    assert response.context["page_obj"] is None
    assert response.context["problems"][0].name == "kind"


@pytest.mark.parametrize("rows", [1, 5])
def test_source_list_query_count_does_not_grow(client, django_assert_num_queries, rows):
    for _ in range(rows):
        source = make_source(publishers=[make_organisation(), make_organisation()])
        make_initiative(sources=[source])

    # 1 counts per kind, 2 the pager's count, 3 the page of sources with
    # their citation counts, 4 their publishers, 5 the demo data for the
    # banner (once per content version).
    with django_assert_num_queries(5):
        client.get(reverse("initiatives:source-list"))


def test_a_source_of_hidden_work_only_is_not_found(client, cited):
    secret = Source.objects.get(slug="secret-memo")

    assert client.get(secret.get_absolute_url()).status_code == 404
    assert (
        client.get(reverse("api:source-detail", args=["secret-memo"])).status_code
        == 404
    )
    listed = client.get(reverse("initiatives:source-list")).content.decode()
    assert "Secret memo" not in listed


def test_organisation_pages_list_the_sources_it_published(client, cited):
    html = client.get(
        reverse("initiatives:organisation-detail", args=["uni"])
    ).content.decode()
    assert "Sources it published" in html
    assert "Evaluation of the Youth Hub" in html


def test_a_publisher_of_hidden_sources_only_has_no_page(client):
    quiet = make_organisation(slug="quiet")
    make_initiative(state="draft", sources=[make_source(publishers=[quiet])])

    assert client.get(quiet.get_absolute_url()).status_code == 404


# -- Search and API -------------------------------------------------------------


@pytest.mark.parametrize(
    "query, expected",
    [
        ("source=hub-evaluation", ["youth-hub"]),
        ("source=hub-funding-news", ["youth-hub"]),
    ],
)
def test_source_filter_means_the_same_on_the_page_and_the_api(
    client, cited, query, expected
):
    make_initiative(slug="other", sources=[make_source()])
    page = client.get(f"{reverse('initiatives:list')}?{query}")
    api = client.get(f"{reverse('api:initiative-list')}?{query}")

    assert [i.slug for i in page.context["search"].page.object_list] == expected
    assert [row["slug"] for row in api.json()["results"]] == expected


def test_a_source_of_hidden_work_matches_nothing_like_an_unknown_one(client, cited):
    page = client.get(reverse("initiatives:list"), {"source": "secret-memo"})
    api = client.get(reverse("api:initiative-list"), {"source": "secret-memo"})

    assert page.status_code == 200
    assert page.context["search"].problems == []
    assert page.context["search"].count == 0
    assert api.status_code == 200
    assert api.json()["count"] == 0
    assert "secret" not in api.content.decode().lower()


def test_api_initiative_carries_its_sources_and_funding(client, cited):
    data = client.get(reverse("api:initiative-detail", args=["youth-hub"])).json()

    evaluation, release = data["sources"]
    assert evaluation == {
        "slug": "hub-evaluation",
        "url": "http://testserver/api/v1/sources/hub-evaluation/",
        "page_url": "http://testserver/sources/hub-evaluation/",
        "title": "Evaluation of the Youth Hub",
        "kind": "evaluation",
        "publishers": [
            {
                "slug": "uni",
                "name": "University of Kent",
                "url": "http://testserver/api/v1/organisations/uni/",
                "page_url": "http://testserver/organisations/uni/",
            }
        ],
        "published": "2021",
        "address": "https://example.org/evaluation.pdf",
        "accessed": "2026-12-02",
        "archived_address": "https://archive.example.org/evaluation.pdf",
        "note": "Results.",
        "is_evaluation": True,
    }
    assert release["published"] == "2019-04-03"
    (grant,) = data["funding"]
    assert (grant["period_start"], grant["period_end"]) == ("2019-04", "2020-03")
    assert grant["source"]["slug"] == "hub-funding-news"
    assert grant["source"]["address"] == cited["release"].url


def test_api_lists_public_sources(client, cited):
    data = client.get(reverse("api:source-list")).json()

    assert [row["slug"] for row in data["results"]] == [
        "hub-evaluation",
        "hub-funding-news",
    ]
    evaluation = client.get(reverse("api:source-detail", args=["hub-evaluation"]))
    assert evaluation.json()["initiatives_url"].endswith(
        "/api/v1/initiatives/?source=hub-evaluation"
    )
    by_kind = client.get(reverse("api:source-list"), {"kind": "press-release"})
    assert [row["slug"] for row in by_kind.json()["results"]] == ["hub-funding-news"]
    assert client.get(reverse("api:source-list"), {"kind": "blog"}).status_code == 400


@pytest.mark.parametrize("rows", [1, 5])
def test_api_source_list_query_count_does_not_grow(
    client, django_assert_num_queries, rows
):
    for _ in range(rows):
        make_initiative(sources=[make_source(publishers=[make_organisation()])])

    # 1 the count, 2 the page of sources, 3 their publishers.
    with django_assert_num_queries(3):
        client.get(reverse("api:source-list"))


@pytest.mark.parametrize("rows", [1, 5])
def test_api_initiative_list_query_count_does_not_grow_with_sources(
    client, django_assert_num_queries, rows
):
    for _ in range(rows):
        make_initiative(sources=[make_source(), make_source()])

    # 1 the count, 2 the page, 3-4 areas and themes, 5 the rows' latest
    # public changes: sources add none.
    with django_assert_num_queries(5):
        client.get(reverse("api:initiative-list"))


# -- Downloads, citations, data quality ----------------------------------------


def test_downloads_carry_the_sources_column(client, cited):
    make_briefing(initiatives=[cited["hub"]], title="Spotlight", url="https://b.org/")
    download = client.get(reverse("initiatives:export-csv"))
    rows = list(
        csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode()))
    )

    assert rows[0]["sources"] == (
        "Evaluation of the Youth Hub <https://example.org/evaluation.pdf>; "
        f"Youth Hub gets £25k <{cited['release'].url}>; "
        "Spotlight <https://b.org/>"
    )
    api = client.get(reverse("api:initiative-list"), {"format": "csv"})
    assert "Evaluation of the Youth Hub <https://example.org/evaluation.pdf>" in (
        api.content.decode()
    )
    as_json = json.loads(
        b"".join(client.get(reverse("initiatives:export-json")).streaming_content)
    )
    assert as_json["results"][0]["sources"] == rows[0]["sources"]


def test_citation_keeps_the_entrys_dates_apart_from_its_sources(client, cited):
    hub = cited["hub"]
    response = client.get(hub.get_absolute_url())

    citation = response.context["citation"]
    assert "'Youth Hub' [library entry]" in citation
    assert "First published in the library" in citation
    assert "2021" not in citation  # the evaluation's date is not the entry's
    assert response.context["based_on"] == [
        "A. Researcher (2021) Evaluation of the Youth Hub. University of Kent. "
        "Available at: https://example.org/evaluation.pdf "
        "(accessed 2 December 2026).",
        "Kent PCC office (3 April 2019) Youth Hub gets £25k. Available at: "
        f"{cited['release'].url} (accessed 2 December 2026).",
    ]


def test_data_quality_counts_initiatives_without_a_source(cited):
    unsourced = make_initiative(slug="unsourced")
    make_initiative(slug="in-a-briefing").briefing_mentions.create(
        briefing=make_briefing()
    )
    make_source(slug="unused", title="Unused source")

    checks = {check.key: check for check in data_quality_report()}

    assert [row.label for row in checks["no-source"].rows] == [unsourced.title]
    assert checks["no-source"].total == 1
    assert [row.label for row in checks["uncited-sources"].rows] == ["Unused source"]
    assert not Initiative.objects.filter(slug="unused").exists()
