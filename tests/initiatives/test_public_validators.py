"""Validators change only when the public answer does.

Editorial work the public never sees (drafts, reviews, suggestions, API
keys) moves no ETag and keeps every cached answer; an entry's ETag follows
that entry (and what it shows of related rows), not the whole library.
"""

import pytest
from django.urls import reverse

from initiatives.models import EditorialState, PartnerApiKey
from initiatives.services.api_keys import issue_api_key, revoke_api_key
from initiatives.services.publishing import (
    publish_initiative,
    submit_for_review,
    withdraw_initiative,
)
from practice_library.content_version import current_version
from tests.factories import make_initiative, make_police_area

pytestmark = pytest.mark.django_db

LIST = reverse("api:initiative-list")


def _detail(slug: str) -> str:
    return reverse("api:initiative-detail", args=[slug])


def _etags(client, *addresses: str) -> list[str]:
    return [client.get(address)["ETag"] for address in addresses]


@pytest.fixture
def library():
    area = make_police_area(name="Kent")
    shown = make_initiative(slug="shown", police_areas=[area])
    other = make_initiative(slug="other")
    draft = make_initiative(slug="draft", state=EditorialState.DRAFT)
    return {"shown": shown, "other": other, "draft": draft, "area": area}


def test_unseen_editorial_work_moves_no_validator_and_keeps_cached_answers(
    client, library, django_assert_num_queries
):
    addresses = [LIST, _detail("shown"), _detail("other")]
    before = _etags(client, *addresses)
    version = current_version()

    draft = library["draft"]
    draft.title = "A better working title"
    draft.save()
    draft.police_areas.add(library["area"])
    submit_for_review(draft)
    key = PartnerApiKey(partner_name="Essex data team")
    issue_api_key(key)
    revoke_api_key(key)

    assert current_version() == version
    assert _etags(client, *addresses) == before
    # The entry's answer is still the one stored: its one query decides.
    with django_assert_num_queries(1):
        assert client.get(addresses[1], HTTP_IF_NONE_MATCH=before[1]).status_code == 304


def test_a_partners_suggestion_moves_no_validator(client, library, no_rate_limits):
    key = PartnerApiKey(partner_name="Essex data team")
    whole = issue_api_key(key)
    before = _etags(client, LIST, _detail("shown"))

    response = client.post(
        reverse("api:suggestion-list"),
        {
            "title": "A suggested scheme",
            "police_areas": [library["area"].slug],
            "summary": "What it does.",
            "submitter_name": "A partner",
            "submitter_email": "partner@example.org",
            "consent": True,
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Api-Key {whole}",
    )

    assert response.status_code == 201, response.content
    assert _etags(client, LIST, _detail("shown")) == before


def test_publishing_moves_the_list_but_not_other_entries(client, library):
    list_etag, other_etag = _etags(client, LIST, _detail("other"))

    publish_initiative(library["draft"])

    assert _etags(client, LIST)[0] != list_etag
    assert _etags(client, _detail("other"))[0] == other_etag


def test_an_entry_etag_follows_the_entry_and_what_it_shows(client, library):
    shown, other = _etags(client, _detail("shown"), _detail("other"))

    area = library["area"]
    area.name = "Kent and Medway"
    area.save()

    shown_now, other_now = _etags(client, _detail("shown"), _detail("other"))
    assert shown_now != shown  # it shows the area's name
    assert other_now == other
    assert client.get(_detail("shown"), HTTP_IF_NONE_MATCH=shown).status_code == 200
    assert client.get(_detail("other"), HTTP_IF_NONE_MATCH=other).status_code == 304

    withdraw_initiative(library["other"])
    assert client.get(_detail("other"), HTTP_IF_NONE_MATCH=other).status_code == 410


def _kent(library) -> str:
    return f"{LIST}?police_area={library['area'].slug}"


def test_a_lists_etag_comes_from_its_own_results(client, library):
    kent = _kent(library)
    kent_etag, all_etag = _etags(client, kent, LIST)

    other = library["other"]  # not in Kent
    other.summary = "Reworded."
    other.save()

    assert _etags(client, kent, LIST)[0] == kent_etag
    assert _etags(client, LIST)[0] != all_etag
    assert client.get(kent, HTTP_IF_NONE_MATCH=kent_etag).status_code == 304

    shown = library["shown"]
    shown.summary = "Reworded too."
    shown.save()

    response = client.get(kent, HTTP_IF_NONE_MATCH=kent_etag)
    assert response.status_code == 200
    assert response.json()["results"][0]["summary"] == "Reworded too."


def test_entries_joining_or_leaving_a_list_move_its_etag(client, library):
    kent = _kent(library)
    etags = _etags(client, kent)

    draft = library["draft"]
    draft.police_areas.add(library["area"])
    publish_initiative(draft)
    etags += _etags(client, kent)
    withdraw_initiative(library["shown"])
    etags += _etags(client, kent)
    withdraw_initiative(draft)
    etags += _etags(client, kent)

    assert len(set(etags)) == 4
    assert client.get(kent).json()["count"] == 0


def test_what_a_page_does_not_show_leaves_it_alone(client, library):
    first = f"{LIST}?ordering=title&page_size=1"
    [etag] = _etags(client, first)
    assert client.get(first).json()["results"][0]["slug"] == "shown"

    other = library["other"]  # on page 2
    other.summary = "Reworded."
    other.save()

    assert _etags(client, first) == [etag]
    # Another entry before it in the order is a new first page.
    make_initiative(slug="aardvark", title="Aardvark scheme")
    assert _etags(client, first) != [etag]


def test_a_lists_facets_and_tombstones_are_part_of_its_answer(client, library):
    kent = _kent(library)
    faceted = f"{kent}&status=active&facets=status"
    syncing = f"{kent}&updated_since=2000-01-01"
    shown, draft = library["shown"], library["draft"]
    shown.status = "active"
    shown.save()
    before = _etags(client, faceted, syncing)

    # A pilot in Kent: the status facet counts it, the rows do not show it.
    draft.status = "pilot"
    draft.save()
    draft.police_areas.add(library["area"])
    publish_initiative(draft)
    faceted_now = client.get(faceted)
    assert [row["slug"] for row in faceted_now.json()["results"]] == ["shown"]
    assert faceted_now["ETag"] != before[0]

    # A tombstone from elsewhere is listed beside the rows of a sync.
    syncing_now = _etags(client, syncing)
    withdraw_initiative(library["other"])
    assert _etags(client, syncing) != syncing_now


def test_a_lists_304_costs_no_query_until_a_public_change_then_a_few(
    client, library, django_assert_num_queries
):
    kent = _kent(library)
    etag = client.get(kent)["ETag"]

    # Remembered for the content version: nothing public has changed.
    with django_assert_num_queries(0):
        assert client.get(kent, HTTP_IF_NONE_MATCH=etag).status_code == 304

    other = library["other"]  # not in Kent
    other.summary = "Reworded."
    other.save()

    # The area's slug checked, the count, the page, its two prefetches
    # (areas, themes) and the rows' latest changes; no serialising.
    with django_assert_num_queries(6):
        response = client.get(kent, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response["ETag"] == etag
    # And remembered again.
    with django_assert_num_queries(0):
        assert client.get(kent, HTTP_IF_NONE_MATCH=etag).status_code == 304
    last_modified = response["Last-Modified"]
    assert client.get(kent, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304


def test_a_lists_validators_are_remembered_even_with_the_result_cache_off(
    client, library, settings, django_assert_num_queries
):
    settings.RESULT_CACHE_SECONDS = 0  # answers are never kept
    kent = _kent(library)
    etag = client.get(kent)["ETag"]

    # Answered by NotModifiedMiddleware, before the view and any query.
    with django_assert_num_queries(0):
        response = client.get(kent, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response["ETag"] == etag
    # But the answer itself is built afresh.
    with django_assert_num_queries(6):
        assert client.get(kent).status_code == 200
