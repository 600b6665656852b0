"""Partners with a key suggest initiatives through the API."""

import json

import pytest
from django.urls import reverse

from initiatives.models import EditorialState, Initiative, PartnerApiKey, Suggestion
from initiatives.services.api_keys import issue_api_key, revoke_api_key
from practice_library import throttles
from tests.factories import make_police_area, make_theme
from tests.initiatives.api_helpers import utc

pytestmark = pytest.mark.django_db

URL = reverse("api:suggestion-list")


@pytest.fixture
def partner():
    key = PartnerApiKey(partner_name="Essex data team")
    return key, issue_api_key(key)


@pytest.fixture
def places():
    make_police_area(slug="essex", name="Essex", region="east-of-england")
    make_theme(slug="understanding-demand", name="Understanding demand")


def _suggestion(**overrides) -> dict:
    return {
        "title": "Street triage in Colchester",
        "police_areas": ["essex"],
        "summary": "Nurses ride with officers on Friday and Saturday nights.",
        "themes": ["understanding-demand"],
        "website": "https://example.org/triage",
        "submitter_name": "Sam Example",
        "submitter_email": "sam@example.org",
        "submitter_organisation": "Essex PFCC",
        "consent": True,
    } | overrides


def _post(client, body, key: str | None = None, **headers):
    if key is not None:
        headers["HTTP_AUTHORIZATION"] = f"Api-Key {key}"
    return client.post(
        URL, json.dumps(body), content_type="application/json", **headers
    )


@pytest.mark.usefixtures("places")
class TestSuggesting:
    def test_a_partner_suggestion_becomes_a_private_draft(self, client, partner):
        key, whole = partner

        response = _post(client, _suggestion(), whole)

        assert response.status_code == 201
        suggestion = Suggestion.objects.get()
        assert response.json() == {
            "id": suggestion.pk,
            "title": "Street triage in Colchester",
            "status": "new",
            "received_at": utc(suggestion.created_at),
        }
        assert suggestion.source == Suggestion.Source.PARTNER_API
        assert suggestion.api_key == key
        draft = suggestion.initiative
        assert draft is not None
        assert draft.state == EditorialState.DRAFT
        assert draft.origin == Initiative.Origin.SUGGESTION
        assert [a.slug for a in draft.police_areas.all()] == ["essex"]
        assert [t.slug for t in draft.themes.all()] == ["understanding-demand"]
        # Nothing about the submitter is in the answer or on the draft.
        assert "sam@example.org" not in response.content.decode()
        assert "sam@example.org" not in json.dumps(
            list(Initiative.objects.values()), default=str
        )

    def test_the_draft_is_never_public(self, client, partner):
        _post(client, _suggestion(), partner[1])

        listing = client.get(reverse("api:initiative-list")).json()
        assert listing["count"] == 0
        page = client.get(reverse("initiatives:list"))
        assert "Street triage in Colchester" not in page.content.decode()

    def test_without_a_key_it_is_refused_with_401(self, client):
        response = _post(client, _suggestion())

        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"
        assert response["WWW-Authenticate"].startswith("Api-Key")
        assert not Suggestion.objects.exists()

    def test_a_revoked_key_is_refused_at_once(self, client, partner):
        key, whole = partner
        revoke_api_key(key)

        response = _post(client, _suggestion(), whole)

        assert response.status_code == 401
        assert not Suggestion.objects.exists()

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"police_areas": ["atlantis"]}, "police_areas"),
            ({"police_areas": []}, "police_areas"),
            ({"themes": ["no-such-theme"]}, "themes"),
            ({"submitter_email": "not an address"}, "submitter_email"),
            ({"consent": False}, "consent"),
            ({"website": "javascript:alert(1)"}, "website"),
            ({"title": "Null\x00byte"}, "title"),
            ({"summary": "Lone \ud800 surrogate"}, "summary"),
            ({"title": "x" * 201}, "title"),
            ({"title": ""}, "title"),
            # Not text: refused, never turned into text.
            ({"title": 123}, "title"),
            ({"summary": ["a list"]}, "summary"),
            ({"submitter_name": {"an": "object"}}, "submitter_name"),
            # A NUL or a non-slug inside a list item: refused before any query.
            ({"themes": ["under\x00standing"]}, "themes"),
            ({"police_areas": ["es\x00sex"]}, "police_areas"),
            ({"police_areas": [7]}, "police_areas"),
            ({"police_areas": "essex"}, "police_areas"),
            # An object is not a list, even an empty one.
            ({"themes": {}}, "themes"),
            ({"police_areas": {"essex": 1}}, "police_areas"),
            # A host name longer than DNS allows (253), in 63-letter labels.
            ({"website": "https://" + ".".join(["a" * 63] * 5) + ".org"}, "website"),
            # Bounded: more areas than there are.
            ({"police_areas": [f"area-{n}" for n in range(30_000)]}, "police_areas"),
            ({"themes": ["understanding-demand"] * 31}, "themes"),
        ],
        ids=lambda value: str(value)[:30],
    )
    def test_bad_input_is_a_400_naming_the_field(
        self, client, partner, overrides, field
    ):
        body = json.dumps(_suggestion(**overrides), ensure_ascii=True)
        response = client.post(
            URL,
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Api-Key {partner[1]}",
        )

        assert response.status_code == 400
        assert field in response.json()["errors"]
        assert not Suggestion.objects.exists()
        assert not Initiative.objects.exists()

    def test_a_repeated_slug_is_taken_once(self, client, partner):
        response = _post(
            client,
            _suggestion(
                police_areas=["essex", "essex"],
                themes=["understanding-demand", "understanding-demand"],
            ),
            partner[1],
        )

        assert response.status_code == 201
        initiative = Initiative.objects.get()
        assert list(initiative.police_areas.values_list("slug", flat=True)) == ["essex"]
        assert initiative.themes.count() == 1

    def test_a_huge_list_costs_no_query_per_item(
        self, client, partner, django_assert_max_num_queries
    ):
        body = _suggestion(police_areas=[f"area-{n}" for n in range(30_000)])

        with django_assert_max_num_queries(5):
            response = _post(client, body, partner[1])

        assert response.status_code == 400

    def test_json_nested_a_thousand_deep_is_a_400(self, client, partner):
        deep = "[" * 1000 + "]" * 1000
        response = client.post(
            URL,
            '{"title": ' + deep + "}",
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Api-Key {partner[1]}",
        )

        assert response.status_code == 400
        assert response.json()["code"] == "parse_error"

    def test_malformed_json_is_a_400(self, client, partner):
        response = client.post(
            URL,
            "{not json",
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Api-Key {partner[1]}",
        )

        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"

    def test_reading_the_suggestions_is_not_allowed(self, client, partner):
        response = client.get(URL, HTTP_AUTHORIZATION=f"Api-Key {partner[1]}")

        assert response.status_code == 405
        assert response.json()["code"] == "method_not_allowed"

    def test_each_key_may_send_only_so_many(
        self, client, partner, throttle_rates, monkeypatch
    ):
        throttle_rates(**{"partner-suggestions": "2/hour"})
        monkeypatch.setattr(throttles.time, "time", lambda: 1_800_000_000.0)

        statuses = [
            _post(client, _suggestion(title=f"Idea {n}"), partner[1]).status_code
            for n in range(3)
        ]

        assert statuses == [201, 201, 429]
        assert Suggestion.objects.count() == 2

    def test_invalid_bodies_use_none_of_the_keys_quota(
        self, client, partner, throttle_rates, monkeypatch
    ):
        throttle_rates(**{"partner-suggestions": "2/hour"})
        monkeypatch.setattr(throttles.time, "time", lambda: 1_800_000_000.0)

        refused = [
            _post(client, _suggestion(title=""), partner[1]).status_code
            for _ in range(5)
        ]
        accepted = [
            _post(client, _suggestion(title=f"Idea {n}"), partner[1]).status_code
            for n in range(3)
        ]

        assert refused == [400] * 5
        assert accepted == [201, 201, 429]
