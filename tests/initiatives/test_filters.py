import datetime

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from initiatives.facets import facet_counts
from initiatives.filters import InitiativeFilterSet
from initiatives.selectors import public_initiatives
from practice_library.paging import PageForm
from tests.factories import (
    make_briefing,
    make_initiative,
    make_organisation,
    make_police_area,
    make_target_group,
    make_theme,
)

pytestmark = pytest.mark.django_db


def _filter(query: str) -> InitiativeFilterSet:
    return InitiativeFilterSet(QueryDict(query), queryset=public_initiatives())


def _slugs(query: str) -> list[str]:
    filterset = _filter(query)
    assert filterset.is_valid(), filterset.errors
    return [initiative.slug for initiative in filterset.qs]


@pytest.fixture
def library():
    """A small library whose facet counts are easy to work out by hand."""
    kent = make_police_area(slug="kent", name="Kent", region="south-east")
    essex = make_police_area(slug="essex", name="Essex", region="east-of-england")
    gwent = make_police_area(slug="gwent", name="Gwent", nation="wales", region="wales")
    youth = make_theme(slug="youth", name="Youth")
    demand = make_theme(slug="demand", name="Demand")
    women = make_target_group(slug="women", name="Women")
    trust = make_organisation(slug="trust", name="Trust")
    rows = {
        "a": make_initiative(
            slug="a",
            title="A",
            police_areas=[kent],
            themes=[youth],
            status="active",
            evidence_stage="independently-evaluated",
            start_date=datetime.date(2015, 1, 1),
            organisations={"lead": trust},
        ),
        "b": make_initiative(
            slug="b",
            title="B",
            police_areas=[kent, essex],
            themes=[youth, demand],
            target_groups=[women],
            status="pilot",
            evidence_stage="evaluated-locally",
            start_date=datetime.date(2018, 6, 1),
        ),
        "c": make_initiative(
            slug="c",
            title="C",
            police_areas=[essex],
            themes=[demand],
            status="active",
            evidence_stage="untested",
            start_date=datetime.date(2020, 1, 1),
            organisations={"partner": trust},
        ),
        "d": make_initiative(slug="d", title="D", police_areas=[gwent]),
    }
    make_initiative(slug="draft", police_areas=[kent], themes=[youth], state="draft")
    make_briefing(slug="spotlight", initiatives=[rows["a"], rows["d"]])
    return rows


@pytest.mark.usefixtures("library")
class TestFilters:
    def test_no_filters_lists_published_by_title(self):
        assert _slugs("") == ["a", "b", "c", "d"]

    def test_repeated_values_of_one_filter_widen(self):
        assert _slugs("police_area=kent&police_area=gwent") == ["a", "b", "d"]

    def test_different_filters_narrow(self):
        assert _slugs("police_area=kent&theme=demand") == ["b"]

    def test_an_initiative_in_two_chosen_areas_appears_once(self):
        assert _slugs("police_area=kent&police_area=essex") == ["a", "b", "c"]

    def test_nation_and_region(self):
        assert _slugs("nation=wales") == ["d"]
        assert _slugs("region=east-of-england") == ["b", "c"]

    def test_status_target_group_organisation_and_briefing(self):
        assert _slugs("status=active") == ["a", "c"]
        assert _slugs("status=active&status=pilot") == ["a", "b", "c"]
        assert _slugs("target_group=women") == ["b"]
        assert _slugs("organisation=trust") == ["a", "c"]
        assert _slugs("briefing=spotlight") == ["a", "d"]

    def test_evidence_min_includes_stronger_evidence(self):
        assert _slugs("evidence_min=evaluated-locally") == ["a", "b"]
        assert _slugs("evidence_min=untested") == ["a", "b", "c"]

    def test_start_year_range(self):
        assert _slugs("start_year_min=2016") == ["b", "c"]
        assert _slugs("start_year_max=2018") == ["a", "b"]
        assert _slugs("start_year_min=2016&start_year_max=2018") == ["b"]

    def test_updated_since(self, library):
        type(library["c"]).objects.filter(slug="c").update(
            updated_at=timezone.now() + datetime.timedelta(days=2)
        )
        since = (timezone.now() + datetime.timedelta(days=1)).isoformat()
        assert _slugs(f"updated_since={since.replace('+', '%2B')}") == ["c"]

    def test_updated_since_takes_any_offset_python_reads(self):
        # PostgreSQL itself refuses offsets beyond 15:59; the filter converts.
        assert _slugs("updated_since=2000-01-01T00:00:00-17:26") == ["a", "b", "c", "d"]

    def test_orderings(self):
        assert _slugs("ordering=-start_date") == ["c", "b", "a", "d"]
        assert _slugs("ordering=title") == ["a", "b", "c", "d"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
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
    ],
    ids=lambda value: value[:40],
)
def test_bad_values_are_reported_against_their_parameter(query, field):
    filterset = _filter(query)

    assert not filterset.is_valid()
    assert field in filterset.errors


@pytest.mark.usefixtures("library")
def test_repeating_a_repeatable_filter_or_the_same_value_is_fine():
    assert _slugs("theme=youth&theme=demand&q=b&q=b") == ["b"]


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


def test_drafts_of_a_briefing_are_not_a_valid_briefing_filter():
    make_briefing(slug="unpublished", state="draft")

    assert "briefing" in _filter("briefing=unpublished").errors


def _counts(query: str, names=None) -> dict[str, dict[str, int]]:
    filterset = _filter(query)
    assert filterset.is_valid(), filterset.errors
    filterset.qs  # noqa: B018  (the search decision is made on the results)
    counts = facet_counts(filterset, public_initiatives(), names or filterset.FACETS)
    return {
        name: {option.value: option.count for option in options if option.count}
        for name, options in counts.items()
    }


@pytest.mark.usefixtures("library")
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
        options = facet_counts(filterset, public_initiatives(), ["theme"])["theme"]
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
        with django_assert_num_queries(len(filterset.FACETS) + 4):
            facet_counts(filterset, public_initiatives())

    def test_counts_start_from_the_link_rows(self):
        # Counting from the link rows of the matching initiatives keeps a
        # facet's cost to the size of the results, not of the library.
        filterset = _filter("q=youth")
        assert filterset.is_valid()
        with CaptureQueriesContext(connection) as queries:
            facet_counts(filterset, public_initiatives(), ["theme", "organisation"])

        counting = [q["sql"] for q in queries if "COUNT(" in q["sql"]]
        assert len(counting) == 2
        assert 'FROM "initiatives_initiative_themes"' in counting[0]
        assert 'FROM "initiatives_initiativeorganisation"' in counting[1]

    def test_drafts_are_never_counted(self):
        assert _counts("theme=youth")["police_area"]["kent"] == 2
