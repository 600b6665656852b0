"""Shared test set-up: fast settings, environment gates, shared fixtures.

Tests marked ``postgresql`` need PostgreSQL features (full-text search, the
search trigger, trigram similarity); tests marked ``browser`` drive Debian's
Chromium with Playwright; tests marked ``redis`` need ``redis-server`` (to
start servers of their own) and a Redis answering at ``REDIS_TEST_URL``
(database 3 of the local Redis unless set, and 11 for a second
pytest-xdist worker; tests empty those databases only).
Where one is missing its tests are skipped, and the run ends with a loud
list of what was skipped. CI sets REQUIRE_POSTGRESQL, REQUIRE_BROWSER and
REQUIRE_REDIS to true, which turns every such skip into a failure.
"""

import io
import os
import shutil

import pytest
import redis
from django.conf import settings
from django.core.management import call_command

CHROMIUM = "/usr/bin/chromium"


def _redis_test_url() -> str:
    """``REDIS_TEST_URL`` (database 3 of the local Redis unless set); under
    pytest-xdist the second worker takes the database 8 along (11 for 3), so
    workers never empty each other's, nor a neighbour run's next database."""
    url = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/3")
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    base, _, database = url.rpartition("/")
    return f"{base}/{(int(database or 0) + 8 * worker) % 16}"


REDIS_TEST_URL = _redis_test_url()
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _required(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes"}


def _redis_available() -> bool:
    if shutil.which("redis-server") is None:
        return False
    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False
    return True


def _gates():
    """(marker, is it available, flag that requires it, reason when missing)."""
    return [
        (
            "postgresql",
            lambda: settings.USES_POSTGRESQL,
            "REQUIRE_POSTGRESQL",
            "needs PostgreSQL: set DATABASE_URL or start a server on 127.0.0.1:5432",
        ),
        (
            "browser",
            lambda: shutil.which(CHROMIUM) is not None,
            "REQUIRE_BROWSER",
            f"needs Chromium at {CHROMIUM}: apt-get install -y chromium",
        ),
        (
            "redis",
            _redis_available,
            "REQUIRE_REDIS",
            f"needs redis-server and a Redis at {REDIS_TEST_URL}: "
            "apt-get install -y redis-server",
        ),
    ]


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    """Refuse to start (before pytest-xdist starts its workers) when an
    environment that is required is missing."""
    for marker, available, flag, reason in _gates():
        if _required(flag) and not available():
            raise pytest.UsageError(
                f"{flag} is set, but the {marker} tests cannot run: {reason}."
            )


def pytest_collection_modifyitems(config, items):
    for marker, available, _flag, reason in _gates():
        gated = [item for item in items if marker in item.keywords]
        if not gated or available():
            continue
        for item in gated:
            item.add_marker(pytest.mark.skip(reason=f"[{marker}] {reason}"))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """List, loudly, every test skipped for a missing environment. Read from
    the skip reports, so that it works when pytest-xdist's workers skipped them."""
    skipped: dict[str, list[str]] = {}
    for report in terminalreporter.stats.get("skipped", []):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
        for marker in ("postgresql", "browser", "redis"):
            if f"[{marker}] " in reason:
                skipped.setdefault(marker, []).append(report.nodeid)
    if not skipped:
        return
    terminalreporter.section("SKIPPED: environment missing", sep="!", red=True)
    for marker, names in skipped.items():
        terminalreporter.write_line(
            f"{len(names)} {marker} tests were skipped "
            f"(set REQUIRE_{marker.upper()}=true to make this an error):",
            red=True,
        )
        for name in names:
            terminalreporter.write_line(f"  {name}")


@pytest.fixture(autouse=True)
def _fast_and_plain_settings(settings):
    # One process: the content version it caches cannot go stale unseen.
    settings.CONTENT_VERSION_SECONDS = None
    # MD5 is insecure but fast: fine for throwaway test users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # live_server serves /static/ through the finders, which do not know the
    # hashed names of the manifest storage.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture(autouse=True)
def _no_login_lockout(settings):
    # django-axes needs the request to authenticate, which Client.login()
    # does not pass; tests of the lockout itself switch it back on.
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def _content_version_shared_at_once(monkeypatch):
    """Share a new content version as soon as it is bumped.

    In production the shared cache learns the new version when the writing
    transaction commits. A test runs inside a transaction that never commits,
    so without this the cache would keep the old version and serve results
    cached before the test's own writes.
    """
    from django.db import transaction

    from initiatives.services import content_version

    class CommitsAtOnce:
        atomic = staticmethod(transaction.atomic)

        @staticmethod
        def on_commit(func, using=None, robust=False):
            func()

    monkeypatch.setattr(content_version, "transaction", CommitsAtOnce)


@pytest.fixture
def throttle_rates(settings):
    """Set some API throttle rates, keeping every other scope's rate."""

    def set_rates(**rates: str) -> None:
        current = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**current, **rates},
        }

    return set_rates


@pytest.fixture
def no_rate_limits(settings, throttle_rates):
    """Lift every rate limit, for tests that send many requests."""
    throttle_rates(
        **dict.fromkeys(
            settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "100000/minute"
        )
    )
    settings.SUGGESTION_RATE_LIMIT = 100000
    settings.PROBLEM_REPORT_RATE_LIMIT = 100000
    settings.DOWNLOAD_RATE = "100000/minute"


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def small_library():
    """The small library of ``tests.factories.build_small_library``, by slug."""
    from tests.factories import build_small_library

    return build_small_library()


@pytest.fixture
def redis_cache(settings):
    """The production cache class on the test Redis (``REDIS_TEST_URL``),
    emptied before and after; its URL is returned. Tests using it are
    marked ``redis``."""
    from django.core.cache import cache

    from practice_library.settings import redis_cache as cache_settings

    settings.CACHES = {"default": cache_settings(REDIS_TEST_URL)}
    cache.clear()  # FLUSHDB of the test database only
    yield REDIS_TEST_URL
    cache.clear()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; never a downloaded browser."""
    # Playwright's sync API runs an event loop in this thread; Django's ORM
    # calls from the test body are still synchronous and safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS
        )
        yield chromium
        chromium.close()


def _remove_library_content() -> None:
    """Empty every table of the library (versions and link tables included)
    at once, as ``manage.py flush`` would, keeping the site's own rows (the
    content version, partners' keys) and everything outside the library."""
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection

    from initiatives.models import ContentVersion, PartnerApiKey

    kept = {ContentVersion, PartnerApiKey}
    tables = [
        model._meta.db_table
        for label in ("initiatives", "themes")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if model not in kept
    ]
    statements = connection.ops.sql_flush(no_style(), tables, allow_cascade=True)
    connection.ops.execute_sql_flush(statements)


def _library_for_a_class(django_db_blocker, *only: str):
    with django_db_blocker.unblock():
        _remove_library_content()
        call_command(
            "load_seed_content",
            *(f"--only={name}" for name in only),
            stdout=io.StringIO(),
        )
    yield
    with django_db_blocker.unblock():
        _remove_library_content()


@pytest.fixture(scope="class")
def seeded_library(django_db_setup, django_db_blocker):
    """The starting set of the curated content (``STARTER_CONTENT``: the 43
    areas, the themes and target groups, the 2015 briefing and its seven
    initiatives), committed once for a class of tests.

    Loading takes about a second, too long to repeat for every test that
    reads it. Each test still runs in a transaction that is rolled back, so it
    may change the content; the class's teardown removes what was loaded.
    Use it only on classes whose tests need no other library rows that could
    clash with its slugs.
    """
    from tests.factories import STARTER_CONTENT

    yield from _library_for_a_class(django_db_blocker, *STARTER_CONTENT)


@pytest.fixture(scope="class")
def curated_library(django_db_setup, django_db_blocker):
    """The whole curated library from the content files, committed once for a
    class of tests (several seconds: keep to the tests that need all of it)."""
    yield from _library_for_a_class(django_db_blocker)


@pytest.fixture(scope="session", autouse=True)
def migrated_rows_restored_at_end(django_db_setup, django_db_blocker):
    """Put back, when the session ends, the rows that migrations made.

    A test with ``transaction=True`` ends by emptying every table, which loses
    rows that data migrations made (the curators group, for one); a reused
    test database (``--reuse-db``) would start the next run without them.
    Django's ``serialized_rollback`` cannot help under Playwright, whose event
    loop gives the test a different connection object from the one that holds
    the serialized rows. pytest-django runs transactional tests after all the
    others, so within a run the rows are there for every test that needs them.
    """
    from django.db import connection

    with django_db_blocker.unblock():
        rows = connection.creation.serialize_db_to_string()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
        connection.creation.deserialize_db_from_string(rows)
