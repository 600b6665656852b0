"""Public pages answer conditional GETs from the content version."""

import pytest
from django.urls import reverse

from initiatives.services.publishing import withdraw_initiative
from tests.factories import make_curator, make_initiative

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub():
    return make_initiative(slug="hub", title="Harbour hub")


PAGES = [
    reverse("initiatives:home"),
    reverse("initiatives:list") + "?q=harbour",
    reverse("initiatives:detail", args=["hub"]),
    reverse("initiatives:police-area-list"),
    reverse("initiatives:police-area-compare"),
    reverse("initiatives:briefing-list"),
    reverse("initiatives:feed"),
    reverse("themes:list"),
    reverse("sitemap"),
]


@pytest.mark.usefixtures("hub")
@pytest.mark.parametrize("url", PAGES)
def test_a_current_copy_gets_304_without_rendering(
    client, url, django_assert_max_num_queries
):
    first = client.get(url)
    assert first.status_code == 200
    assert first["ETag"].startswith('W/"')
    assert "public" in first["Cache-Control"]

    with django_assert_max_num_queries(0):
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""

    since = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304


def test_a_withdrawal_makes_the_old_copy_stale(client, hub):
    url = reverse("initiatives:list") + "?q=harbour"
    first = client.get(url)

    withdraw_initiative(hub, actor=make_curator())

    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert "Harbour hub" not in again.content.decode()
    assert again["ETag"] != first["ETag"]


def test_the_suggestion_form_is_not_cached(client):
    response = client.get(reverse("initiatives:suggest"))

    assert "ETag" not in response
    assert "public" not in response.get("Cache-Control", "")


def test_a_missing_page_has_no_validators(client):
    response = client.get(reverse("initiatives:detail", args=["nothing-here"]))

    assert response.status_code == 404
    assert "ETag" not in response
