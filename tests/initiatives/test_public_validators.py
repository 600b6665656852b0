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
    # The list's answer is still the one stored: no query to rebuild it.
    with django_assert_num_queries(0):
        assert client.get(LIST, HTTP_IF_NONE_MATCH=before[0]).status_code == 304


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
