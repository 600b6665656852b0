"""DJANGO_ENV=production: HTTPS-only settings, and no start with unsafe ones.

Each case starts a fresh process, as a server would, since settings are read
once at start-up.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = secrets.token_urlsafe(50)
IN_MEMORY = "sqlite://:memory:"


def _run(environment: dict[str, str], *arguments: str) -> subprocess.CompletedProcess:
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "REDIS_"))
    }
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=ROOT,
        env=inherited
        | {"DJANGO_SETTINGS_MODULE": "practice_library.settings"}
        | environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _production(**overrides: str) -> dict[str, str]:
    # The migrated test database: the deploy check builds the API schema,
    # which reads the vocabularies.
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    environment = {
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": GOOD_KEY,
        "DJANGO_ALLOWED_HOSTS": "library.example.org",
        "DATABASE_URL": url if settings.USES_POSTGRESQL else "",
        # Not connected to by the checks; production shares one cache.
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "DJANGO_ADMIN_URL": "curation-7x2k/",
    }
    return environment | overrides


@pytest.mark.postgresql
@pytest.mark.django_db
def test_the_deploy_check_reports_nothing_in_production():
    result = _run(
        _production(), "manage.py", "check", "--deploy", "--fail-level", "DEBUG"
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.postgresql
@pytest.mark.django_db
def test_the_deploy_check_asks_for_a_shared_cache():
    result = _run(
        _production(REDIS_URL=""), "manage.py", "check", "--deploy",
        "--fail-level", "WARNING",
    )  # fmt: skip

    assert result.returncode == 1
    assert "practice_library.W001" in result.stderr
    assert "REDIS_URL is not set" in result.stderr


@pytest.mark.postgresql
@pytest.mark.django_db
def test_the_deploy_check_warns_of_the_default_admin_address():
    result = _run(
        _production(DJANGO_ADMIN_URL="admin/"), "manage.py", "check", "--deploy",
        "--fail-level", "WARNING",
    )  # fmt: skip

    assert result.returncode == 1
    assert "practice_library.W002" in result.stderr
    assert "The admin is at the default address, /admin/." in result.stderr
    assert "DJANGO_ADMIN_URL" in result.stderr


# What a request sees in production: run in a fresh process, through Django's
# test client, on addresses that need neither the database nor collected
# static files.
PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="library.example.org")
plain = client.get("/robots.txt")
behind_proxy = client.get("/robots.txt", HTTP_X_FORWARDED_PROTO="https")
health = client.get("/healthz")
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "proxied": behind_proxy.status_code,
    "hsts": behind_proxy.get("Strict-Transport-Security"),
    "csp": behind_proxy.get("Content-Security-Policy"),
    "health_redirected": health.status_code in (301, 302),
    "cookies": {
        name: [settings.SESSION_COOKIE_NAME if name == "session" else settings.CSRF_COOKIE_NAME, secure, httponly]
        for name, secure, httponly in [
            ("session", settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY),
            ("csrf", settings.CSRF_COOKIE_SECURE, settings.CSRF_COOKIE_HTTPONLY),
        ]
    },
    "proxy_header": settings.SECURE_PROXY_SSL_HEADER,
}))
"""


def test_production_serves_https_only_with_hsts_and_secure_cookies():
    result = _run(_production(DATABASE_URL=IN_MEMORY), "-c", PROBE)

    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["plain"] == [301, "https://library.example.org/robots.txt"]
    assert seen["proxied"] == 200
    assert seen["hsts"] == "max-age=31536000; includeSubDomains"
    assert "upgrade-insecure-requests" in seen["csp"]
    assert not seen["health_redirected"]  # load balancers probe over HTTP
    assert seen["cookies"] == {
        "session": ["__Host-sessionid", True, True],
        "csrf": ["__Host-csrftoken", True, True],
    }
    assert seen["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_hsts_preload_and_subdomains_are_choices():
    result = _run(
        _production(
            DATABASE_URL=IN_MEMORY,
            DJANGO_HSTS_PRELOAD="true",
            DJANGO_HSTS_INCLUDE_SUBDOMAINS="true",
            DJANGO_HSTS_SECONDS="63072000",
        ),
        "-c",
        "import django; django.setup(); from django.test import Client; "
        "print(Client().get('/robots.txt', HTTP_HOST='library.example.org', "
        "HTTP_X_FORWARDED_PROTO='https')['Strict-Transport-Security'])",
    )

    assert (
        result.stdout.splitlines()[-1] == "max-age=63072000; includeSubDomains; preload"
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"DJANGO_SECRET_KEY": ""}, "needs DJANGO_SECRET_KEY"),
        (
            {"DJANGO_SECRET_KEY": "insecure-development-key-never-use-in-production"},
            "needs DJANGO_SECRET_KEY",
        ),
        (
            {"DJANGO_SECRET_KEY": "tests-only-secret-key-not-for-any-real-site"},
            "needs DJANGO_SECRET_KEY",
        ),
        ({"DJANGO_SECRET_KEY": "short-but-random-Xk2"}, "needs DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "ab" * 40}, "needs DJANGO_SECRET_KEY"),
        ({"DJANGO_ALLOWED_HOSTS": ""}, "needs DJANGO_ALLOWED_HOSTS"),
        ({"DJANGO_DEBUG": "true"}, "DJANGO_DEBUG=true is for development only"),
        ({"DJANGO_ENV": "prod"}, "DJANGO_ENV must be 'development' or 'production'"),
    ],
    ids=[
        "no key",
        "development key",
        "tests key",
        "short key",
        "repetitive key",
        "no hosts",
        "debug",
        "unknown mode",
    ],
)
def test_production_refuses_to_start_with_unsafe_settings(overrides, message):
    result = _run(
        _production(DATABASE_URL=IN_MEMORY, **overrides), "manage.py", "check"
    )

    assert result.returncode != 0
    assert message in result.stderr
    assert GOOD_KEY not in result.stderr


def test_development_mode_still_starts_without_production_settings():
    result = _run(
        {"DJANGO_DEBUG": "true", "DATABASE_URL": IN_MEMORY},
        "-c",
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps([settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS, "
        "settings.SESSION_COOKIE_SECURE]))",
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [False, 0, False]
