"""Keys and sessions give exactly the access they should, by every path.

Complements test_api_keys (keys and rate limits), test_admin_workflow and
test_history (the editorial rights): a partner key, in either header, opens
nothing in the admin and no non-public entry; a revoked key is refused at
once, whatever the request; an editor publishes nothing, briefings included.
"""

import pytest
from django.urls import reverse

from initiatives.models import Briefing, EditorialState, Initiative, PartnerApiKey
from initiatives.services.api_keys import issue_api_key, revoke_api_key
from tests.admin_forms import admin_form_data
from tests.factories import (
    make_briefing,
    make_editor,
    make_initiative,
    make_publisher,
)

pytestmark = pytest.mark.django_db

HEADERS = ["HTTP_AUTHORIZATION", "HTTP_X_API_KEY"]


def _key() -> tuple[PartnerApiKey, str]:
    key = PartnerApiKey(partner_name="Essex data team")
    return key, issue_api_key(key)


def _sent(header: str, whole: str) -> dict[str, str]:
    return {header: f"Api-Key {whole}" if header == "HTTP_AUTHORIZATION" else whole}


def _admin(model, view: str, *args) -> str:
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("header", HEADERS)
def test_a_partner_key_opens_nothing_in_the_admin(client, header):
    draft = make_initiative(state=EditorialState.DRAFT, title="Secret draft")
    _, whole = _key()
    sent = _sent(header, whole)
    addresses = [
        reverse("admin:index"),
        _admin(Initiative, "changelist"),
        _admin(Initiative, "change", draft.pk),
        _admin(Initiative, "add"),
        _admin(Initiative, "history", draft.pk),
        _admin(Initiative, "data_quality"),
        _admin(Initiative, "import"),
        _admin(Initiative, "export"),
        _admin(PartnerApiKey, "changelist"),
        reverse("admin:autocomplete")
        + "?app_label=initiatives&model_name=initiative&field_name=parent",
    ]

    for address in addresses:
        response = client.get(address, **sent)
        assert response.status_code == 302, address
        assert response["Location"].startswith(reverse("admin:login")), address
        assert "sessionid" not in response.cookies
    publish = client.post(
        _admin(Initiative, "state", draft.pk), {"to_state": "published"}, **sent
    )
    bulk = client.post(
        _admin(Initiative, "changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk]},
        **sent,
    )

    for response in (publish, bulk):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    draft.refresh_from_db()
    assert draft.state == EditorialState.DRAFT


@pytest.mark.parametrize("header", HEADERS)
def test_a_partner_key_reads_only_what_is_public(client, header):
    public = make_initiative(slug="public-hub")
    hidden = {
        state: make_initiative(slug=f"hidden-{state}", state=state)
        for state in (EditorialState.DRAFT, EditorialState.IN_REVIEW)
    }
    briefing = make_briefing(slug="hidden-briefing", state=EditorialState.DRAFT)
    _, whole = _key()
    sent = _sent(header, whole)

    listed = client.get(reverse("api:initiative-list") + "?page_size=100", **sent)
    assert [row["slug"] for row in listed.json()["results"]] == [public.slug]
    for initiative in hidden.values():
        detail = client.get(
            reverse("api:initiative-detail", args=[initiative.slug]), **sent
        )
        assert detail.status_code == 404
    assert (
        client.get(
            reverse("api:briefing-detail", args=[briefing.slug]), **sent
        ).status_code
        == 404
    )
    # Parameters that might widen the view are not the API's: refused.
    widened = client.get(
        reverse("api:initiative-list"), {"state": "draft", "all": "true"}, **sent
    )
    assert widened.status_code == 400
    assert set(widened.json()["errors"]) == {"state", "all"}
    assert "hidden" not in widened.content.decode()


@pytest.mark.parametrize(
    "address",
    [
        reverse("api:initiative-list"),
        reverse("api:initiative-list") + "?format=csv",
        reverse("api:theme-list"),
        reverse("api:api-root"),
    ],
)
def test_a_revoked_key_is_refused_at_once_even_for_a_current_copy(client, address):
    make_initiative()
    key, whole = _key()
    first = client.get(address, HTTP_X_API_KEY=whole)
    assert first.status_code == 200

    revoke_api_key(key)
    response = client.get(
        address, HTTP_X_API_KEY=whole, HTTP_IF_NONE_MATCH=first["ETag"]
    )

    # Not a 304: the key is checked before anything is answered.
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("model", [Initiative, Briefing], ids=lambda m: m.__name__)
def test_an_editor_publishes_nothing_by_any_path(client, model):
    client.force_login(make_editor())
    entry = (
        make_initiative(state=EditorialState.IN_REVIEW)
        if model is Initiative
        else make_briefing(state=EditorialState.IN_REVIEW)
    )

    # Each is refused, and says so on the page it leads back to.
    button = client.post(
        _admin(model, "state", entry.pk), {"to_state": "published"}, follow=True
    )
    assert "Only publishers may move" in button.content.decode()
    bulk = client.post(
        _admin(model, "changelist"),
        {"action": "publish_selected", "_selected_action": [entry.pk]},
        follow=True,
    )
    assert "No action selected." in bulk.content.decode()

    entry.refresh_from_db()
    assert entry.state == EditorialState.IN_REVIEW
    assert entry.published_at is None


@pytest.mark.parametrize("role", ["editor", "publisher"])
@pytest.mark.parametrize("model", [Initiative, Briefing], ids=lambda m: m.__name__)
def test_the_change_form_cannot_set_the_state(client, model, role):
    """The form is valid and saved, with the state asked for ignored."""
    client.force_login(make_editor() if role == "editor" else make_publisher())
    entry = (
        make_initiative(state=EditorialState.IN_REVIEW, title="Before")
        if model is Initiative
        else make_briefing(state=EditorialState.IN_REVIEW, title="Before")
    )
    change = _admin(model, "change", entry.pk)

    response = client.post(
        change,
        admin_form_data(
            client.get(change),
            title="After",
            state=EditorialState.PUBLISHED,
            published_at_0="2020-01-01",
            published_at_1="00:00",
        ),
    )

    assert response.status_code == 302  # saved: the form had no error
    entry.refresh_from_db()
    assert entry.title == "After"
    assert entry.state == EditorialState.IN_REVIEW
    assert entry.published_at is None
