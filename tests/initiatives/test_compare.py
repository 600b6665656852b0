"""The comparison of two to four initiatives, and the evidence page."""

import re

import pytest
from django.urls import reverse

from initiatives.models import Funding, ToolkitLink
from initiatives.slugs import unique_slug
from tests.factories import (
    make_initiative,
    make_organisation,
    make_police_area,
    make_source,
    make_target_group,
    make_theme,
)

pytestmark = pytest.mark.django_db

COMPARE = reverse("initiatives:compare")
EVIDENCE = reverse("initiatives:evidence")


def _compare(client, *slugs: str, **extra: str):
    return client.get(COMPARE, {"slug": list(slugs), **extra})


def _full(slug: str, **fields):
    """An entry with something in every row of the comparison."""
    initiative = make_initiative(
        slug=slug,
        title=f"Title of {slug}",
        summary=f"What {slug} does.",
        police_areas=[make_police_area(name=f"Area of {slug}")],
        themes=[make_theme()],
        target_groups=[make_target_group(name=f"People of {slug}")],
        organisations={
            "lead": make_organisation(name=f"Lead of {slug}"),
            "partner": make_organisation(name=f"Partner of {slug}"),
        },
        sources=[make_source(title=f"Source on {slug}")],
        evidence_stage="independently-evaluated",
        evidence_outcome="worked",
        evidence_msms_level=3,
        **fields,
    )
    Funding.objects.create(
        initiative=initiative,
        funder=make_organisation(name=f"Funder of {slug}"),
        amount="1000.00",
    )
    ToolkitLink.objects.create(
        initiative=initiative,
        toolkit="yef-toolkit",
        approach=f"Approach of {slug}",
        url=f"https://example.org/yef/{slug}",
        rating="Estimated impact: High",
    )
    return initiative


def _row_headers(html: str) -> list[str]:
    return re.findall(r'<th scope="row">(?:<a [^>]+>)?([^<]+)', html)


class TestComparison:
    def test_shows_each_aspect_side_by_side(self, client):
        _full("alpha")
        _full("beta")

        response = _compare(client, "beta", "alpha")

        assert response.status_code == 200
        html = response.content.decode()
        assert _row_headers(html) == [
            "What it does",
            "For whom",
            "Where",
            "Since when",
            "Led by",
            "Partners",
            "Commissioned by",
            "Funding",
            "Evidence",
            "Sources",
        ]
        # Columns in the order chosen, headed by the entries' titles.
        columns = re.findall(r'<th scope="col"><a href="([^"]+)">', html)
        assert columns == ["/initiatives/beta/", "/initiatives/alpha/"]
        for slug in ("alpha", "beta"):
            for text in (
                f"What {slug} does.",
                f"People of {slug}",
                f"Area of {slug}",
                f"Lead of {slug}",
                f"Partner of {slug}",
                f"Funder of {slug}: GBP 1,000.00",
                f"Approach of {slug}",
                f"Source on {slug}",
            ):
                assert text in html, text
        assert 'href="/evidence/#stage-independently-evaluated"' in html
        assert 'href="/evidence/#outcome-worked"' in html
        assert response.context["problems"] == []

    def test_four_is_the_most(self, client):
        for slug in "abcde":
            make_initiative(slug=slug)

        four = _compare(client, "a", "b", "c", "d")
        five = _compare(client, "a", "b", "c", "d", "e")

        assert len(four.context["compared"]) == 4
        assert five.context["compared"] == []
        (problem,) = five.context["problems"]
        assert "at most 4" in problem.message
        assert "at most 4" in five.content.decode()

    def test_one_is_too_few(self, client):
        make_initiative(slug="alone")

        response = _compare(client, "alone")

        assert response.status_code == 200
        assert response.context["compared"] == []
        assert "at least 2" in response.content.decode()

    def test_nothing_chosen_explains_how_to_choose(self, client):
        response = client.get(COMPARE)
        assert response.status_code == 200
        assert "Choose two to four initiatives" in response.content.decode()

    @pytest.mark.parametrize("state", ["draft", "in-review", "withdrawn"])
    def test_hidden_and_unknown_entries_are_named_and_left_out(self, client, state):
        make_initiative(slug="one")
        make_initiative(slug="two")
        make_initiative(slug="secret", title="Secret title", state=state)

        response = _compare(client, "one", "secret", "nowhere", "two")

        html = response.content.decode()
        assert [c["initiative"].slug for c in response.context["compared"]] == [
            "one",
            "two",
        ]
        assert [p.value for p in response.context["problems"]] == ["secret", "nowhere"]
        assert "no published initiative has this address" in html
        assert "Secret title" not in html

    def test_hostile_values_give_a_message_not_an_error(self, client):
        make_initiative(slug="one")
        for value in ("a\x00b", "x" * 5000, "<script>", "%ED%A0%80"):
            response = _compare(client, "one", value)
            assert response.status_code == 200
            assert response.context["compared"] == []
            assert response.context["problems"]

    def test_the_address_is_tidied_to_the_chosen_slugs(self, client):
        # As the results form sends it: other fields, repeats, empty boxes.
        response = client.get(
            COMPARE, {"slug": ["b", "a", "b", ""], "q": "hub", "page": "2"}
        )
        assert response.status_code == 302
        assert response["Location"] == f"{COMPARE}?slug=b&slug=a"

    @pytest.mark.parametrize("compared", ["ab", "abcd"])
    def test_query_count_is_bounded(self, client, django_assert_num_queries, compared):
        for slug in "abcd":
            _full(slug)

        # 1 the entries, 2-11 their areas, themes, target groups, roles,
        # briefing mentions, sources, the sources' publishers, programmes,
        # toolkit links and funding, 12 the demo data for the banner: the
        # same for two entries as for four.
        with django_assert_num_queries(12):
            _compare(client, *compared)


def test_results_offer_compare_boxes_without_javascript(client):
    make_initiative(slug="one", title="One")
    make_initiative(slug="two", title="Two")

    html = client.get(reverse("initiatives:list")).content.decode()

    assert f'<form id="compare-form" method="get" action="{COMPARE}"></form>' in html
    assert re.search(
        r'<input type="checkbox" form="compare-form" name="slug" value="one"', html
    )
    assert '<button type="submit" form="compare-form"' in html
    # The search form still has one submit button of its own.
    form = html[html.index('id="search-form"') : html.index("</form>")]
    assert len(re.findall(r'<button type="submit">', form)) == 1


def test_compare_is_a_reserved_address(client):
    assert unique_slug("Compare") == "compare-2"


class TestEvidencePage:
    def test_explains_every_label_the_model_uses(self, client):
        from initiatives.models import Initiative

        html = client.get(EVIDENCE).content.decode()

        for value, label in Initiative.EvidenceStage.choices:
            assert f'<dt id="stage-{value}">{label}</dt>' in html
        for value, label in Initiative.EvidenceOutcome.choices:
            assert f'<dt id="outcome-{value}">{label}</dt>' in html
        assert 'id="maryland-scale"' in html
        assert "Youth Endowment Fund Toolkit" in html
        assert "EMMIE" in html

    def test_evidence_labels_link_to_it(self, client):
        initiative = make_initiative(
            evidence_stage="evaluated-locally",
            evidence_outcome="promising",
            evidence_msms_level=2,
        )
        make_initiative()

        detail = client.get(initiative.get_absolute_url()).content.decode()
        results = client.get(reverse("initiatives:list")).content.decode()

        for html in (detail, results):
            assert f'href="{EVIDENCE}#stage-evaluated-locally"' in html
            assert f'href="{EVIDENCE}#outcome-promising"' in html
        assert f'href="{EVIDENCE}#maryland-scale"' in detail
