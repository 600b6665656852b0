"""Evidence as a filter and an order: stage, outcome and national toolkit
ratings, on the search page and in the API alike, with facet counts."""

import re

import pytest
from django.urls import reverse

from initiatives.filters import InitiativeFilterSet
from initiatives.models import Initiative, ToolkitLink
from initiatives.search import search_initiatives
from initiatives.selectors import public_initiatives

pytestmark = pytest.mark.django_db

SEARCH = reverse("initiatives:list")
API = reverse("api:initiative-list")
HIGH = "Estimated impact on violent crime: High"
REOFFENDING = "Effect: overall reduction in reoffending"


@pytest.fixture
def evidence_library(small_library):
    """The small library with outcomes and toolkit ratings:

    - hub: independently evaluated, worked; YEF "High" and the Crime
      Reduction Toolkit's reoffending rating;
    - triage: evaluated locally, promising; YEF "High";
    - centre: untested, did not work; the Foundations Guidebook, no rating;
    - violence: nothing recorded.

    A draft, rated by YEF "Secret rating", must count nowhere.
    """
    outcomes = {"hub": "worked", "triage": "promising", "centre": "did-not-work"}
    for slug, outcome in outcomes.items():
        Initiative.objects.filter(slug=slug).update(evidence_outcome=outcome)
    links = [
        ("hub", "yef-toolkit", HIGH),
        ("hub", "crime-reduction-toolkit", REOFFENDING),
        ("triage", "yef-toolkit", HIGH),
        ("centre", "foundations-guidebook", ""),
        ("secret-draft", "yef-toolkit", "Secret rating"),
    ]
    for slug, toolkit, rating in links:
        ToolkitLink.objects.create(
            initiative=Initiative.objects.get(slug=slug),
            toolkit=toolkit,
            approach="An approach",
            url=f"https://example.org/{toolkit}/{slug}",
            rating=rating,
        )
    return small_library


def _filterset(query: str) -> InitiativeFilterSet:
    from django.http import QueryDict

    filterset = InitiativeFilterSet(QueryDict(query), queryset=public_initiatives())
    assert filterset.is_valid(), filterset.errors
    return filterset


def _slugs(query: str) -> list[str]:
    return [i.slug for i in search_initiatives(_filterset(query)).results]


def _counts(query: str = "") -> dict[str, dict[str, int]]:
    filterset = _filterset(query)
    facets = search_initiatives(filterset, facets=filterset.facet_names()).facets
    return {
        name: {option.value: option.count for option in options if option.count}
        for name, options in facets.items()
    }


@pytest.mark.usefixtures("evidence_library")
class TestFilters:
    def test_outcome_filters_and_repeats_widen(self):
        assert _slugs("evidence_outcome=worked") == ["hub"]
        assert _slugs("evidence_outcome=worked&evidence_outcome=did-not-work") == [
            "centre",
            "hub",
        ]
        assert _slugs("evidence_outcome=mixed") == []

    def test_stage_filters_exactly(self):
        assert _slugs("evidence_stage=evaluated-locally") == ["triage"]
        assert _slugs("evidence_stage=untested&evidence_stage=evaluated-locally") == [
            "centre",
            "triage",
        ]

    def test_any_toolkit_or_a_named_one(self):
        assert _slugs("toolkit=any") == ["centre", "hub", "triage"]
        assert _slugs("toolkit=crime-reduction-toolkit") == ["hub"]
        assert _slugs("toolkit=yef-toolkit&toolkit=foundations-guidebook") == [
            "centre",
            "hub",
            "triage",
        ]

    def test_toolkit_rating_as_the_toolkit_words_it(self):
        assert _slugs(f"toolkit_rating={HIGH}") == ["hub", "triage"]
        assert _slugs("toolkit_rating=Secret rating") == []  # a draft's only

    def test_evidence_filters_narrow_each_other(self):
        assert _slugs(f"toolkit_rating={HIGH}&evidence_outcome=promising") == ["triage"]


@pytest.mark.usefixtures("evidence_library")
class TestFacetCounts:
    def test_counts_with_no_filter(self):
        counts = _counts()
        assert counts["evidence_stage"] == {
            "untested": 1,
            "evaluated-locally": 1,
            "independently-evaluated": 1,
        }
        assert counts["evidence_outcome"] == {
            "worked": 1,
            "promising": 1,
            "did-not-work": 1,
        }
        assert counts["toolkit"] == {
            "any": 3,
            "yef-toolkit": 2,
            "crime-reduction-toolkit": 1,
            "foundations-guidebook": 1,
        }
        # Only published entries' ratings, the most used first.
        assert list(counts["toolkit_rating"].items()) == [(HIGH, 2), (REOFFENDING, 1)]

    def test_a_facet_ignores_its_own_choice_but_obeys_the_others(self):
        counts = _counts("evidence_outcome=worked&toolkit=yef-toolkit")
        assert counts["evidence_outcome"] == {"worked": 1, "promising": 1}
        assert counts["toolkit"] == {
            "any": 1,
            "yef-toolkit": 1,
            "crime-reduction-toolkit": 1,
        }
        assert counts["toolkit_rating"] == {HIGH: 1, REOFFENDING: 1}

    def test_a_rating_label_names_its_toolkit(self):
        filterset = _filterset("")
        options = search_initiatives(filterset, facets=["toolkit_rating"]).facets
        labels = [option.label for option in options["toolkit_rating"]]
        assert labels == [
            f"Youth Endowment Fund Toolkit: {HIGH}",
            f"College of Policing Crime Reduction Toolkit: {REOFFENDING}",
        ]

    def test_a_chosen_rating_without_matches_stays_listed_to_unchoose(self):
        counts = search_initiatives(
            _filterset("toolkit_rating=Unheard of&evidence_outcome=worked"),
            facets=["toolkit_rating"],
        ).facets["toolkit_rating"]
        assert [(o.value, o.count, o.selected) for o in counts][-1] == (
            "Unheard of",
            0,
            True,
        )


@pytest.mark.usefixtures("evidence_library")
class TestEvidenceOrder:
    def test_strongest_stage_first_then_outcome_then_none(self):
        assert _slugs("ordering=evidence") == ["hub", "triage", "centre", "violence"]

    def test_outcome_decides_within_a_stage(self):
        Initiative.objects.filter(slug="triage").update(
            evidence_stage="independently-evaluated", evidence_outcome="mixed"
        )
        Initiative.objects.filter(slug="hub").update(evidence_outcome="did-not-work")
        # mixed before did not work, both before untested.
        assert _slugs("ordering=evidence")[:3] == ["triage", "hub", "centre"]


QUERIES = [
    "evidence_outcome=worked",
    "evidence_outcome=promising&evidence_outcome=did-not-work",
    "evidence_stage=untested",
    "toolkit=any",
    "toolkit=yef-toolkit&evidence_outcome=promising",
    f"toolkit_rating={HIGH}",
    "ordering=evidence",
]


@pytest.mark.usefixtures("evidence_library")
@pytest.mark.parametrize("query", QUERIES)
def test_page_and_api_list_the_same(client, query):
    page = client.get(SEARCH, QUERY_STRING=query)
    api = client.get(API, QUERY_STRING=query)
    assert api.status_code == 200, api.content
    page_slugs = [i.slug for i in page.context["search"].page.object_list]
    assert page_slugs == [row["slug"] for row in api.json()["results"]]


@pytest.mark.usefixtures("evidence_library")
def test_rating_options_have_ids_without_spaces(client):
    # A toolkit's rating is free text; an HTML id may hold no whitespace.
    html = client.get(SEARCH).content.decode()

    ids = re.findall(
        r'<input type="checkbox" name="toolkit_rating"[^>]* id="([^"]*)"', html
    )
    assert len(ids) == 2 and len(set(ids)) == 2
    assert all(re.fullmatch(r"toolkit_rating-[a-z0-9-]+", id_) for id_ in ids), ids
    for id_ in ids:
        assert f'<label for="{id_}">' in html
    # Slugs are ids as they are.
    assert 'id="toolkit-yef-toolkit"' in html


@pytest.mark.usefixtures("evidence_library")
def test_api_counts_the_evidence_facets(client):
    response = client.get(
        API, {"facets": "evidence_outcome,toolkit_rating", "evidence_stage": "untested"}
    )
    facets = response.json()["facets"]
    assert {o["value"]: o["count"] for o in facets["evidence_outcome"]} == {
        "worked": 0,
        "promising": 0,
        "new-or-innovative": 0,
        "did-not-work": 1,
        "mixed": 0,
    }
    assert facets["toolkit_rating"] == []  # the Foundations link has no rating


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("evidence_outcome=excellent", "evidence_outcome"),
        ("evidence_stage=anecdote", "evidence_stage"),
        ("toolkit=wikipedia", "toolkit"),
        ("toolkit_rating=" + "x" * 201, "toolkit_rating"),
        ("ordering=strength", "ordering"),
    ],
)
def test_bad_evidence_values_are_refused_by_name(client, query, parameter):
    api = client.get(API, QUERY_STRING=query)
    assert api.status_code == 400
    assert list(api.json()["errors"]) == [parameter]
    page = client.get(SEARCH, QUERY_STRING=query)
    assert page.status_code == 200
    assert [p.name for p in page.context["search"].problems] == [parameter]


@pytest.mark.usefixtures("evidence_library")
def test_search_page_offers_the_evidence_facets_and_sort(client):
    html = client.get(SEARCH).content.decode()
    for label in (
        "Stage of practice",
        "What the evidence says",
        "Rated in a national toolkit",
        "Toolkit rating",
    ):
        assert f"<summary>{label}" in html
    assert 'id="evidence_outcome-worked"' in html
    assert '<option value="evidence">Strongest evidence first</option>' in html
    assert 'name="evidence_min"' not in html
