import logging

import pytest
from django.db import connection
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_is_ok_when_database_and_cache_answer(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_and_says_nothing_secret_when_the_database_fails(
    client, monkeypatch
):
    def refuse(*args, **kwargs):
        raise RuntimeError("password=hunter2 host=10.0.0.5 could not connect")

    monkeypatch.setattr(connection, "cursor", refuse)

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "unavailable",
        "cache": "ok",
    }
    assert b"hunter2" not in response.content


def test_healthz_is_503_when_the_cache_fails(client, monkeypatch):
    from django.core.cache import cache

    def refuse(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "set", refuse)

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["cache"] == "unavailable"


def test_each_request_is_logged_once_with_method_path_status_and_duration(
    client, caplog
):
    with caplog.at_level(logging.INFO, logger="practice_library.requests"):
        client.get("/themes/?sort=name", HTTP_COOKIE="sessionid=abc123secret")

    (record,) = [r for r in caplog.records if r.name == "practice_library.requests"]
    assert record.getMessage().startswith("GET /themes/?sort=name 200 ")
    assert record.getMessage().endswith("ms")
    assert "abc123secret" not in record.getMessage()


def test_secret_looking_parameters_are_redacted_in_the_log(client, caplog):
    with caplog.at_level(logging.INFO, logger="practice_library.requests"):
        client.get("/themes/", {"api_key": "pk_live_123", "password": "x", "q": "hub"})

    message = next(
        r.getMessage() for r in caplog.records if r.name == "practice_library.requests"
    )
    assert "pk_live_123" not in message
    assert "api_key=%5Bredacted%5D" in message
    assert "q=hub" in message
