"""Two sites sharing one Redis database never read each other's cache."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from practice_library.cache import ResilientRedisCache
from practice_library.settings import cache_key_prefix, redis_cache
from tests.conftest import REDIS_TEST_URL

ROOT = Path(__file__).resolve().parents[2]
POSTGRESQL = "django.db.backends.postgresql"


def _database(**overrides) -> dict:
    database = {"ENGINE": POSTGRESQL, "HOST": "db1", "PORT": 5432, "NAME": "library"}
    return database | overrides


@pytest.mark.parametrize(
    "other",
    [
        {"NAME": "library_staging"},
        {"HOST": "db2"},
        {"PORT": 5433},
        {"ENGINE": "django.db.backends.sqlite3"},
    ],
)
def test_another_database_gives_another_prefix(other, monkeypatch):
    monkeypatch.delenv("CACHE_KEY_PREFIX", raising=False)

    assert cache_key_prefix(_database()) != cache_key_prefix(_database(**other))
    assert cache_key_prefix(_database()) == cache_key_prefix(_database())
    # The site's own cache: the prefix of the database it runs on.
    assert redis_cache("redis://r/0")["KEY_PREFIX"] == cache_key_prefix(
        settings.DATABASES["default"]
    )


def test_an_explicit_prefix_wins(monkeypatch):
    monkeypatch.setenv("CACHE_KEY_PREFIX", "library-production")

    assert cache_key_prefix(_database()) == "library-production"
    assert cache_key_prefix(_database(HOST="db2")) == "library-production"


def test_a_prefix_with_spaces_stops_the_site(monkeypatch):
    monkeypatch.setenv("CACHE_KEY_PREFIX", "my library")

    with pytest.raises(ImproperlyConfigured, match="CACHE_KEY_PREFIX"):
        cache_key_prefix(_database())


def _started_prefix(**environment: str) -> str:
    """The cache key prefix of a site started with this environment."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "REDIS_", "CACHE_", "DATABASE_"))
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.CACHES['default']['KEY_PREFIX'])",
        ],
        cwd=ROOT,
        env=inherited
        | {
            "DJANGO_SETTINGS_MODULE": "practice_library.settings",
            "DJANGO_DEBUG": "true",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
        }
        | environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_two_sites_on_two_databases_start_with_two_prefixes():
    production = _started_prefix(DATABASE_URL="postgres://u@db1:5432/library")
    staging = _started_prefix(DATABASE_URL="postgres://u@db1:5432/library_staging")
    again = _started_prefix(DATABASE_URL="postgres://u@db1:5432/library")
    chosen = _started_prefix(
        DATABASE_URL="postgres://u@db1:5432/library", CACHE_KEY_PREFIX="site-a"
    )

    assert production.startswith("practice-library:")
    assert production != staging
    assert production == again
    assert chosen == "site-a"


@pytest.mark.redis
def test_two_sites_on_one_redis_database_do_not_share_answers(monkeypatch):
    monkeypatch.delenv("CACHE_KEY_PREFIX", raising=False)

    def site(name: str) -> ResilientRedisCache:
        params = redis_cache(REDIS_TEST_URL, cache_key_prefix(_database(NAME=name)))
        return ResilientRedisCache(REDIS_TEST_URL, params)

    production, staging = site("library"), site("library_staging")
    try:
        production.set("answer:home", "production's page")

        assert staging.get("answer:home") is None
        assert site("library").get("answer:home") == "production's page"
    finally:
        production.delete("answer:home")
