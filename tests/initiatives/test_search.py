from typing import Any

import pytest
from django.db import connection

from initiatives.filters import InitiativeFilterSet
from initiatives.full_text import SEARCH_DOCUMENT, matching
from initiatives.models import Initiative
from initiatives.search import InitiativeSearch, search_initiatives
from initiatives.selectors import public_initiatives
from tests.factories import make_initiative, make_theme

pytestmark = pytest.mark.django_db


def _search(text: str) -> tuple[list[str], InitiativeSearch]:
    filterset = InitiativeFilterSet({"q": text}, queryset=public_initiatives())
    assert filterset.is_valid(), filterset.errors
    search = search_initiatives(filterset)
    return [initiative.slug for initiative in search.results], search


@pytest.mark.postgresql
@pytest.mark.usefixtures("seeded_library")
class TestRelevanceOnSeedContent:
    def test_mental_health_ranks_the_essex_hub_first(self):
        slugs, _ = _search("mental health")
        assert slugs[0] == "essex-mental-health-hub-pilot"

    def test_quoted_phrase_finds_the_women_offenders_team(self):
        slugs, _ = _search('"women offenders"')
        assert slugs[0] == "lancashire-women-offenders-diversion-team"

    def test_hotspots_finds_the_south_wales_violent_crime_project(self):
        slugs, _ = _search("hotspots")
        assert slugs == ["south-wales-violent-crime-hotspots"]

    def test_stemming_matches_other_forms_of_a_word(self):
        slugs, _ = _search("hotspot")
        assert "south-wales-violent-crime-hotspots" in slugs

    def test_a_misspelling_is_corrected_and_still_finds(self):
        slugs, search = _search("violant crime")
        assert search.correction == "violent crime"
        assert slugs[0] == "south-wales-violent-crime-hotspots"

    def test_drop_in_centre_finds_the_essex_centre(self):
        slugs, search = _search("drop in centre")
        assert slugs[0] == "essex-drop-in-centre-multiple-needs"

    def test_minus_excludes_a_word(self):
        slugs, _ = _search("essex -mental")
        assert slugs == ["essex-drop-in-centre-multiple-needs"]

    def test_or_widens_the_search(self):
        slugs, _ = _search("hotspots or hub")
        assert set(slugs) == {
            "south-wales-violent-crime-hotspots",
            "essex-mental-health-hub-pilot",
        }

    def test_related_names_are_searchable(self):
        slugs, _ = _search("Children and young people")
        assert slugs == ["south-wales-adverse-childhood-experiences"]

    def test_nonsense_finds_nothing_and_suggests_nothing(self):
        slugs, search = _search("zzzqqqxx")
        assert slugs == []
        assert search.correction is None


@pytest.mark.postgresql
def test_title_outranks_summary_outranks_description():
    in_description = make_initiative(
        title="Alpha", summary="Plain.", description="About lighthouses."
    )
    in_title = make_initiative(title="Lighthouses", summary="Plain.")
    in_summary = make_initiative(title="Beta", summary="About lighthouses.")

    slugs, _ = _search("lighthouse")

    assert slugs == [in_title.slug, in_summary.slug, in_description.slug]


@pytest.mark.postgresql
def test_description_only_matches_tie_and_follow_by_title():
    # Ranking reads the short texts only (search_rank_vector): every entry
    # that mentions the words only in its description ranks alike, after any
    # that has them in its title, summary or related names, and those tie
    # in title order, however often the description repeats the words.
    often = make_initiative(
        title="Alpha", summary="Plain.", description="Lighthouses. " * 20
    )
    once = make_initiative(
        title="Aardvark", summary="Plain.", description="About lighthouses."
    )
    in_summary = make_initiative(title="Zulu", summary="About lighthouses.")
    themed = make_initiative(
        title="Yankee", summary="Plain.", themes=[make_theme(name="Lighthouses")]
    )

    slugs, _ = _search("lighthouse")

    assert slugs == [in_summary.slug, themed.slug, once.slug, often.slug]


@pytest.mark.postgresql
def test_the_rank_vector_holds_the_short_texts_only():
    initiative = make_initiative(
        title="Harbour watch", summary="Boats.", description="Lighthouses."
    )
    Initiative.objects.filter(pk=initiative.pk).update(title="Harbour patrol")

    row = (
        Initiative.objects.annotate(document=SEARCH_DOCUMENT)
        .values("document", "search_rank_vector")
        .get(pk=initiative.pk)
    )
    # The trigger keeps the rank vector in step with every update; only the
    # document searched has the description.
    rank, document = (
        set(_lexemes(row["search_rank_vector"])),
        set(_lexemes(row["document"])),
    )
    assert {"harbour", "patrol", "boat", "polic"} <= rank  # "polic": its area
    assert "watch" not in rank and "lighthous" not in rank
    assert rank < document and "lighthous" in document


def _lexemes(vector: str) -> list[str]:
    return [part.split(":")[0].strip("'") for part in vector.split()]


@pytest.mark.postgresql
@pytest.mark.parametrize("text", ["mental health", '"women offenders"', "hub -mental"])
def test_searches_are_matched_through_the_gin_index(text):
    # The query's expression must be the index's, or PostgreSQL can only
    # compute the document of every row (migration 0017).
    make_initiative(title="Mental health hub")
    with connection.cursor() as cursor:
        # Any other way to find the rows costs more than any index.
        cursor.execute("SET enable_seqscan = off")
        try:
            plan = matching(Initiative.objects.all(), text).explain()
        finally:
            cursor.execute("RESET enable_seqscan")

    assert "initiative_search_document_gin" in plan


@pytest.mark.postgresql
def test_search_vector_follows_renamed_theme():
    theme = make_theme(name="Harbour work")
    initiative = make_initiative(themes=[theme])
    assert _search("harbour")[0] == [initiative.slug]

    theme.name = "Coastal work"
    theme.save()

    assert _search("harbour")[0] == []
    assert _search("coastal")[0] == [initiative.slug]


@pytest.mark.postgresql
def test_snippet_marks_matched_words_and_escapes_the_rest():
    from initiatives.full_text import highlighted, with_snippets

    make_initiative(title="Hub", summary="A <b>hub</b> for people in crisis.")
    # Annotated with search_snippet, which the type checker cannot see.
    row: Any = with_snippets(Initiative.objects.all(), "crisis").get()

    html = highlighted(row.search_snippet)

    assert "<mark>crisis</mark>" in html
    assert "&lt;b&gt;hub&lt;/b&gt;" in html


def test_every_word_must_match():
    make_initiative(title="Youth triage", summary="Diverts young people.")
    make_initiative(title="Youth club", summary="Evenings.")

    slugs, _ = _search("youth triage")

    assert slugs == [Initiative.objects.get(title="Youth triage").slug]


@pytest.mark.postgresql
@pytest.mark.usefixtures("seeded_library")
class TestHyphens:
    def test_hyphenated_and_spaced_forms_find_the_same(self):
        spaced, _ = _search("mental health")
        hyphenated, search = _search("mental-health")
        assert hyphenated == spaced
        assert hyphenated[0] == "essex-mental-health-hub-pilot"
        assert search.correction is None

    def test_a_misspelt_hyphenated_search_is_still_corrected(self):
        slugs, search = _search("mentl-health")
        assert search.correction == "mental-health"
        assert slugs[0] == "essex-mental-health-hub-pilot"

    def test_a_minus_before_a_word_still_excludes_it(self):
        slugs, _ = _search("essex -mental")
        assert slugs == ["essex-drop-in-centre-multiple-needs"]


def test_a_hyphenated_entry_is_found_by_the_spaced_words():
    hyphenated = make_initiative(title="A drop-in centre", summary="For women.")
    make_initiative(title="A centre", summary="By appointment.")

    assert _search("drop in centre")[0] == [hyphenated.slug]
    assert _search("drop-in centre")[0] == [hyphenated.slug]


class TestWithoutPostgresql:
    """The SQLite search (``make run``), run here on any database."""

    @staticmethod
    def _slugs(text: str) -> list[str]:
        from initiatives.full_text import _search_without_postgresql

        found = _search_without_postgresql(Initiative.objects.all(), text)
        return sorted(found.values_list("slug", flat=True))

    @pytest.fixture(autouse=True)
    def _entries(self):
        make_initiative(slug="hub", title="Mental health hub", summary="Crisis.")
        make_initiative(slug="centre", title="Women's centre", summary="Drop-in.")
        make_initiative(slug="triage", title="Street triage", summary="Mental health.")

    def test_or_between_alternatives_widens(self):
        assert self._slugs("hub or centre") == ["centre", "hub"]

    def test_or_group_and_another_word_must_both_match(self):
        assert self._slugs("hub or triage crisis") == ["hub"]

    def test_hyphens_match_like_spaces(self):
        assert self._slugs("mental-health") == ["hub", "triage"]

    def test_minus_excludes_and_a_leading_or_is_ignored(self):
        assert self._slugs("or mental -street") == ["hub"]

    def test_quoted_phrase(self):
        assert self._slugs('"street triage"') == ["triage"]
