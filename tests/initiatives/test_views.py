"""The public pages: search, facets, bad input, detail pages and their queries."""

import datetime
import json
import re

import pytest
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from initiatives.models import GovernancePeriod, Initiative
from practice_library.content_version import current_version
from tests.factories import (
    make_briefing,
    make_initiative,
    make_organisation,
    make_police_area,
    make_target_group,
    make_theme,
)

pytestmark = pytest.mark.django_db

SEARCH = reverse("initiatives:list")


def _search(client, query: str = ""):
    response = client.get(SEARCH, QUERY_STRING=query)
    # Not found only for a page past the last, which still explains itself.
    past_the_last = response.context["search"].past_the_last_page
    assert response.status_code == (404 if past_the_last else 200)
    return response


def _slugs(response) -> list[str]:
    page = response.context["search"].page
    return [initiative.slug for initiative in page.object_list] if page else []


# Search relevance on the seed content, through the page -------------------


@pytest.mark.postgresql
@pytest.mark.usefixtures("seeded_library")
class TestRelevanceThroughThePage:
    def test_mental_health_ranks_the_essex_hub_first(self, client):
        response = _search(client, "q=mental+health")
        assert _slugs(response)[0] == "essex-mental-health-hub-pilot"
        assert "<mark>mental</mark> <mark>health</mark> hub" in (
            response.content.decode()
        )

    def test_quoted_phrase_finds_the_lancashire_diversion_team(self, client):
        response = _search(client, "q=%22women+offenders%22")
        assert _slugs(response)[0] == "lancashire-women-offenders-diversion-team"

    def test_hotspots_finds_the_south_wales_violent_crime_project(self, client):
        response = _search(client, "q=hotspots")
        assert _slugs(response) == ["south-wales-violent-crime-hotspots"]
        assert "1 initiative matching “hotspots”" in response.content.decode()

    def test_a_typo_is_corrected_and_says_so(self, client):
        response = _search(client, "q=violant+crime")
        assert _slugs(response)[0] == "south-wales-violent-crime-hotspots"
        html = response.content.decode()
        assert "Nothing matched “violant crime”" in html
        assert "results for <strong>violent crime</strong>" in html

    def test_drop_in_centre_finds_the_essex_centre(self, client):
        response = _search(client, "q=drop+in+centre")
        assert _slugs(response)[0] == "essex-drop-in-centre-multiple-needs"


# Filters, facets, chips, ordering, paging ---------------------------------


@pytest.mark.usefixtures("small_library")
class TestSearchPage:
    def test_lists_published_initiatives_with_their_count(self, client):
        response = _search(client)
        assert _slugs(response) == ["centre", "hub", "violence", "triage"]
        assert "4 initiatives" in response.content.decode()

    def test_facet_counts_match_the_hand_computed_numbers(self, client):
        response = _search(client, "police_area=kent")

        counts = {
            group.name: {o.value: o.count for o in group.options if o.count}
            for group in response.context["search"].facets
        }
        # Kent's own facet ignores the Kent choice; every other facet obeys it.
        assert counts["police_area"] == {"kent": 2, "essex": 2, "gwent": 1}
        assert counts["theme"] == {"youth": 2, "demand": 1}
        assert counts["region"] == {"south-east": 2, "east-of-england": 1}
        assert counts["status"] == {"active": 1, "pilot": 1}
        assert counts["evidence_stage"] == {
            "evaluated-locally": 1,
            "independently-evaluated": 1,
        }
        assert "evidence_min" not in counts  # the per-stage facet says as much
        assert counts["target_group"] == {"women": 1}
        html = response.content.decode()
        assert re.search(
            r'id="police_area-kent" checked>\s*<label for="police_area-kent">'
            r'Kent <span class="count">\(2\)</span>',
            html,
        )

    def test_active_filters_are_removable_chips(self, client):
        response = _search(client, "theme=youth&theme=demand&police_area=kent")

        chips = {
            (chip.label, chip.value): chip.remove_query
            for chip in response.context["search"].chips
        }
        assert chips == {
            ("Theme", "Youth diversion"): "?theme=demand&police_area=kent",
            ("Theme", "Understanding demand"): "?theme=youth&police_area=kent",
            ("Police area", "Kent"): "?theme=youth&theme=demand",
        }
        assert _slugs(_search(client, "theme=demand&police_area=kent")) == ["triage"]

    def test_chips_name_choices_and_years_in_words(self, client):
        response = _search(
            client,
            "nation=wales&evidence_min=evaluated-locally&start_year_min=2010"
            "&updated_since=2020-01-31",
        )
        assert {(c.label, c.value) for c in response.context["search"].chips} == {
            ("Nation", "Wales"),
            ("Evidence at least", "Evaluated locally"),
            ("Started in or after", "2010"),
            ("Updated since", "31 January 2020"),
        }

    def test_ordering_by_newest_start(self, client):
        response = _search(client, "ordering=-start_date")
        assert _slugs(response) == ["centre", "triage", "hub", "violence"]
        assert '<option value="-start_date" selected>' in response.content.decode()

    def test_pages_keep_the_filters(self, client):
        response = _search(client, "theme=youth&theme=demand&page_size=2&page=2")

        assert _slugs(response) == ["triage"]
        html = response.content.decode()
        assert (
            'href="?theme=youth&amp;theme=demand&amp;page_size=2&amp;page=1" rel="prev"'
            in html
        )
        assert "3 initiatives" in html

    def test_empty_results_say_so_and_suggest_what_to_do(self, client):
        response = _search(client, "theme=youth&nation=wales")

        html = response.content.decode()
        assert "0 initiatives" in html
        assert "No initiatives match this search" in html
        assert "Remove a filter above" in html

    def test_empty_values_from_a_form_redirect_to_a_short_address(self, client):
        response = client.get(
            SEARCH, QUERY_STRING="q=&theme=youth&nation=&page_size=20"
        )

        assert response.status_code == 302
        assert response["Location"] == f"{SEARCH}?theme=youth&page_size=20"
        assert client.get(SEARCH, QUERY_STRING="q=").url == SEARCH

    def test_downloads_and_feed_are_offered_for_the_current_results(self, client):
        html = _search(client, "theme=youth&page=1").content.decode()

        assert f'href="{reverse("initiatives:export-csv")}?theme=youth"' in html
        assert f'href="{reverse("initiatives:export-json")}?theme=youth"' in html
        assert "Download all 2 results" in html


# Bad input: always the page, a clear message naming the value, no results --

BAD_INPUT = [
    ("theme=no-such-theme", "Theme", "no-such-theme", "Select a valid choice"),
    ("police_area=atlantis", "Police area", "atlantis", "Select a valid choice"),
    ("start_year_min=abc", "Started in or after", "abc", "Enter a whole number"),
    ("page=0", "Page", "0", "greater than or equal to 1"),
    ("page=99999", "Page", "99999", "There is no page 99,999: the 4 results fit"),
    ("page_size=100000", "Results per page", "100000", "less than or equal to 100"),
    ("q=" + "x" * 5000, "Search", "x" * 59 + "…", "at most 500 characters"),
    ("q=a%00b", "Search", "a\N{SYMBOL FOR NULL}b", "Null characters are not allowed"),
    ("q=%ED%A0%80", "Search", "\ufffd", "could not be read"),
    ("q=hub&q=team", "Search", "hub, team", "Give one value only"),
    ("start_year_max=2010&start_year_max=2011", "Started in or before", "", "one"),
    ("page=1&page=2", "Page", "1, 2", "Give one value only"),
    ("ordering=random", "Sort by", "random", "Select a valid choice"),
    ("updated_since=yesterday", "Updated since", "yesterday", "Give a date"),
    ("status=sleeping", "Status", "sleeping", "Select a valid choice"),
]


def test_a_misspelt_parameter_is_named_on_the_page_with_the_accepted_ones(client):
    response = _search(client, "themes=youth-diversion")

    (problem,) = response.context["search"].problems
    assert problem.name == "themes"
    assert "did you mean 'theme'?" in problem.message
    assert "accepted: " in problem.message
    assert "There is a problem with this search" in response.content.decode()
    assert '<a href="#results">' in response.content.decode()


def test_a_page_past_the_last_is_not_found_but_says_why(client):
    response = client.get(SEARCH, {"page": "99"})

    assert response.status_code == 404
    assert "There is no page 99" in response.content.decode()


@pytest.mark.usefixtures("small_library")
@pytest.mark.parametrize(
    ("query", "label", "value", "message"),
    BAD_INPUT,
    ids=[case[0][:30] for case in BAD_INPUT],
)
def test_bad_input_is_named_on_the_page_with_no_results(
    client, query, label, value, message
):
    response = _search(client, query)

    search = response.context["search"]
    assert not search.is_valid
    assert search.page is None
    html = response.content.decode()
    assert "There is a problem with this search" in html
    assert "No results: see the problem above" in html
    assert 'class="card-list"' not in html
    (problem,) = [p for p in search.problems if p.label == label]
    assert value in problem.value
    assert message in problem.message
    assert f'<a href="#{problem.anchor}">' in html
    assert html.startswith("<!doctype html>")
    assert "<title>Error: " in html


@pytest.mark.usefixtures("small_library")
def test_several_problems_are_all_listed(client):
    response = _search(client, "start_year_min=abc&theme=nope&page=0")

    assert [p.name for p in response.context["search"].problems] == [
        "theme",
        "start_year_min",
        "page",
    ]


@pytest.mark.usefixtures("small_library")
def test_after_bad_input_the_facets_count_the_valid_part(client):
    response = _search(client, "theme=youth&start_year_min=abc")

    (themes,) = [g for g in response.context["search"].facets if g.name == "theme"]
    assert {o.value: (o.count, o.selected) for o in themes.options} == {
        "youth": (2, True),
        "demand": (2, False),
    }


# Query counts: constant, whatever the number of results ------------------


def _rows(count: int):
    area, theme = make_police_area(), make_theme()
    for _ in range(count):
        make_initiative(
            police_areas=[area, make_police_area()],
            themes=[theme, make_theme()],
            target_groups=[make_target_group()],
            organisations={"lead": make_organisation()},
        )
    return area, theme


@pytest.mark.parametrize("rows", [2, 12])
def test_search_page_query_count_does_not_grow(client, django_assert_num_queries, rows):
    _rows(rows)

    # 1 count for the pager, 2 the page of rows, 3-4 their areas and themes,
    # 5-16 one count per facet (theme, police area, status, evidence stage,
    # evidence outcome, toolkit, toolkit rating, target group, nation,
    # region, briefing, organisation), 17-20 the option rows of the theme,
    # area, target group and briefing facets, 21 the demo data for the
    # banner (once per content version).
    with django_assert_num_queries(21):
        _search(client, "page_size=5")


@pytest.mark.parametrize("rows", [2, 12])
def test_filtered_search_query_count_does_not_grow(
    client, django_assert_num_queries, rows
):
    area, theme = _rows(rows)

    # 1-2 the area and theme slugs checked, then the 21 of an unfiltered page.
    with django_assert_num_queries(23):
        _search(client, f"police_area={area.slug}&theme={theme.slug}&page_size=5")


@pytest.mark.postgresql
@pytest.mark.parametrize("rows", [2, 12])
def test_text_search_query_count_does_not_grow(client, django_assert_num_queries, rows):
    for n in range(rows):
        make_initiative(title=f"Harbour watch {n}", themes=[make_theme()])

    # 1 whether the words as typed find anything, 1 the ids that match them,
    # 1 the results among them (every facet counts among those), then the 21
    # of a plain page (the page of rows carries the highlighted snippets).
    with django_assert_num_queries(24):
        _search(client, "q=harbour&page_size=5")


# Detail pages ---------------------------------------------------------------


@pytest.mark.usefixtures("seeded_library")
class TestInitiativePage:
    URL = reverse("initiatives:detail", args=["essex-mental-health-hub-pilot"])

    def test_shows_the_entry_with_its_facts_and_sources(self, client):
        html = client.get(self.URL).content.decode()

        assert "<h1>Mental health hub pilot</h1>" in html
        # Led, in 2015, by the office as it was before the fire service joined.
        assert "Office of the Police and Crime Commissioner for Essex" in html
        assert "People with mental health needs" in html
        assert "PCC Spotlight 4: Early Intervention and Prevention" in html

    def test_has_a_citation_with_permanent_address_and_last_update(self, client):
        initiative = Initiative.objects.get(slug="essex-mental-health-hub-pilot")
        assert initiative.published_at is not None
        first = timezone.localdate(initiative.published_at)
        updated = timezone.localdate(initiative.updated_at)
        today = timezone.localdate()

        response = client.get(self.URL)

        url = f"http://testserver{self.URL}"
        assert response.context["citation"] == (
            f"PCC Early Intervention Practice Library ({first.year}) "
            f"'Mental health hub pilot' [library entry]. First published in the "
            f"library {first.day} {first:%B %Y}; last changed {updated.day} "
            f"{updated:%B %Y}. Available at: {url} "
            f"(accessed {today.day} {today:%B %Y})."
        )
        # Based on the briefing, with the briefing's own date, apart.
        assert response.context["based_on"] == [
            "Revolving Doors Agency and Transition to Adulthood Alliance (T2A) "
            "(17 December 2015) PCC Spotlight 4: Early Intervention and "
            "Prevention (PCC Spotlight, no. 4). Available at: "
            "https://revolving-doors.org.uk/publications/pcc-spotlight-4-early-"
            "intervention-and-prevention (accessed 2 December 2026)."
        ]
        html = response.content.decode()
        assert f'<link rel="canonical" href="{url}">' in html
        assert f'Permanent address: <a href="{url}">' in html

    def test_describes_itself_as_a_schema_org_project(self, client):
        html = client.get(self.URL).content.decode()

        data = _json_ld(html)
        assert data["@type"] == "Project"
        assert data["name"] == "Mental health hub pilot"
        assert data["areaServed"] == [{"@type": "AdministrativeArea", "name": "Essex"}]
        assert data["parentOrganization"]["name"].startswith("Office of the Police")
        assert '<meta name="description" content="A pilot mental health hub' in html

    def test_unpublished_parent_is_not_shown(self, client):
        parent = Initiative.objects.get(slug="public-services-lancashire")
        Initiative.objects.filter(pk=parent.pk).update(state="draft")

        html = client.get(
            reverse(
                "initiatives:detail", args=["lancashire-early-action-response-team"]
            )
        ).content.decode()

        assert reverse("initiatives:detail", args=[parent.slug]) not in html
        assert "Part of</dt>" not in html

    def test_published_parent_and_programmes_are_linked(self, client):
        html = client.get(
            reverse("initiatives:detail", args=["public-services-lancashire"])
        ).content.decode()

        assert "Women offenders diversion team" in html
        child = client.get(
            reverse(
                "initiatives:detail", args=["lancashire-early-action-response-team"]
            )
        ).content.decode()
        assert "Part of</dt>" in child

    def test_demo_data_is_labelled(self, client):
        demo = make_initiative(title="Demo: Harbour", origin=Initiative.Origin.DEMO)

        html = client.get(demo.get_absolute_url()).content.decode()

        assert "this is a synthetic example made for demonstrations" in html

    def test_query_count(self, client, django_assert_num_queries):
        current_version()  # for the ETag; a running site has it in the cache
        # 1 the initiative with its parent; 2-11 its areas, themes, target
        # groups, organisation roles, briefing mentions and their briefings'
        # publishers, sources cited, programmes, toolkit links and funding
        # (with its sources); 12 the demo data for the banner (once per
        # content version); and nothing else.
        with django_assert_num_queries(12):
            client.get(self.URL)


def _json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


def test_json_ld_cannot_close_its_element(client):
    initiative = make_initiative(title="</script><script>alert(1)</script>")

    html = client.get(initiative.get_absolute_url()).content.decode()

    assert "<script>alert(1)" not in html
    assert _json_ld(html)["name"] == "</script><script>alert(1)</script>"


@pytest.mark.usefixtures("seeded_library")
class TestPoliceAreaPages:
    def test_area_page_shows_governance_history_and_the_2028_change(self, client):
        html = client.get(
            reverse("initiatives:police-area-detail", args=["essex"])
        ).content.decode()

        assert "Since 1 October 2017" in html
        assert "Police, Fire and Crime Commissioner for Essex" in html
        assert "November 2012 to 30 September 2017" in html
        assert "13 November 2025" in html and "May 2028" in html

    def test_area_page_lists_its_initiatives_and_their_themes(self, client):
        response = client.get(
            reverse("initiatives:police-area-detail", args=["lancashire"])
        )

        # By title: Early Action..., Public Services..., Women offenders...
        assert [i.slug for i in response.context["page_obj"].object_list] == [
            "lancashire-early-action-response-team",
            "public-services-lancashire",
            "lancashire-women-offenders-diversion-team",
        ]
        bars = {bar.theme.slug: bar.count for bar in response.context["theme_bars"]}
        assert bars["frontline-integration"] == 2
        assert "diverting-young-people-from-crime" not in bars

    def test_area_list_shows_who_governs_each_area_now(self, client):
        html = client.get(reverse("initiatives:police-area-list")).content.decode()

        assert "Mayor of London (Mayor&#x27;s Office for Policing and Crime)" in html
        assert "City of London Police Authority" in html

    def test_unknown_area_is_a_friendly_404(self, client):
        response = client.get("/police-areas/atlantis/")

        assert response.status_code == 404
        assert "Page not found" in response.content.decode()

    @pytest.mark.parametrize("query", ["page=0", "page=abc", "page=50"])
    def test_bad_page_of_an_area_is_a_message(self, client, query):
        response = client.get(
            reverse("initiatives:police-area-detail", args=["essex"]),
            QUERY_STRING=query,
        )

        assert response.status_code == 200
        assert response.context["page_obj"] is None
        assert "There is a problem with the page asked for" in (
            response.content.decode()
        )


@pytest.mark.usefixtures("seeded_library")
class TestBriefingPages:
    SLUG = "pcc-spotlight-4-early-intervention-and-prevention"

    def test_briefing_page_shows_findings_themes_and_published_initiatives(
        self, client
    ):
        Initiative.objects.filter(slug="essex-mental-health-hub-pilot").update(
            state="draft"
        )

        response = client.get(reverse("initiatives:briefing-detail", args=[self.SLUG]))

        html = response.content.decode()
        assert "between 20% and 40% of all police time" in html
        assert "Strategic partnerships" in html
        assert "Drop-in centre for ex-offenders" in html
        assert "Mental health hub pilot" not in html
        assert len(response.context["mentions"]) == 6

    def test_briefing_page_has_a_citation_and_a_schema_org_report(self, client):
        response = client.get(reverse("initiatives:briefing-detail", args=[self.SLUG]))

        citation = response.context["citation"]
        assert citation.startswith("PCC Early Intervention Practice Library (")
        assert "'PCC Spotlight 4: Early Intervention and Prevention' [summary" in (
            citation
        )
        assert "2015" not in citation  # the briefing's own date is cited apart
        (original,) = response.context["based_on"]
        assert original.startswith(
            "Revolving Doors Agency and Transition to Adulthood Alliance (T2A) "
            "(17 December 2015) PCC Spotlight 4: Early Intervention and Prevention "
            "(PCC Spotlight, no. 4)."
        )
        data = _json_ld(response.content.decode())
        assert data["@type"] == "Report"
        assert data["datePublished"] == "2015-12-17"
        assert len(data["mentions"]) == 7

    def test_briefing_list(self, client):
        html = client.get(reverse("initiatives:briefing-list")).content.decode()
        assert "features 7 initiatives" in html

    def test_unpublished_briefing_is_a_404(self, client):
        draft = make_briefing(state="draft")
        assert client.get(draft.get_absolute_url()).status_code == 404


class TestOrganisationPages:
    def test_lists_published_initiatives_by_role(self, client):
        trust = make_organisation(name="Harbour Trust")
        make_initiative(title="Led work", organisations={"lead": trust})
        make_initiative(title="Partner work", organisations={"partner": trust})
        make_initiative(
            title="Draft work", organisations={"lead": trust}, state="draft"
        )

        response = client.get(trust.get_absolute_url())

        roles = {
            r["role"]: [i.title for i in r["initiatives"]]
            for r in response.context["roles"]
        }
        assert roles == {"lead": ["Led work"], "partner": ["Partner work"]}
        html = response.content.decode()
        assert "Initiatives it leads (1)" in html
        assert "Draft work" not in html

    def test_long_roles_link_to_the_search(self, client):
        trust = make_organisation(slug="busy")
        for n in range(22):
            make_initiative(title=f"Work {n:02}", organisations={"partner": trust})

        html = client.get(trust.get_absolute_url()).content.decode()

        assert "The first 20, by title" in html
        assert f"{SEARCH}?organisation=busy" in html

    def test_an_organisation_without_published_work_has_no_page(self, client):
        hidden = make_organisation()
        make_initiative(organisations={"lead": hidden}, state="draft")

        assert client.get(hidden.get_absolute_url()).status_code == 404

    def test_publishers_of_briefings_have_a_page(self, client):
        publisher = make_organisation(name="Research Body")
        make_briefing(title="A study").publishers.set([publisher])

        html = client.get(publisher.get_absolute_url()).content.decode()

        assert "Briefings it published" in html and "A study" in html

    @pytest.mark.parametrize("per_role", [1, 5])
    def test_query_count(self, client, django_assert_num_queries, per_role):
        trust = make_organisation()
        for _ in range(per_role):
            make_initiative(
                themes=[make_theme()], organisations={"lead": trust, "funder": trust}
            )

        # 1 the organisation with its area, 2 its published briefings, 3 counts
        # per role, 4 the first rows per role with their initiatives, 5-6 the
        # initiatives' areas and themes, 7 the public sources it published,
        # 8 the demo data for the banner (once per content version).
        with django_assert_num_queries(8):
            client.get(trust.get_absolute_url())


# List pages: a constant number of queries ----------------------------------


def test_home_page_query_count(client, django_assert_num_queries, monkeypatch):
    _rows(3)
    # Some entries added, others changed since: both lists have rows.
    monkeypatch.setattr("initiatives.views.HOME_LIST_LENGTH", 2)
    Initiative.objects.update(
        published_at=timezone.now() - datetime.timedelta(days=1),
        updated_at=timezone.now(),
    )
    # 1 published count, 2 themes with counts, 3-5 recently published with
    # areas and themes, 6-8 recently updated likewise, 9 areas with counts for
    # the map, 10 the demo data for the banner (once per content version).
    with django_assert_num_queries(10):
        client.get(reverse("initiatives:home"))
    _rows(6)
    Initiative.objects.update(
        published_at=timezone.now() - datetime.timedelta(days=1),
        updated_at=timezone.now(),
    )
    with django_assert_num_queries(10):
        client.get(reverse("initiatives:home"))


@pytest.mark.parametrize("rows", [1, 6])
def test_area_pages_query_counts(client, django_assert_num_queries, rows):
    area, _ = _rows(rows)
    GovernancePeriod.objects.create(police_area=area, kind="pcc", body_name="PCC")

    # 1 areas with counts, 2 their governance periods, 3 themes for the
    # picker, 4 the demo data for the banner (kept until the content changes).
    with django_assert_num_queries(4):
        client.get(reverse("initiatives:police-area-list"))
    # 1 the area, 2 its governance, 3 the pager's count, 4-6 the page of
    # initiatives with areas and themes, 7 the themes with counts in the area.
    with django_assert_num_queries(7):
        client.get(area.get_absolute_url())
    # 1 areas with counts, 2 themes with counts, 3 area-by-theme counts,
    # 4 the total.
    with django_assert_num_queries(4):
        client.get(reverse("initiatives:police-area-compare"))


@pytest.mark.parametrize("rows", [1, 6])
def test_briefing_and_organisation_lists_query_counts(
    client, django_assert_num_queries, rows
):
    for _ in range(rows):
        briefing = make_briefing(initiatives=[make_initiative()])
        briefing.publishers.set([make_organisation()])
        briefing.themes.set([make_theme()])

    # 1 briefings with counts, 2 publishers, 3 themes, 4 the demo data for the
    # banner (kept until the content changes).
    with django_assert_num_queries(4):
        client.get(reverse("initiatives:briefing-list"))
    # 1 the briefing, 2-4 publishers, themes, key findings, 5-7 the published
    # mentions with their initiatives' areas and themes.
    with django_assert_num_queries(7):
        client.get(briefing.get_absolute_url())
    # 1 organisations with counts.
    with django_assert_num_queries(1):
        client.get(reverse("initiatives:organisation-list"))


# Draft invisibility on every surface --------------------------------------


@pytest.fixture
def hidden_and_visible():
    """One published initiative and one in each unpublished state, sharing an
    area, a theme, an organisation and a briefing."""
    area = make_police_area(slug="kent", name="Kent")
    theme = make_theme(slug="youth", name="Youth")
    trust = make_organisation(slug="trust", name="Trust")
    visible = make_initiative(
        title="Visible work",
        police_areas=[area],
        themes=[theme],
        organisations={"lead": trust},
    )
    hidden = [
        make_initiative(
            title=f"Hidden {state} work",
            police_areas=[area],
            themes=[theme],
            organisations={"partner": trust},
            state=state,
        )
        for state in ("draft", "in-review", "withdrawn")
    ]
    make_briefing(slug="spotlight", initiatives=[visible, *hidden], themes=[theme])
    return visible, hidden


LISTS_OF_INITIATIVES = [
    reverse("initiatives:home"),
    SEARCH,
    f"{SEARCH}?q=work",
    f"{SEARCH}?theme=youth",
    reverse("initiatives:police-area-detail", args=["kent"]),
    reverse("themes:detail", args=["youth"]),
    reverse("initiatives:briefing-detail", args=["spotlight"]),
    reverse("initiatives:organisation-detail", args=["trust"]),
]
SURFACES = [
    *LISTS_OF_INITIATIVES,
    reverse("initiatives:police-area-list"),
    reverse("initiatives:police-area-compare"),
    reverse("themes:list"),
    reverse("initiatives:briefing-list"),
    reverse("initiatives:organisation-list"),
]


@pytest.mark.usefixtures("hidden_and_visible")
@pytest.mark.parametrize("url", SURFACES)
def test_unpublished_initiatives_appear_on_no_page(client, url):
    response = client.get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Hidden" not in html
    if url in LISTS_OF_INITIATIVES:
        assert "Visible work" in html


@pytest.mark.usefixtures("hidden_and_visible")
def test_unpublished_initiatives_are_not_counted_anywhere(client):
    search = _search(client, "theme=youth").context["search"]
    assert search.count == 1
    facets = {g.name: {o.value: o.count for o in g.options} for g in search.facets}
    assert facets["police_area"]["kent"] == 1
    assert facets["theme"]["youth"] == 1
    assert facets["organisation"]["trust"] == 1
    assert facets["briefing"]["spotlight"] == 1

    home = client.get(reverse("initiatives:home")).context
    assert home["total"] == 1
    assert {t.area.slug: t.count for t in home["map"].tiles} == {"kent": 1}
    assert [b.count for b in home["theme_bars"]] == [1]
    matrix = client.get(reverse("initiatives:police-area-compare")).context["matrix"]
    assert [cell.count for row in matrix.rows for cell in row.cells] == [1]
    organisations = client.get(reverse("initiatives:organisation-list")).context
    assert [o.initiative_count for o in organisations["organisations"]] == [1]
    briefings = client.get(reverse("initiatives:briefing-list")).context
    assert [b.initiative_count for b in briefings["briefings"]] == [1]


@pytest.mark.usefixtures("hidden_and_visible")
def test_unpublished_initiatives_have_no_page(client):
    for initiative in Initiative.objects.exclude(state="published"):
        assert client.get(initiative.get_absolute_url()).status_code == 404


# Every page: no inline script or style, so a strict CSP can come later ------


PAGES = [
    reverse("initiatives:home"),
    SEARCH,
    f"{SEARCH}?start_year_min=abc",
    reverse("initiatives:detail", args=["essex-mental-health-hub-pilot"]),
    reverse("initiatives:police-area-list"),
    reverse("initiatives:police-area-detail", args=["essex"]),
    reverse("initiatives:police-area-compare"),
    reverse("themes:list"),
    reverse("themes:detail", args=["understanding-demand"]),
    reverse("initiatives:briefing-list"),
    reverse(
        "initiatives:briefing-detail",
        args=["pcc-spotlight-4-early-intervention-and-prevention"],
    ),
    reverse("initiatives:organisation-list"),
    reverse("initiatives:organisation-detail", args=["essex-pfcc"]),
    reverse("accessibility"),
    "/no-such-page/",
]


@pytest.mark.usefixtures("seeded_library")
class TestEveryPage:
    @pytest.mark.parametrize("url", PAGES)
    def test_has_no_inline_script_style_or_handlers(self, client, url):
        html = client.get(url).content.decode()

        scripts = re.findall(r"<script\b([^>]*)>", html)
        assert all(
            'src="' in attributes or 'type="application/ld+json"' in attributes
            for attributes in scripts
        ), scripts
        assert "<style" not in html
        assert not re.search(r"\sstyle=", html)
        assert not re.search(r"\son[a-z]+=", html)
        assert re.search(r'<link rel="canonical" href="http://testserver/', html)


def test_accessibility_statement_says_how_the_site_is_tested(client, settings):
    settings.LIBRARY_CONTACT_EMAIL = "library@example.org"

    html = client.get(reverse("accessibility")).content.decode()

    assert "Accessibility statement" in html
    assert "axe-core" in html and "320 pixels" in html and "keyboard" in html
    assert "partially compliant" in html
    assert "mailto:library@example.org" in html


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_off_downloads(client):
    response = client.get("/robots.txt")

    assert response["Content-Type"] == "text/plain"
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert f"Disallow: {reverse('initiatives:export-csv')}" in text
    assert "Disallow: /initiatives/?" in text


def test_server_error_page_stands_alone_without_a_request():
    html = render_to_string("500.html")

    assert "Sorry, something went wrong" in html
    assert "/static/css/library.css" in html


# Demo data --------------------------------------------------------------------


@pytest.fixture
def real_and_demo():
    area = make_police_area(slug="kent", name="Kent")
    make_initiative(slug="zebra", title="Zebra crossing patrols", police_areas=[area])
    make_initiative(
        slug="demo-aardvark",
        title="Demo: Aardvark watch",
        origin=Initiative.Origin.DEMO,
        police_areas=[area],
    )
    return area


def _listed(response) -> list[str]:
    return [i.slug for i in response.context["search"].page.object_list]


def test_demo_data_is_left_out_unless_asked_for(client, real_and_demo):
    search = client.get(reverse("initiatives:list"))
    assert _listed(search) == ["zebra"]
    home = client.get(reverse("initiatives:home"))
    assert home.context["total"] == 1
    (tile,) = [t for t in home.context["map"].tiles if t.count]
    assert tile.count == 1
    area = client.get(real_and_demo.get_absolute_url())
    assert [i.slug for i in area.context["page_obj"].object_list] == ["zebra"]

    asked = client.get(reverse("initiatives:list"), {"include_demo": "true"})
    # Real entries first, then demo ones, each by title.
    assert _listed(asked) == ["zebra", "demo-aardvark"]
    by_title = client.get(
        reverse("initiatives:list"), {"include_demo": "true", "ordering": "title"}
    )
    assert _listed(by_title) == ["demo-aardvark", "zebra"]
    area_asked = client.get(real_and_demo.get_absolute_url(), {"include_demo": "true"})
    assert [i.slug for i in area_asked.context["page_obj"].object_list] == [
        "zebra",
        "demo-aardvark",
    ]
    api = client.get(reverse("api:initiative-list"), {"include_demo": "true"})
    assert [row["slug"] for row in api.json()["results"]] == ["zebra", "demo-aardvark"]


def test_the_site_may_show_demo_data_by_default(client, settings, real_and_demo):
    settings.LIBRARY_INCLUDE_DEMO = True

    assert _listed(client.get(reverse("initiatives:list"))) == [
        "zebra",
        "demo-aardvark",
    ]
    assert client.get(reverse("initiatives:home")).context["total"] == 2
    left_out = client.get(reverse("initiatives:list"), {"include_demo": "false"})
    assert _listed(left_out) == ["zebra"]


def test_every_page_says_when_the_site_holds_demo_data(client, real_and_demo):
    for path in (
        reverse("initiatives:home"),
        reverse("initiatives:list"),
        reverse("themes:list"),
        reverse("initiatives:source-list"),
        real_and_demo.get_absolute_url(),
    ):
        html = client.get(path).content.decode()
        assert "this site also holds 1 synthetic demo initiative" in html, path
        assert "?include_demo=true" in html

    Initiative.objects.demo().delete()
    cache.clear()
    html = client.get(reverse("initiatives:home")).content.decode()
    assert "synthetic demo initiative" not in html


def test_a_bad_include_demo_is_named(client, real_and_demo):
    page = client.get(reverse("initiatives:list"), {"include_demo": "maybe"})
    api = client.get(reverse("api:initiative-list"), {"include_demo": "maybe"})
    area = client.get(real_and_demo.get_absolute_url(), {"include_demo": "maybe"})

    assert [p.name for p in page.context["search"].problems] == ["include_demo"]
    assert api.status_code == 400 and "include_demo" in api.json()["errors"]
    assert area.status_code == 200
    assert [p.name for p in area.context["problems"]] == ["include_demo"]


def test_result_rows_show_area_status_start_year_and_evidence(client):
    make_initiative(
        police_areas=[make_police_area(name="Gwent")],
        status="active",
        start_date=datetime.date(2019, 9, 1),
        start_date_precision="month",
        evidence_stage="independently-evaluated",
        evidence_outcome="mixed",
    )

    html = client.get(reverse("initiatives:list")).content.decode()

    found = re.search(r'<p class="card-meta">(.*?)</p>', html)
    assert found is not None
    meta = found.group(1)
    assert re.sub(r"<[^>]+>", "", meta) == (
        "Gwent · Active · started 2019 · Independently evaluated · evidence: mixed"
    )
    # Each evidence label explains itself on the evidence page.
    assert '<a href="/evidence/#stage-independently-evaluated">' in meta
    assert '<a href="/evidence/#outcome-mixed">mixed</a>' in meta


def test_initiative_page_says_once_what_is_not_recorded(client):
    initiative = make_initiative(themes=[make_theme()])

    html = client.get(initiative.get_absolute_url()).content.decode()

    assert "Not recorded in the sources: lead organisation, who it works with, " in html
    assert "lifecycle status, start date, evidence, funding." in html
    assert "Not recorded</dd>" not in html
    assert "<h2>Evidence</h2>" not in html


# The sort control and the one submit button --------------------------------


def _sort_options(client, query: str) -> list[tuple[str, str, bool]]:
    return _search(client, query).context["search"].orderings


@pytest.mark.usefixtures("small_library")
class TestSortControl:
    def test_without_a_search_the_default_is_title_and_sent_empty(self, client):
        options = _sort_options(client, "")
        assert options[0] == ("", "Title", True)
        assert "title" not in [value for value, _, _ in options]
        assert not any(selected for _, _, selected in options[1:])

    def test_with_a_search_the_default_is_relevance_and_sent_empty(self, client):
        options = _sort_options(client, "q=hub")
        assert options[0] == ("", "Relevance", True)
        assert ("title", "Title", False) in options
        assert ("evidence", "Strongest evidence first", False) in options

    def test_a_chosen_order_stays_chosen(self, client):
        assert ("title", "Title", True) in _sort_options(client, "q=hub&ordering=title")
        assert ("evidence", "Strongest evidence first", True) in _sort_options(
            client, "ordering=evidence"
        )
        assert _sort_options(client, "q=hub&ordering=relevance")[0][2]

    def test_the_page_sends_no_ordering_by_default(self, client):
        html = _search(client, "").content.decode()
        assert '<option value="" selected>Title</option>' in html
        html = _search(client, "q=hub").content.decode()
        assert '<option value="" selected>Relevance</option>' in html


def test_the_search_form_has_one_submit_button(client):
    html = _search(client, "q=hub").content.decode()
    form = html[html.index('id="search-form"') : html.index("</form>")]
    assert form.count("<button") == 1
    assert re.search(r'<button type="submit">Search</button>', form)
