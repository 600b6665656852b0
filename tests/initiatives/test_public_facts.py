"""On records the public can see, web addresses (and an organisation's name)
are a publisher's to change; editors are told to ask one."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.admin_forms import admin_form_data
from tests.factories import (
    make_editor,
    make_initiative,
    make_organisation,
    make_publisher,
    make_source,
)

pytestmark = pytest.mark.django_db

OLD_SITE = "https://old.example.org/"
NEW_SITE = "https://evil.example/"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _change_url(entry) -> str:
    meta = entry._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[entry.pk])


def _save(client, entry, **changes):
    url = _change_url(entry)
    return client.post(url, admin_form_data(client.get(url), **changes))


@pytest.fixture
def public_organisation():
    organisation = make_organisation(name="Youth Trust", website=OLD_SITE)
    make_initiative(organisations={"lead": organisation})  # published
    return organisation


@pytest.fixture
def public_source():
    source = make_source(url=OLD_SITE)
    make_initiative(sources=[source])  # published
    return source


@pytest.mark.parametrize(
    ("field", "value"), [("website", NEW_SITE), ("name", "Youth Trust Ltd")]
)
def test_an_editor_cannot_change_a_public_organisations_address_or_name(
    public_organisation, field, value
):
    response = _save(_client(make_editor()), public_organisation, **{field: value})

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors[field]
    assert "Ask a publisher to make this change" in errors[0]
    public_organisation.refresh_from_db()
    assert (public_organisation.name, public_organisation.website) == (
        "Youth Trust",
        OLD_SITE,
    )


def test_an_editor_still_corrects_the_rest_of_a_public_organisation(
    public_organisation,
):
    response = _save(
        _client(make_editor()), public_organisation, description="Founded 1998."
    )

    assert response.status_code == 302
    public_organisation.refresh_from_db()
    assert public_organisation.description == "Founded 1998."


def test_a_publisher_changes_a_public_organisations_address(public_organisation):
    response = _save(_client(make_publisher()), public_organisation, website=NEW_SITE)

    assert response.status_code == 302
    public_organisation.refresh_from_db()
    assert public_organisation.website == NEW_SITE


def test_an_editor_changes_the_address_of_an_organisation_not_yet_public():
    draft_only = make_organisation(website=OLD_SITE)
    make_initiative(organisations={"lead": draft_only}, state="draft")

    response = _save(_client(make_editor()), draft_only, website=NEW_SITE)

    assert response.status_code == 302
    draft_only.refresh_from_db()
    assert draft_only.website == NEW_SITE


@pytest.mark.parametrize("field", ["url", "archived_url"])
def test_an_editor_cannot_change_a_public_sources_addresses(public_source, field):
    response = _save(_client(make_editor()), public_source, **{field: NEW_SITE})

    assert response.status_code == 200
    assert (
        "Only a publisher can change this on a source"
        in (response.context["adminform"].form.errors[field][0])
    )
    public_source.refresh_from_db()
    assert public_source.url == OLD_SITE
    assert public_source.archived_url != NEW_SITE


def test_a_publisher_changes_a_public_sources_address(public_source):
    response = _save(_client(make_publisher()), public_source, url=NEW_SITE)

    assert response.status_code == 302
    public_source.refresh_from_db()
    assert public_source.url == NEW_SITE


def test_an_editor_cannot_restore_an_old_address_of_a_public_source(public_source):
    publisher = _client(make_publisher())
    _save(publisher, public_source, url=NEW_SITE)
    old = public_source.history.filter(url=OLD_SITE).first()
    editor = _client(make_editor())
    url = reverse(
        "admin:initiatives_source_simple_history",
        args=[public_source.pk, old.history_id],
    )

    response = editor.post(url, admin_form_data(editor.get(url)))

    assert response.status_code == 200
    public_source.refresh_from_db()
    assert public_source.url == NEW_SITE
