import datetime
from typing import Any

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from initiatives.facets import facet_counts
from initiatives.filters import InitiativeFilterSet
from initiatives.search import search_initiatives
from initiatives.selectors import public_initiatives
from practice_library.paging import PageForm
from tests.factories import (
    make_briefing,
    make_initiative,
)

pytestmark = pytest.mark.django_db

# Counting straight from the database: no search text, any content version.
UNCACHED: dict[str, Any] = {"search_text": "", "version": 1}


def _filter(query: str) -> InitiativeFilterSet:
    return InitiativeFilterSet(QueryDict(query), queryset=public_initiatives())


def _slugs(query: str) -> list[str]:
    filterset = _filter(query)
    assert filterset.is_valid(), filterset.errors
    return [initiative.slug for initiative in filterset.qs]


@pytest.mark.usefixtures("small_library")
class TestFilters:
    def test_no_filters_lists_published_by_title(self):
        assert _slugs("") == ["centre", "hub", "violence", "triage"]

    def test_repeated_values_of_one_filter_widen(self):
        assert _slugs("police_area=kent&police_area=gwent") == [
            "hub",
            "violence",
            "triage",
        ]

    def test_different_filters_narrow(self):
        assert _slugs("police_area=kent&theme=demand") == ["triage"]

    def test_an_initiative_in_two_chosen_areas_appears_once(self):
        assert _slugs("police_area=kent&police_area=essex") == [
            "centre",
            "hub",
            "triage",
        ]

    def test_nation_and_region(self):
        assert _slugs("nation=wales") == ["violence"]
        assert _slugs("region=east-of-england") == ["centre", "triage"]

    def test_status_target_group_organisation_and_briefing(self):
        assert _slugs("status=active") == ["centre", "hub"]
        assert _slugs("status=active&status=pilot") == ["centre", "hub", "triage"]
        assert _slugs("target_group=women") == ["triage"]
        assert _slugs("organisation=trust") == ["centre", "hub"]
        assert _slugs("briefing=spotlight") == ["hub", "violence"]

    def test_evidence_min_includes_stronger_evidence(self):
        assert _slugs("evidence_min=evaluated-locally") == ["hub", "triage"]
        assert _slugs("evidence_min=untested") == ["centre", "hub", "triage"]

    def test_start_year_range(self):
        assert _slugs("start_year_min=2016") == ["centre", "triage"]
        assert _slugs("start_year_max=2018") == ["hub", "triage"]
        assert _slugs("start_year_min=2016&start_year_max=2018") == ["triage"]

    def test_updated_since(self, small_library):
        type(small_library["centre"]).objects.filter(slug="centre").update(
            updated_at=timezone.now() + datetime.timedelta(days=2)
        )
        since = (timezone.now() + datetime.timedelta(days=1)).isoformat()
        assert _slugs(f"updated_since={since.replace('+', '%2B')}") == ["centre"]

    def test_updated_since_takes_any_offset_python_reads(self):
        # PostgreSQL itself refuses offsets beyond 15:59; the filter converts.
        assert _slugs("updated_since=2000-01-01T00:00:00-17:26") == [
            "centre",
            "hub",
            "violence",
            "triage",
        ]

    def test_orderings(self):
        assert _slugs("ordering=-start_date") == ["centre", "triage", "hub", "violence"]
        assert _slugs("ordering=title") == ["centre", "hub", "violence", "triage"]


BAD_VALUES = [
    ("start_year_min=abc", "start_year_min"),
    ("start_year_max=99999", "start_year_max"),
    ("theme=no-such-theme", "theme"),
    ("police_area=atlantis", "police_area"),
    ("status=sleeping", "status"),
    ("evidence_min=anecdote", "evidence_min"),
    ("ordering=random", "ordering"),
    ("updated_since=yesterday", "updated_since"),
    ("updated_since=0001-01-01T00:00:00%2B05:00", "updated_since"),
    ("q=" + "x" * 5000, "q"),
    ("q=a%00b", "q"),
    ("theme=%00", "theme"),
    ("q=%ED%A0%80", "q"),
    ("q=health&q=hub", "q"),
    ("start_year_min=2010&start_year_min=2012", "start_year_min"),
    ("ordering=title&ordering=-start_date", "ordering"),
]


@pytest.mark.parametrize(
    ("query", "field"),
    BAD_VALUES,
    ids=lambda value: value[:40],
)
def test_bad_values_are_reported_against_their_parameter(query, field):
    filterset = _filter(query)

    assert not filterset.is_valid()
    assert field in filterset.errors


@pytest.mark.usefixtures("small_library")
def test_repeating_a_repeatable_filter_or_the_same_value_is_fine():
    assert _slugs("theme=youth&theme=demand&q=triage&q=triage") == ["triage"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=0", "page"),
        ("page=abc", "page"),
        ("page_size=0", "page_size"),
        ("page_size=100000", "page_size"),
        ("page=1&page=2", "page"),
    ],
)
def test_bad_paging_is_reported_against_its_parameter(query, field):
    form = PageForm(QueryDict(query))

    assert not form.is_valid()
    assert field in form.errors


def test_paging_accepts_a_repeated_identical_value():
    form = PageForm(QueryDict("page=2&page=2&page_size=100"))

    assert form.is_valid()
    assert form.cleaned_data == {"page": 2, "page_size": 100}


def test_a_draft_briefing_matches_nothing_like_an_unknown_one():
    make_briefing(slug="unpublished", state="draft")
    make_initiative()

    filterset = _filter("briefing=unpublished")
    assert filterset.is_valid()
    assert not filterset.qs.exists()


def _counts(query: str, names=None) -> dict[str, dict[str, int]]:
    filterset = _filter(query)
    assert filterset.is_valid(), filterset.errors
    counts = search_initiatives(
        filterset, facets=names or filterset.facet_names()
    ).facets
    return {
        name: {option.value: option.count for option in options if option.count}
        for name, options in counts.items()
    }


@pytest.mark.usefixtures("small_library")
class TestFacets:
    def test_counts_with_no_filter(self):
        counts = _counts("")
        assert counts["police_area"] == {"kent": 2, "essex": 2, "gwent": 1}
        assert counts["theme"] == {"youth": 2, "demand": 2}
        assert counts["nation"] == {"england": 3, "wales": 1}
        assert counts["status"] == {"active": 2, "pilot": 1}
        assert counts["evidence_min"] == {
            "untested": 3,
            "evaluated-locally": 2,
            "independently-evaluated": 1,
        }
        assert counts["organisation"] == {"trust": 2}
        assert counts["briefing"] == {"spotlight": 2}
        assert counts["target_group"] == {"women": 1}

    def test_a_facets_own_selection_does_not_shrink_its_counts(self):
        counts = _counts("police_area=kent")
        # Area counts ignore the area filter; every other facet respects it.
        assert counts["police_area"] == {"kent": 2, "essex": 2, "gwent": 1}
        assert counts["theme"] == {"youth": 2, "demand": 1}
        assert counts["region"] == {"south-east": 2, "east-of-england": 1}

    def test_other_selections_narrow_each_facet(self):
        counts = _counts("police_area=kent&theme=demand")
        assert counts["police_area"] == {"kent": 1, "essex": 2}
        assert counts["theme"] == {"youth": 2, "demand": 1}
        assert counts["status"] == {"pilot": 1}

    def test_selected_options_are_marked(self):
        filterset = _filter("theme=youth")
        assert filterset.is_valid()
        options = search_initiatives(filterset, facets=["theme"]).facets["theme"]
        assert [(option.value, option.selected) for option in options] == [
            ("youth", True),
            ("demand", False),
        ]

    def test_each_facet_costs_one_counting_query(self, django_assert_num_queries):
        filterset = _filter("police_area=kent&theme=youth&status=active")
        # 2: resolving the area and theme slugs when the form is validated.
        with django_assert_num_queries(2):
            assert filterset.is_valid()
        # One count a facet, and the option rows of the four facets whose
        # options are rows: themes, areas, target groups and briefings.
        names = filterset.facet_names()
        with django_assert_num_queries(len(names) + 4):
            facet_counts(filterset, public_initiatives(), names, **UNCACHED)

    @pytest.mark.postgresql
    def test_a_search_matches_its_words_once_for_every_facet(
        self, django_assert_num_queries
    ):
        filterset = _filter("q=youth&police_area=kent&status=active")
        assert filterset.is_valid()
        names = filterset.facet_names()
        # 1: the ids that match the words; then, as without words, the
        # entries counted among (the results, and for each of the two facets
        # whose filter is chosen, the entries without it), one count a facet
        # and the option rows of four facets. Nothing matches the words again.
        with CaptureQueriesContext(connection) as captured:
            facet_counts(
                filterset, public_initiatives(), names, search_text="youth", version=1
            )
        first, *rest = (query["sql"] for query in captured.captured_queries)
        assert 1 + len(rest) == 1 + 3 + len(names) + 4
        assert "@@" in first
        assert not any("@@" in sql for sql in rest)

    @pytest.mark.postgresql
    @pytest.mark.parametrize(
        "query",
        [
            "q=youth",
            "q=hub or centre",
            "q=youth&police_area=kent",
            "q=demand&theme=youth&police_area=essex&police_area=gwent",
            "q=-violence&status=active&nation=england",
            "q=nothing-matches-this",
        ],
    )
    def test_counts_from_the_shared_matches_equal_a_match_per_facet(self, query):
        filterset = _filter(query)
        assert filterset.is_valid()
        text = filterset.search_text
        names = filterset.facet_names()
        counted = facet_counts(
            filterset, public_initiatives(), names, search_text=text, version=1
        )
        # The reference: each facet narrowed by every other filter and the
        # words, matched again in its own query (as before issue 16).
        for name in names:
            reference = filterset.filters[name].count(
                list(
                    filterset.narrow(public_initiatives(), without={name})
                    .order_by()
                    .values_list("pk", flat=True)
                )
            )
            assert [(o.value, o.count) for o in counted[name]] == [
                (o.value, o.count) for o in reference
            ], name

    def test_counts_start_from_the_link_rows(self):
        # Counting from the link rows of the matching initiatives keeps a
        # facet's cost to the size of the results, not of the small_library.
        filterset = _filter("q=youth")
        assert filterset.is_valid()
        with CaptureQueriesContext(connection) as queries:
            facet_counts(
                filterset,
                public_initiatives(),
                ["theme", "organisation"],
                search_text="youth",
                version=1,
            )

        counting = [q["sql"] for q in queries if "COUNT(" in q["sql"]]
        assert len(counting) == 2
        assert 'FROM "initiatives_initiative_themes"' in counting[0]
        assert 'FROM "initiatives_initiativeorganisation"' in counting[1]

    def test_drafts_are_never_counted(self):
        assert _counts("theme=youth")["police_area"]["kent"] == 2
