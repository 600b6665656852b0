import io
import logging
import re
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
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
    assert record.getMessage().startswith("127.0.0.1 GET /themes/?sort=name 200 ")
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


# -- what reaches the logs: errors with tracebacks, never a secret -------------


@pytest.fixture
def log_output():
    """What the configured handlers write, and everything logged at DEBUG.

    The handlers that LOGGING configures ("requests" on stdout, "stderr" on
    stderr) keep their levels and formats; only their streams are swapped.
    A catch-all handler on every logger records what more verbose settings
    (DJANGO_LOG_LEVEL=DEBUG) would let through.
    """
    configured = {"requests": io.StringIO(), "stderr": io.StringIO()}
    everything = io.StringIO()
    catch_all = logging.StreamHandler(everything)
    catch_all.setFormatter(logging.Formatter("%(name)s %(message)s"))
    loggers = [logging.getLogger()] + [
        logging.getLogger(name) for name in list(logging.root.manager.loggerDict)
    ]
    swapped, levels = [], {}
    for logger in loggers:
        for handler in logger.handlers:
            if handler.name in configured and isinstance(
                handler, logging.StreamHandler
            ):
                swapped.append((handler, handler.setStream(configured[handler.name])))
        levels[logger] = logger.level
        logger.addHandler(catch_all)
        logger.setLevel(min(logger.level or logging.DEBUG, logging.DEBUG))
    yield {"stdout": configured["requests"], "stderr": configured["stderr"]}, everything
    for handler, stream in swapped:
        handler.setStream(stream)
    for logger, level in levels.items():
        logger.removeHandler(catch_all)
        logger.setLevel(level)


def test_errors_reach_stderr_with_a_traceback_and_no_secret_reaches_any_log(
    client, settings, monkeypatch, log_output
):
    from initiatives import views
    from initiatives.models import PartnerApiKey
    from initiatives.services.api_keys import issue_api_key
    from tests.factories import make_publisher

    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 2
    streams, everything = log_output
    wrong_password, password = "W0ng-Pa55word-7f3a", "correct horse battery"
    make_publisher(username="pat")
    whole_key = issue_api_key(PartnerApiKey(partner_name="Essex data team"))
    login = reverse("admin:login")

    for _ in range(3):  # the last is locked out
        client.post(login, {"username": "pat", "password": wrong_password})
    client.post(login, {"username": "sam", "password": wrong_password})
    other = type(client)()
    assert (
        other.post(
            login, {"username": "pat", "password": password}, REMOTE_ADDR="192.0.2.7"
        ).status_code
        == 302
    )
    session_id = other.cookies["sessionid"].value
    other.get(reverse("admin:index"))
    api = reverse("api:initiative-list")
    client.get(api, HTTP_AUTHORIZATION=f"Api-Key {whole_key}")
    client.get(api, HTTP_X_API_KEY=whole_key)
    client.get(api, {"api_key": whole_key, "password": password})
    client.get(api, HTTP_AUTHORIZATION=f"Api-Key {whole_key}x")  # refused

    def fail(*args, **kwargs):
        raise RuntimeError("the home page failed")

    monkeypatch.setattr(views, "published_initiative_count", fail)
    other.raise_request_exception = False
    failed = other.get(
        reverse("initiatives:home") + f"?token={whole_key}",
        HTTP_AUTHORIZATION=f"Api-Key {whole_key}",
    )

    assert failed.status_code == 500
    stderr, stdout = streams["stderr"].getvalue(), streams["stdout"].getvalue()
    assert "ERROR django.request Internal Server Error: /" in stderr
    assert "Traceback (most recent call last)" in stderr
    assert "RuntimeError: the home page failed" in stderr
    assert "GET /?token=%5Bredacted%5D 500 " in stdout
    assert "POST /admin/login/ 429 " in stdout  # axes' lockout, logged
    secrets = [wrong_password, password, whole_key, whole_key.split(".")[1], session_id]
    for text in (stdout, stderr, everything.getvalue()):
        assert text
        for secret in secrets:
            assert secret not in text, secret


# -- no client can forge a log line -----------------------------------------------

# A request line as the log writes one, to be smuggled into another's path.
FORGED = "2026-01-01 00:00:00,000 INFO practice_library.requests GET /admin/ 200 1.0ms"
RECORD_START = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} [A-Z]+ ")


def _records(text: str) -> list[str]:
    """Each record's own line; a traceback's lines are indented below it."""
    lines = text.splitlines()
    assert all(RECORD_START.match(line) or line.startswith("  ") for line in lines)
    return [line for line in lines if RECORD_START.match(line)]


def test_control_characters_in_an_address_cannot_forge_a_log_line(log_output):
    streams, everything = log_output
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    sent = [
        client.get(f"/themes/%0d%0a{quote(FORGED)}"),
        client.get("/themes/nul%00byte/"),
        client.get("/themes/", QUERY_STRING=f"q=%0d%0a{quote(FORGED)}%00&x%0a=1"),
        client.get("/initiatives/%E2%80%AEreversed%C2%85next%E2%80%A8line"),
        # Django's own warning names the path (stderr): a CSRF failure, on
        # the admin's catch-all address (which no line feed can reach).
        client.post(f"/admin/%0d{quote(FORGED)}"),
    ]

    stdout, stderr = streams["stdout"].getvalue(), streams["stderr"].getvalue()
    assert sent[-1].status_code == 403
    requests = _records(stdout)
    assert len(requests) == len(sent)  # one line each, and no other
    assert not any(FORGED in line.partition(" INFO ")[0] for line in requests)
    assert "GET /themes/\\r\\n2026-01-01 00:00:00,000 INFO" in requests[0]
    assert "GET /themes/nul\\x00byte/ 404 " in requests[1]
    assert "q=%0D%0A2026-01-01" in requests[2] and "%00&x%0A=1" in requests[2]
    assert "/initiatives/\\u202ereversed\\x85next\\u2028line " in requests[3]
    (warning,) = [line for line in _records(stderr) if "csrf" in line]
    assert "Forbidden (CSRF cookie not set.): /admin/\\r2026-01-01" in warning
    for text in (stdout, stderr):
        assert not set(text) & {"\x00", "\r", "\x85", "\u2028", "\u202e"}


def test_a_traceback_stays_below_its_record(client, monkeypatch, log_output):
    from initiatives import views

    streams, _ = log_output

    def fail(*args, **kwargs):
        raise RuntimeError(f"bad input\n{FORGED}\x00")

    monkeypatch.setattr(views, "published_initiative_count", fail)
    client.raise_request_exception = False
    client.get("/")

    stderr = streams["stderr"].getvalue()
    (record,) = _records(stderr)
    assert record.endswith("ERROR django.request Internal Server Error: /")
    assert f"\n  {FORGED}\\x00" in stderr  # indented: not a record of its own
