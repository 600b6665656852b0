"""A database that is down or silent gives a quick 503, never a 500 or a hang.

The app runs in a fresh process whose DATABASE_URL points at a port where
nothing listens (refused at once) or at a socket that accepts and never
answers (a hung server), as during a restart or a network fault.
"""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PATHS = ["/", "/initiatives/?q=hub", "/api/v1/initiatives/", "/healthz"]

REQUESTS = """
import json, sys, time, django
django.setup()
from django.test import Client
from django.test.utils import override_settings

plain_static = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
seen = {}
with override_settings(STORAGES=plain_static):
    client = Client()
    for path in sys.argv[1:]:
        started = time.monotonic()
        response = client.get(path)
        seen[path] = {
            "status": response.status_code,
            "seconds": time.monotonic() - started,
            "retry_after": response.get("Retry-After"),
            "type": response["Content-Type"],
            "body": response.content.decode(),
        }
print(json.dumps(seen))
"""


def _serve(
    database_port: int, paths: list[str] = PATHS, **environment: str
) -> tuple[dict, str]:
    result = subprocess.run(
        [sys.executable, "-c", REQUESTS, *paths],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("REDIS_")},
            "DJANGO_SETTINGS_MODULE": "practice_library.settings",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{database_port}/library",
            **environment,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr


def test_a_database_that_refuses_connections_gives_503_at_once():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    # Nothing listens on the port once the socket is closed.

    # A long connect timeout: answering fast cannot be waiting it out.
    seen, log = _serve(port, DJANGO_DB_CONNECT_TIMEOUT="10")

    page = seen["/"]
    assert page["status"] == 503
    assert page["retry_after"] == "10"
    assert page["type"].startswith("text/html")
    assert "The library is briefly unavailable" in page["body"]
    assert seen["/initiatives/?q=hub"]["status"] == 503
    api = seen["/api/v1/initiatives/"]
    assert api["status"] == 503
    assert api["retry_after"] == "10"
    assert json.loads(api["body"])["code"] == "service_unavailable"
    assert seen["/healthz"]["status"] == 503
    assert all(answer["seconds"] < 3 for answer in seen.values()), seen
    for answer in seen.values():
        assert "127.0.0.1" not in answer["body"]
        assert "Traceback" not in answer["body"]
    # One line per request, without a traceback (/healthz, last, logs why).
    pages_log, health_log = log.split("Health check")
    assert pages_log.count("Database unavailable (OperationalError)") == 3
    assert "Service Unavailable" not in pages_log
    assert health_log.startswith(": the database did not answer (OperationalError)")
    assert "Traceback" not in log


def test_a_database_that_never_answers_gives_503_after_the_connect_timeout():
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)  # the kernel accepts; no one ever answers
        started = time.monotonic()

        seen, _ = _serve(
            silent.getsockname()[1],
            ["/", "/api/v1/initiatives/"],
            DJANGO_DB_CONNECT_TIMEOUT="2",
        )

        elapsed = time.monotonic() - started
    assert {answer["status"] for answer in seen.values()} == {503}
    # Each request waits for the timeout once, never for ever.
    for answer in seen.values():
        assert 1.5 < answer["seconds"] < 5, seen
    assert elapsed < 60


@pytest.mark.django_db
def test_retry_after_and_no_store_on_the_503(client, monkeypatch):
    from django.db import InterfaceError

    from initiatives import views

    def fail():
        raise InterfaceError("connection already closed")

    monkeypatch.setattr(views, "published_initiative_count", fail)

    response = client.get("/")

    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response["Cache-Control"] == "no-store"
    assert "connection already closed" not in response.content.decode()
