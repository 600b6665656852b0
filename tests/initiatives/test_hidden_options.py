"""Filters and facets offer only what the public may see.

An organisation is public through a part in published work (a role in or
funding of a published initiative, or publishing a published briefing); a
briefing when it is published. The slug of a hidden one is, on the search
page, in the API and in the downloads, exactly an unknown slug: it matches
nothing, and is never listed, counted, shown as chosen or documented.
"""

import django_filters
import pytest
from django.urls import reverse

from initiatives.filters import InitiativeFilterSet
from initiatives.models import Briefing, EditorialState, Funding
from tests.factories import (
    make_briefing,
    make_initiative,
    make_organisation,
    make_source,
)

pytestmark = pytest.mark.django_db

PAGE = reverse("initiatives:list")
API = reverse("api:initiative-list")
DOWNLOADS = [reverse("initiatives:export-csv"), reverse("initiatives:export-json")]
# Slug filters whose every row is public: the controlled vocabularies.
PUBLIC_VOCABULARIES = {"theme", "police_area", "target_group"}
# (filter, slug, name) of rows only hidden work knows, made by ``library``.
HIDDEN = [
    ("organisation", "leads-a-draft", "Leads A Draft"),
    ("organisation", "partner-in-review", "Partner In Review"),
    ("organisation", "led-withdrawn-work", "Led Withdrawn Work"),
    ("organisation", "funds-a-draft", "Funds A Draft"),
    ("organisation", "publishes-a-draft", "Publishes A Draft"),
    ("briefing", "draft-briefing", "Draft Briefing Title"),
    ("briefing", "briefing-in-review", "Briefing In Review Title"),
    ("briefing", "withdrawn-briefing", "Withdrawn Briefing Title"),
    ("source", "cited-by-a-draft", "Cited By A Draft Title"),
]


def _organisation(slug: str):
    name = next(name for _, hidden, name in HIDDEN if hidden == slug)
    return make_organisation(slug=slug, name=name)


@pytest.fixture
def library():
    public = make_organisation(slug="public-trust", name="Public Trust")
    published = make_initiative(slug="published", organisations={"lead": public})
    make_briefing(slug="public-briefing", initiatives=[published])
    make_initiative(
        state=EditorialState.DRAFT,
        organisations={"lead": _organisation("leads-a-draft")},
    )
    make_initiative(
        state=EditorialState.IN_REVIEW,
        organisations={"partner": _organisation("partner-in-review")},
    )
    make_initiative(
        state=EditorialState.WITHDRAWN,
        organisations={"lead": _organisation("led-withdrawn-work")},
    )
    Funding.objects.create(
        initiative=make_initiative(state=EditorialState.DRAFT),
        funder=_organisation("funds-a-draft"),
    )
    for state, slug, title in [
        (EditorialState.DRAFT, "draft-briefing", "Draft Briefing Title"),
        (EditorialState.IN_REVIEW, "briefing-in-review", "Briefing In Review Title"),
        (EditorialState.WITHDRAWN, "withdrawn-briefing", "Withdrawn Briefing Title"),
    ]:
        make_briefing(slug=slug, title=title, state=state, initiatives=[published])
    Briefing.objects.get(slug="draft-briefing").publishers.add(
        _organisation("publishes-a-draft")
    )
    make_initiative(
        state=EditorialState.DRAFT,
        sources=[make_source(slug="cited-by-a-draft", title="Cited By A Draft Title")],
    )


def test_every_slug_filter_is_public_or_checked_here():
    """A new slug filter (sources, say) must take only public rows, and be
    added to HIDDEN with a row only hidden work knows."""
    slug_filters = {
        name
        for name, filter_ in InitiativeFilterSet.base_filters.items()
        if isinstance(
            filter_,
            django_filters.ModelChoiceFilter | django_filters.ModelMultipleChoiceFilter,
        )
    }

    assert slug_filters == PUBLIC_VOCABULARIES | {name for name, _, _ in HIDDEN}


def _unknown(slug: str) -> str:
    """A slug no row has, one per hidden row (answers are cached by address)."""
    return f"no-such-{slug}"


def _same_as_unknown(text: str, slug: str) -> str:
    return text.replace(slug, _unknown(slug))


@pytest.mark.usefixtures("library", "no_rate_limits")
def test_a_hidden_slug_is_an_unknown_one_everywhere(client):
    """Curators' data is not enumerated in the schema, so a well-formed slug
    no public row has matches nothing (200, no results), hidden or unknown."""
    for name, slug, shown in HIDDEN:
        # The API, with the facet asked for: no results, as for an unknown slug.
        facet = {"facets": name} if name in InitiativeFilterSet.facet_names() else {}
        hidden = client.get(API, {name: slug, **facet})
        unknown = client.get(API, {name: _unknown(slug), **facet})
        assert hidden.status_code == unknown.status_code == 200, slug
        assert hidden.json()["count"] == unknown.json()["count"] == 0, slug
        assert hidden.json().get("facets") == unknown.json().get("facets"), slug
        assert shown not in hidden.content.decode()

        # The search page: no results, no option for it, no problem either.
        hidden = client.get(PAGE, {name: slug})
        unknown = client.get(PAGE, {name: _unknown(slug)})
        assert hidden.status_code == unknown.status_code == 200, slug
        search = hidden.context["search"]
        assert search.problems == unknown.context["search"].problems == [], slug
        assert search.count == 0
        assert shown not in hidden.content.decode()
        for group in search.facets:
            assert slug not in {option.value for option in group.options}

        # The downloads: nothing, as for an unknown slug.
        for url in DOWNLOADS:
            hidden = client.get(url, {name: slug})
            unknown = client.get(url, {name: _unknown(slug)})
            assert hidden.status_code == unknown.status_code == 200, (url, slug)
            hidden_body = b"".join(hidden.streaming_content).decode()
            unknown_body = b"".join(unknown.streaming_content).decode()
            assert _same_as_unknown(hidden_body, slug).count("\n") == (
                unknown_body.count("\n")
            )
            assert "generated_at" in hidden_body or hidden_body.count("\n") == 1
            assert shown not in hidden_body


@pytest.mark.usefixtures("library")
def test_a_slug_that_is_not_well_formed_is_still_refused(client):
    response = client.get(API, {"organisation": "not a slug"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["organisation"]


@pytest.mark.usefixtures("library")
def test_facets_list_only_public_options_and_the_schema_no_curators_data(client):
    facets = client.get(API, {"facets": "organisation,briefing"}).json()["facets"]
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()

    assert [o["value"] for o in facets["organisation"]] == ["public-trust"]
    assert [o["value"] for o in facets["briefing"]] == ["public-briefing"]
    parameters = {
        parameter["name"]: parameter["schema"]
        for parameter in schema["paths"]["/api/v1/initiatives/"]["get"]["parameters"]
    }
    # Curators' data is not enumerated, so a generated client never goes
    # stale (nor lists a hidden row); the controlled vocabularies are.
    for name in ("organisation", "briefing"):
        assert "enum" not in parameters[name], name
        assert parameters[name]["pattern"] == "^[-a-zA-Z0-9_]+$", name
    assert "enum" not in parameters["source"]["items"]
    assert "enum" in parameters["police_area"]["items"]
    assert "enum" in parameters["theme"]["items"]
    assert "enum" in parameters["status"]["items"]
