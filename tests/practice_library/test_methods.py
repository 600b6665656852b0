"""A method an address does not take is 405 Method Not Allowed, never 403."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from practice_library.methods import SITE_METHODS, allowed_methods

pytestmark = pytest.mark.django_db

PAGE_METHODS = {"GET", "HEAD", "OPTIONS"}


@pytest.fixture
def client():
    # As a browser or robot without a CSRF token: the check a page's 405
    # must come before.
    return Client(enforce_csrf_checks=True)


def _allow(response) -> set[str]:
    return {method.strip() for method in response["Allow"].split(",")}


@pytest.mark.parametrize(
    ("method", "address"),
    [
        ("FOO", "/"),
        ("FOO", "/initiatives/"),
        ("PUT", "/initiatives/"),
        ("DELETE", "/themes/"),
        ("POST", "/police-areas/"),
        ("TRACE", "/accessibility/"),
    ],
)
def test_a_page_answers_405_naming_what_it_takes(client, method, address):
    response = client.generic(method, address)

    assert response.status_code == 405
    assert _allow(response) == PAGE_METHODS


@pytest.mark.parametrize(
    ("method", "address", "allowed"),
    [
        ("FOO", "/api/", PAGE_METHODS),
        ("FOO", "/api/v1/initiatives/", PAGE_METHODS),
        ("PUT", "/api/v1/themes/", PAGE_METHODS),
    ],
)
def test_the_api_answers_405_in_json(client, method, address, allowed):
    response = client.generic(method, address)

    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "method_not_allowed"
    assert _allow(response) == allowed


@pytest.mark.parametrize("address", ["/robots.txt", "/healthz", "/admin/"])
def test_other_addresses_answer_405_for_a_method_no_view_takes(client, address):
    response = client.generic("FOO", address)

    assert response.status_code == 405
    assert _allow(response) == set(SITE_METHODS)


def test_the_suggestion_form_takes_get_and_post_only(client):
    url = reverse("initiatives:suggest")

    put = client.put(url, "title=x", content_type="application/x-www-form-urlencoded")
    options = client.options(url)

    assert put.status_code == 405
    assert _allow(put) == _allow(options) == {"GET", "HEAD", "OPTIONS", "POST"}


@pytest.mark.parametrize(
    "address", ["/suggest/", "/admin/login/", "/admin/initiatives/initiative/add/"]
)
def test_a_post_without_its_token_is_still_refused(client, address):
    assert client.post(address, {}).status_code == 403


def _views(resolver: URLResolver, prefix: str = ""):
    """(address pattern, view) of every URL pattern under ``resolver``."""
    for pattern in resolver.url_patterns:
        address = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _views(pattern, address)
        elif isinstance(pattern, URLPattern):
            yield address, pattern.callback


def test_no_page_of_ours_takes_or_advertises_another_method(settings):
    # The admin is Django's (its old addresses of entries redirect whatever
    # the method); the API's views answer for themselves.
    taken = {
        address: set(allowed_methods(view) or SITE_METHODS)
        for address, view in _views(get_resolver())
        if not address.startswith(settings.ADMIN_URL)
    }

    assert taken.keys() >= {"", "initiatives/", "suggest/", "robots.txt"}
    assert {
        address: methods - set(SITE_METHODS) for address, methods in taken.items()
    } == {address: set() for address in taken}
