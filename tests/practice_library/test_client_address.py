"""Which address a request comes from: X-Forwarded-For only behind proxies
the settings name, the rightmost address they did not add themselves."""

import logging

import pytest
from django.test import RequestFactory

from practice_library.client_address import client_address

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"


def _request(forwarded: str | None = None, remote: str = PROXY):
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


def test_without_trusted_proxies_forwarded_addresses_are_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_address(_request("203.0.113.9")) == PROXY
    assert client_address(_request()) == PROXY


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        # One proxy appends the address it saw; a client's own claims are
        # to the left of it.
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.66, 203.0.113.9", "203.0.113.9"),
        (1, "203.0.113.9 ,  ", "203.0.113.9"),
        # Two proxies: the outer one's entry, not the inner one's.
        (2, "198.51.100.66, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (1, "2001:db8::7", "2001:db8::7"),
        # Not through the proxy, or a value no proxy writes.
        (1, "", PROXY),
        (1, "not-an-address", PROXY),
    ],
)
def test_behind_trusted_proxies_the_outermost_one_says_who(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies

    assert client_address(_request(forwarded)) == expected


def test_the_request_log_names_the_client_behind_the_proxy(client, settings, caplog):
    settings.TRUSTED_PROXY_COUNT = 1
    with caplog.at_level(logging.INFO, logger="practice_library.requests"):
        client.get("/themes/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9")
        settings.TRUSTED_PROXY_COUNT = 0
        client.get("/themes/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9")

    lines = [r.getMessage() for r in caplog.records if r.name.endswith("requests")]
    assert lines[0].startswith("203.0.113.9 GET /themes/ 200 ")
    assert lines[1].startswith(f"{PROXY} GET /themes/ 200 ")
