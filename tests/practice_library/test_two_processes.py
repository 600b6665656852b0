"""Two app processes on one PostgreSQL and one Redis behave as one site.

The app keeps no state of its own: sessions, the result cache, the content
version and rate-limit counts live in PostgreSQL or Redis. This test starts
two gunicorn processes on different ports against the test database and a
Redis server of its own, and shows that they agree on results and on which
copies are current, that a withdrawal made elsewhere is seen at once by
both, and that they count one partner's requests together.
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from initiatives.models import PartnerApiKey
from initiatives.services.api_keys import issue_api_key
from initiatives.services.publishing import withdraw_initiative
from practice_library.settings import redis_cache
from tests.factories import make_curator, make_initiative

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
    pytest.mark.redis,
]

GUNICORN = str(Path(sys.executable).parent / "gunicorn")
SEARCH = "/api/v1/initiatives/?q=harbour"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str, **headers) -> tuple[int, bytes]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _etag(port: int, path: str, **headers) -> str:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers["ETag"]


def _wait_until_up(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "gunicorn stopped"
        with contextlib.suppress(OSError):
            if _get(port, "/healthz")[0] == 200:
                return
        time.sleep(0.2)
    raise AssertionError("gunicorn did not start")


@pytest.fixture
def redis_url(settings):
    port = _free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1",
         "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    # This test process writes like a curator would: through the same cache.
    settings.CACHES = {"default": redis_cache(url)}
    yield url
    server.terminate()
    server.wait()


@pytest.fixture
def two_processes(redis_url, tmp_path):
    database = connection.settings_dict
    environment = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@"
            f"{database['HOST'] or 'localhost'}:{database['PORT'] or 5432}/"
            f"{database['NAME']}"
        ),
        "REDIS_URL": redis_url,
        "DJANGO_SECRET_KEY": "two-processes-test-key-" + "x" * 40,
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "API_ANONYMOUS_RATE": "100000/minute",
        "API_PARTNER_RATE": "3/day",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
    }
    # Production serves the hashed static names that collectstatic writes.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=settings.BASE_DIR,
        env=environment,
        check=True,
    )
    ports = [_free_port(), _free_port()]
    processes = [
        subprocess.Popen(
            [
                GUNICORN,
                "practice_library.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for port in ports
    ]
    try:
        for port, process in zip(ports, processes, strict=True):
            _wait_until_up(port, process)
        yield ports
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=20)


def _count(port: int) -> int:
    import json

    status, body = _get(port, SEARCH)
    assert status == 200, body
    return json.loads(body)["count"]


def test_two_processes_agree_see_changes_at_once_and_count_together(two_processes):
    first, second = two_processes
    hub = make_initiative(slug="harbour-hub", title="Harbour hub")

    # Both answer, and both have now cached the answer and its results.
    assert [_count(first), _count(second)] == [1, 1]
    # A copy from one process is current for the other too (both answering
    # for one host, as behind a proxy).
    site = {"Host": "127.0.0.1"}
    copy = {**site, "If-None-Match": _etag(first, SEARCH, **site)}
    assert [_get(port, SEARCH, **copy)[0] for port in (first, second)] == [304, 304]

    withdraw_initiative(hub, actor=make_curator())

    # The withdrawal was made outside both; neither serves its cached copy,
    # nor says that the copy a client holds is still current.
    assert [_count(first), _count(second)] == [0, 0]
    assert _get(second, "/initiatives/harbour-hub/")[0] == 404
    assert [_get(port, SEARCH, **copy)[0] for port in (first, second)] == [200, 200]

    # One partner, limited to three requests a day, whichever process it asks.
    key = PartnerApiKey(partner_name="Essex data team")
    whole = issue_api_key(key)
    header = {"Authorization": f"Api-Key {whole}"}
    statuses = [
        _get(port, "/api/v1/themes/", **header)[0]
        for port in (first, second, first, second)
    ]
    assert statuses == [200, 200, 200, 429]
