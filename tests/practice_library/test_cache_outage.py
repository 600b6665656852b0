"""Redis down: the site keeps serving from the database.

Cache failures degrade and never break: reads miss, writes are skipped, the
rate limits let requests through (fail open), /healthz says the cache is
unavailable; when Redis is back, what a failed write left stale is removed.
"""

import logging
import socket
import subprocess
import time

import pytest
import redis
from django.core.cache.backends.redis import RedisSerializer
from django.urls import reverse

from initiatives.forms import fill_time_token
from practice_library.cache import ResilientRedisCache, without_password
from tests.factories import make_initiative, make_police_area

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _backend(url: str) -> dict:
    return {
        "BACKEND": "practice_library.cache.ResilientRedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "practice-library-tests",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }


@pytest.fixture
def redis_down(settings, throttle_rates):
    """The cache is a Redis that nothing listens for, with a password."""
    url = f"redis://:hunter2-secret@127.0.0.1:{_free_port()}/0"
    settings.CACHES = {"default": _backend(url)}
    throttle_rates(anonymous="2/minute", partner="2/minute")
    settings.SUGGESTION_RATE_LIMIT = 1
    return url


def test_every_operation_answers_its_miss_value_and_warns_once(caplog):
    cache = ResilientRedisCache(
        f"redis://:hunter2-secret@127.0.0.1:{_free_port()}/0", {}
    )

    with caplog.at_level(logging.WARNING, logger="practice_library.cache"):
        started = time.monotonic()
        answers = [
            cache.get("a", "default"),
            cache.add("a", 1),
            cache.incr("a", 3),
            cache.get_many(["a", "b"]),
            cache.set_many({"a": 1, "b": 2}),
            cache.has_key("a"),
            cache.touch("a"),
            cache.delete("a"),
            cache.get_or_set("c", 7),
            cache.count("d", 60),
        ]
        cache.set("a", 1)  # none of these raises
        cache.delete_many(["a"])
        cache.clear()
        elapsed = time.monotonic() - started

    assert answers == ["default", False, 3, {}, ["a", "b"], False, False, False, 7, 1]
    # The first failure stops the others from trying for a while.
    assert elapsed < 2
    (warning,) = caplog.records
    assert "is unavailable (ConnectionError); serving without it" in warning.message
    assert "hunter2" not in warning.message
    assert "redis://:***@127.0.0.1:" in warning.message


def test_passwords_are_hidden_in_server_addresses():
    assert without_password("redis://:pw@host:6379/0") == "redis://:***@host:6379/0"
    assert without_password("rediss://user:pw@host/1") == "rediss://user:***@host/1"
    assert without_password("redis://host:6379/0") == "redis://host:6379/0"


def test_pages_and_api_serve_from_the_database_without_redis(client, redis_down):
    initiative = make_initiative(title="Street triage", summary="Nurses and officers.")
    paths = [
        reverse("initiatives:home"),
        reverse("initiatives:list") + "?q=triage",
        initiative.get_absolute_url(),
        reverse("themes:list"),
        reverse("initiatives:police-area-compare"),
        reverse("initiatives:export-csv"),
        reverse("api:initiative-list") + "?facets=theme",
        reverse("api:initiative-detail", args=[initiative.slug]),
    ]

    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
    api = client.get(reverse("api:initiative-list"))
    assert [row["slug"] for row in api.json()["results"]] == [initiative.slug]
    # The content version comes from the database: validators still work.
    again = client.get(reverse("api:initiative-list"), HTTP_IF_NONE_MATCH=api["ETag"])
    assert again.status_code == 304


def test_rate_limits_fail_open_without_redis(client, redis_down):
    statuses = {client.get(reverse("api:theme-list")).status_code for _ in range(5)}

    assert statuses == {200}  # the limit is 2 a minute: not counted, not enforced


def test_suggestions_are_still_taken_without_redis(client, redis_down):
    area = make_police_area()
    data = {
        "title": "Street triage",
        "police_areas": [area.pk],
        "summary": "Nurses join officers.",
        "submitter_name": "A person",
        "submitter_email": "a.person@example.org",
        "consent": "on",
        "started": fill_time_token(time.time() - 30),
    }

    statuses = [
        client.post(reverse("initiatives:suggest"), data).status_code for _ in range(3)
    ]

    assert statuses == [302, 302, 302]  # the limit is 1: fails open


def test_healthz_reports_the_cache_unavailable(client, redis_down):
    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "cache": "unavailable",
    }
    assert b"hunter2" not in response.content


@pytest.fixture
def redis_server():
    """A throwaway redis-server on a free port, that the test may stop."""
    port = _free_port()
    processes: list[subprocess.Popen] = []

    def start() -> None:
        processes.append(
            subprocess.Popen(
                [
                    "redis-server",
                    "--port",
                    str(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                stdout=subprocess.DEVNULL,
            )  # fmt: skip
        )
        client = redis.Redis(port=port, socket_connect_timeout=0.2)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop() -> None:
        processes[-1].terminate()
        processes[-1].wait(timeout=10)

    start()
    yield port, start, stop
    if processes[-1].poll() is None:
        stop()


@pytest.mark.redis
def test_a_write_lost_while_redis_was_away_does_not_leave_a_stale_value(
    redis_server, monkeypatch, caplog
):
    port, start, stop = redis_server
    monkeypatch.setattr(ResilientRedisCache, "RETRY_SECONDS", 0.1)
    cache = ResilientRedisCache(f"redis://127.0.0.1:{port}/0", {})
    cache.set("content-version", "old")

    stop()
    cache.set("content-version", "new")  # lost: Redis is away
    start()
    # Redis still holding the old value, as after a network partition.
    raw = redis.Redis(port=port)
    raw.set(cache.make_key("content-version"), RedisSerializer().dumps("old"))
    time.sleep(0.15)

    with caplog.at_level(logging.WARNING, logger="practice_library.cache"):
        assert cache.get("content-version") is None  # a miss, not "old"
    assert "is available again" in caplog.text
    cache.set("content-version", "newer")
    assert cache.get("content-version") == "newer"


@pytest.mark.redis
def test_a_counter_counts_and_expires(redis_server):
    port, _, _ = redis_server
    cache = ResilientRedisCache(f"redis://127.0.0.1:{port}/0", {})
    raw = redis.Redis(port=port)

    counts = [cache.count("rate", 2) for _ in range(3)]

    assert counts == [1, 2, 3]
    # The window is set once, with the first count, and not moved by later ones.
    assert 0 < raw.ttl(cache.make_key("rate")) <= 2
    assert cache.get("rate") == 3
    # One redis-py client serves every call, as redis-py intends.
    assert cache._cache.get_client("a") is cache._cache.get_client("b", write=True)
    raw.delete(cache.make_key("rate"))  # the window has passed
    assert cache.count("rate", 2) == 1
