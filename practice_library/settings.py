"""Settings for the practice library.

One file for every machine: what differs between machines comes from the
environment (see README, "Configuration"). Each variable is read through a
small helper that refuses values it does not understand, so a typo stops the
site at start-up instead of changing its behaviour quietly.
"""

import hashlib
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name).lower()
    if not value:
        return default
    if value in {"true", "1", "yes", "on"}:
        return True
    if value in {"false", "0", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 'true' or 'false', not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a whole number, not {value!r}."
        ) from None


def env_float(name: str, default: float) -> float:
    value = env_str(name)
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_url_path(name: str, default: str) -> str:
    """A relative URL path such as 'admin/': segments each ending with '/'."""
    value = env_str(name) or default
    if not re.fullmatch(r"([A-Za-z0-9_-]+/)+", value):
        raise ImproperlyConfigured(
            f"{name} must be a path such as 'admin/' or 'curation-7x2k/': "
            f"letters, digits, '-' and '_', ending with '/', not {value!r}."
        )
    return value


DEBUG = env_bool("DJANGO_DEBUG", False)
# DJANGO_ENV=production turns on the HTTPS-only settings ("Deploying
# securely", at the end; README "Production mode") and refuses to start with
# unsafe ones.
DJANGO_ENV = env_str("DJANGO_ENV", "development").lower()
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"DJANGO_ENV must be 'development' or 'production', not {DJANGO_ENV!r}."
    )
PRODUCTION = DJANGO_ENV == "production"
DEVELOPMENT_SECRET_KEY = "insecure-development-key-never-use-in-production"

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY and not PRODUCTION:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY (a long random string), or DJANGO_DEBUG=true "
            "for local development."
        )
    SECRET_KEY = DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else []
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "rest_framework",
    "corsheaders",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "import_export",
    "axes",
    "csp",
    "practice_library",
    "themes",
    "initiatives",
]

MIDDLEWARE = [
    "practice_library.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Inside CSPMiddleware: it adjusts the policy before that writes it.
    "practice_library.security.SecurityHeadersMiddleware",
    # Above ApiErrorMiddleware, so the API's rewritten errors get it too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above every middleware that changes an answer's body: it compresses
    # the final one (API data and downloads only; see its module).
    "practice_library.compression.DataGZipMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "practice_library.throttles.RateLimitHeadersMiddleware",
    "practice_library.api_errors.ApiErrorMiddleware",
    "practice_library.outage.DatabaseOutageMiddleware",
    # Before everything that costs: it answers most API 304s on its own.
    "practice_library.viewsets.NotModifiedMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check: a method an address does not take is a 405.
    "practice_library.methods.MethodNotAllowedMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication: its answer is an admin page for the user signed in.
    "practice_library.admin_input.AdminNullCharacterMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into a 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "practice_library.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "initiatives.context_processors.demo_data",
            ],
        },
    },
]

WSGI_APPLICATION = "practice_library.wsgi.application"

# Unset DATABASE_URL means the embedded SQLite file, for `make run`.
# Production, CI and the full test suite use PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
USES_POSTGRESQL = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def cache_key_prefix(database: Mapping[str, Any]) -> str:
    """The prefix of every cache key: ``CACHE_KEY_PREFIX`` when set, else one
    derived from the database's identity (engine, host, port and name).

    Two sites sharing one Redis database (staging beside production, two
    libraries on one host) then never read each other's cached answers,
    content version or rate-limit counts, while every process of one site,
    which shares its database, shares its cache too.
    """
    explicit = env_str("CACHE_KEY_PREFIX")
    if explicit:
        if not re.fullmatch(r"[A-Za-z0-9_.:-]+", explicit):
            raise ImproperlyConfigured(
                "CACHE_KEY_PREFIX may hold letters, digits, '-', '_', '.' and "
                f"':' only, not {explicit!r}."
            )
        return explicit
    identity = "\n".join(
        str(database.get(part) or "") for part in ("ENGINE", "HOST", "PORT", "NAME")
    )
    return f"practice-library:{hashlib.sha256(identity.encode()).hexdigest()[:16]}"


def redis_cache(location: str, key_prefix: str | None = None) -> dict:
    """The cache settings for a Redis server at ``location``; the key prefix
    comes from the database in use (``cache_key_prefix``) unless given."""
    return {
        # Django's RedisCache, but an unreachable Redis is a cache miss,
        # not an error (see practice_library/cache.py).
        "BACKEND": "practice_library.cache.ResilientRedisCache",
        "LOCATION": location,
        # Read when called: a test run's database is renamed after start-up.
        "KEY_PREFIX": key_prefix or cache_key_prefix(DATABASES["default"]),
        "OPTIONS": {
            "socket_connect_timeout": env_float("REDIS_TIMEOUT", 0.5),
            "socket_timeout": env_float("REDIS_TIMEOUT", 0.5),
        },
    }


REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL)}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "practice-library",
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where `collectstatic` gathers the static files that whitenoise serves.
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# The public name and address the site uses in citations, feeds and the API
# when it has no request to ask (commands, e-mails).
SITE_NAME = "PCC Early Intervention Practice Library"

# --- Logging ---
# One line per request on stdout (practice_library.request_log); warnings and
# errors, with tracebacks, on stderr. 4xx answers are already in the request
# line, so Django's own per-request warnings are left out.
LOG_LEVEL = env_str("DJANGO_LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        # One line per record, control characters escaped, so no client can
        # forge a line (practice_library.log_lines); tracebacks are indented.
        "line": {
            "class": "practice_library.log_lines.OneLineFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
        "message": {
            "class": "practice_library.log_lines.OneLineFormatter",
            "format": "%(message)s",
        },
    },
    "filters": {"debug": {"()": "django.utils.log.RequireDebugTrue"}},
    "handlers": {
        # Django's own console output with DJANGO_DEBUG=true (runserver's
        # messages among them), escaped like the rest.
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["debug"],
            "formatter": "message",
            "level": "INFO",
        },
        "requests": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "line",
        },
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "line",
            "level": "WARNING",
        },
    },
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        "practice_library.requests": {
            "handlers": ["requests"],
            "level": LOG_LEVEL,
            "propagate": False,
        },
        "django.request": {
            "handlers": ["stderr"],
            "level": "ERROR",
            "propagate": False,
        },
        "django": {"handlers": ["console"], "level": "INFO"},
        "django.server": {"handlers": [], "level": "ERROR", "propagate": False},
    },
}

# --- REST API ---
# Rates are "<requests>/<second|minute|hour|day>" (or s, m, h, d).
_RATE = re.compile(r"\d+/(s|second|m|minute|h|hour|d|day)")


def env_rate(name: str, default: str) -> str:
    value = env_str(name) or default
    if not _RATE.fullmatch(value):
        raise ImproperlyConfigured(
            f"{name} must look like '60/minute' (per second, minute, hour or "
            f"day), not {value!r}."
        )
    return value


# How many reverse proxies in front of the app append the address they saw
# to X-Forwarded-For. 0: the app faces clients, X-Forwarded-For is ignored and
# each client is its REMOTE_ADDR. The sign-in lock-out, every rate limit and
# the request log take the address from practice_library.client_address.
# (API_TRUSTED_PROXIES is its former name, still read.)
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", env_int("API_TRUSTED_PROXIES", 0))
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "initiatives.authentication.ApiKeyAuthentication"
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # Lists are filtered by their view's filterset_class (django-filter).
    "DEFAULT_FILTER_BACKENDS": ["practice_library.filters.FilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": [
        "practice_library.throttles.AnonymousRateThrottle",
        "practice_library.throttles.KeyRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anonymous": env_rate("API_ANONYMOUS_RATE", "60/minute"),
        "partner": env_rate("API_PARTNER_RATE", "600/minute"),
        "partner-suggestions": env_rate("API_PARTNER_SUGGESTION_RATE", "30/hour"),
    },
    # The throttles count per practice_library.client_address; DRF's own
    # idea of the address agrees with it.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["practice_library.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "practice_library.openapi.ApiSchema",
    "EXCEPTION_HANDLER": "practice_library.api_errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# The longest query string the API reads; longer is its JSON 400. Below
# gunicorn's limit_request_line (gunicorn.conf.py), which would answer 414.
API_MAX_QUERY_LENGTH = env_int("API_MAX_QUERY_LENGTH", 6000)
# Seconds that browsers and proxies may reuse a public answer without asking.
PUBLIC_CACHE_MAX_AGE = env_int("PUBLIC_CACHE_MAX_AGE", 60)

# The licence of the published data: the convention for UK public-sector
# data. Stated in the schema, on /api/, in README and in a Link header.
DATA_LICENCE = {
    "name": "Open Government Licence v3.0",
    "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
}

SPECTACULAR_SETTINGS = {
    "LICENSE": DATA_LICENCE,
    "TITLE": "PCC early intervention practice library API",
    "DESCRIPTION": (
        "Read access to the published entries of the library: initiatives, "
        "police force areas, themes, briefings, organisations and target groups. "
        "How to page, filter, use facets, sync with updated_since, cite the "
        "library and the terms of use: see /api/. Partners with a key may also "
        "suggest initiatives, which curators review before anything is published. "
        "Keep a mirror exact with the changes feed (/api/v1/changes/); the whole "
        "library is also a bulk download (/downloads/initiatives.jsonl and "
        "/downloads/initiatives.csv). The data is published under the Open "
        "Government Licence v3.0."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "practice_library.openapi.add_response_headers",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No call to the public validator service: the docs page stays on this host.
    # No deep links: Swagger UI puts each as a small link inside the button
    # that opens an operation (WCAG nested controls, 24-pixel targets).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "validatorUrl": None},
    "ENUM_NAME_OVERRIDES": {
        "InitiativeStatusEnum": "initiatives.models.Initiative.Status",
        "EvidenceStageEnum": "initiatives.models.Initiative.EvidenceStage",
        "EvidenceOutcomeEnum": "initiatives.models.Initiative.EvidenceOutcome",
        "NationEnum": "initiatives.models.Nation",
        "RegionEnum": "initiatives.models.Region",
        "OrganisationKindEnum": "initiatives.models.OrganisationKind",
        "OrganisationRoleEnum": "initiatives.models.InitiativeOrganisation.Role",
        "GovernanceKindEnum": "initiatives.models.GovernanceKind",
        "ToolkitEnum": "initiatives.models.ToolkitLink.Toolkit",
        "SourceKindEnum": "initiatives.models.Source.Kind",
    },
}

# Any site may read the API from a browser; nothing else is shared.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = [
    "accept",
    "authorization",
    "if-modified-since",
    "if-none-match",
    "x-api-key",
]
CORS_EXPOSE_HEADERS = [
    "ETag",
    "Last-Modified",
    "Link",
    "Retry-After",
    "X-Total-Count",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
]

# --- Public pages ---
# An e-mail address the accessibility statement gives, beside the
# report-a-problem form (/report-a-problem/), for reporting problems.
LIBRARY_CONTACT_EMAIL = env_str("LIBRARY_CONTACT_EMAIL")
# Synthetic demo data (generate_demo_data) is left out of lists, counts, maps,
# feeds and the sitemap unless a visitor asks (?include_demo=true) or the site
# shows it by default (the benchmark does).
LIBRARY_INCLUDE_DEMO = env_bool("LIBRARY_INCLUDE_DEMO", False)

# --- Curation ---
# Importing needs the right to add, exporting the right to view.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True
# Exports never carry a live formula: the admin's export formats are those of
# practice_library.spreadsheets, which keep every value and make it text.
# django-import-export's own escaping is off, as it deletes a leading "=".
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False

# Suggestions from the field: at most this many from one address an hour,
# and a form sent faster than SUGGESTION_MIN_SECONDS after it was shown is
# taken for a robot's.
SUGGESTION_RATE_LIMIT = env_int("SUGGESTION_RATE_LIMIT", 5)
SUGGESTION_RATE_WINDOW = 60 * 60
SUGGESTION_MIN_SECONDS = 3
# Problems reported with the website (/report-a-problem/), limited the same way.
PROBLEM_REPORT_RATE_LIMIT = env_int("PROBLEM_REPORT_RATE_LIMIT", 5)
PROBLEM_REPORT_RATE_WINDOW = 60 * 60
PROBLEM_REPORT_MIN_SECONDS = 3

# Admin security. The admin lives at DJANGO_ADMIN_URL (default "admin/"); an
# address that is not guessable keeps most password-guessing robots away.
ADMIN_URL = env_url_path("DJANGO_ADMIN_URL", "admin/")
# django-axes locks a user name out from an address after repeated failed
# sign-ins, for AXES_COOLOFF_TIME hours; a site administrator can unlock it
# earlier in the admin ("Access attempts") or with `manage.py axes_reset`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("DJANGO_ADMIN_LOGIN_ATTEMPTS", 5)
AXES_COOLOFF_TIME = 1
# A user name is locked out from one address, never everywhere: behind the
# proxy, the address is the client's (TRUSTED_PROXY_COUNT), not the proxy's.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "practice_library.client_address.client_address"
AXES_RESET_ON_SUCCESS = True
# The user name as typed, cut to fit django-axes' column (a 500 otherwise).
AXES_USERNAME_CALLABLE = "practice_library.admin_input.lockout_username"
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# Sessions end when the browser closes, and after 8 hours in any case.
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Deploying securely ---
# Every mode: a strict Content Security Policy (django-csp) and the other
# security headers. practice_library.security adds Permissions-Policy and
# widens the policy, by hashes, for the few inline bits of the admin, the API
# docs and the browsable API; nothing on the public pages is inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "upgrade-insecure-requests": PRODUCTION,
    }
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), payment=(), usb=()"
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# No script reads the CSRF cookie: forms carry the token.
CSRF_COOKIE_HTTPONLY = True

# A request that finds the database down gets a 503 at once (practice_library
# .outage); connecting gives up after DJANGO_DB_CONNECT_TIMEOUT seconds rather
# than hanging. Kept connections are checked before reuse (conn_health_checks
# above), so the app recovers by itself when the database is back.
if USES_POSTGRESQL:
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DJANGO_DB_CONNECT_TIMEOUT", 5)
    )
    # Settings for a web workload, on every connection the app opens, so that
    # the figures in README "Performance" hold on a PostgreSQL with its
    # defaults (issue 16):
    # - jit=off: JIT compiles a plan for a few hundred ms of expected work,
    #   which costs far more than it saves in queries of a few milliseconds;
    # - random_page_cost=1.1: the library is read from memory or SSD, not
    #   spinning disks (the default 4). With 4, the planner prefers reading
    #   every row to the full-text GIN index, and every row means every
    #   search vector, most of them stored out of line (TOAST);
    # - max_parallel_workers_per_gather=0: a search's count and page took
    #   two to three times as long with a parallel worker (20 ms against 7
    #   for the count of "mental health" at 10,000 entries), starting a
    #   process per query; many requests at once already use every core.
    DATABASES["default"]["OPTIONS"].setdefault(
        "options",
        "-c jit=off -c random_page_cost=1.1 -c max_parallel_workers_per_gather=0",
    )
# Seconds a client is told to wait (Retry-After) while the database is down.
DATABASE_RETRY_AFTER = 10

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_DEBUG=true is for development only: it shows tracebacks and "
            "settings to anyone. Unset it when DJANGO_ENV=production."
        )
    if (
        len(SECRET_KEY) < 50
        or len(set(SECRET_KEY)) < 5
        or SECRET_KEY == DEVELOPMENT_SECRET_KEY
        or SECRET_KEY.startswith(("django-insecure", "tests-only"))
    ):
        raise ImproperlyConfigured(
            "DJANGO_ENV=production needs DJANGO_SECRET_KEY set to a long random "
            "string (50 characters or more, never a default or example key), "
            "e.g. the output of: python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'"
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "DJANGO_ENV=production needs DJANGO_ALLOWED_HOSTS: the host names "
            "the site answers to, comma-separated (e.g. library.example.org)."
        )
    # HTTPS only. The proxy in front terminates TLS and must set (not pass
    # through) X-Forwarded-Proto; /healthz stays reachable over plain HTTP
    # for load balancers.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 365 * 24 * 60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # "__Host-" cookies are HTTPS-only, for this host alone and all its paths:
    # a neighbouring subdomain cannot set or overwrite them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    # The two HSTS options are deliberate, documented choices (README,
    # "Deploying", "Production mode"); check --deploy need not repeat them.
    SILENCED_SYSTEM_CHECKS = [
        *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
        *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
    ]

# --- Performance ---
# The result cache (practice_library.result_cache) keeps search results and facet
# counts, keyed on the content version, for RESULT_CACHE_SECONDS; RESULT_CACHE
# =off switches it off (the benchmark measures both). With several processes
# it needs REDIS_URL, or each process would keep a cache of its own.
RESULT_CACHE = env_bool("RESULT_CACHE", True)
RESULT_CACHE_SECONDS = env_int("RESULT_CACHE_SECONDS", 3600) if RESULT_CACHE else 0
# Without REDIS_URL each process has a cache of its own and cannot hear of
# another process's changes, so it re-reads the content version from the
# database after this many seconds. Redis shares a new version at once.
SHARED_CACHE = bool(REDIS_URL)
CONTENT_VERSION_SECONDS = None if SHARED_CACHE else 2
# Reads the stored content version (practice_library.content_version).
CONTENT_VERSION_SOURCE = "initiatives.selectors.stored_content_version"

# --- Downloads ---
# The whole library as files (initiatives.downloads): built into
# DOWNLOADS_ROOT after public changes commit, once changes have stopped for
# DOWNLOADS_BUILD_DELAY seconds, and by `manage.py build_downloads`. Every
# app server must see the same folder (or run the command itself).
DOWNLOADS_ROOT = Path(env_str("DOWNLOADS_ROOT") or BASE_DIR / "downloads")
# The site's public address (scheme and host, e.g. https://library.example.org):
# the files are built without a request, so their rows carry each entry's
# full page address only when this is set, and its path otherwise.
SITE_URL = env_str("DJANGO_SITE_URL").rstrip("/")
DOWNLOADS_BUILD_AFTER_CHANGES = env_bool("DOWNLOADS_BUILD_AFTER_CHANGES", True)
DOWNLOADS_BUILD_DELAY = env_float("DOWNLOADS_BUILD_DELAY", 10)
# Downloads made on demand (filtered, or while the files are being rebuilt):
# at most DOWNLOAD_RATE per address, DOWNLOAD_CONCURRENCY at once across all
# processes (practice_library.download_limits). A running download holds its
# place for DOWNLOAD_SLOT_SECONDS at most: keep it at gunicorn's --timeout.
DOWNLOAD_RATE = env_rate("DOWNLOAD_RATE", "10/minute")
DOWNLOAD_CONCURRENCY = env_int("DOWNLOAD_CONCURRENCY", 2)
if DOWNLOAD_CONCURRENCY < 1:
    raise ImproperlyConfigured("DOWNLOAD_CONCURRENCY must be 1 or more.")
DOWNLOAD_SLOT_SECONDS = env_int("DOWNLOAD_SLOT_SECONDS", 300)
# Seconds a client is told to wait when every download place is taken.
DOWNLOAD_RETRY_AFTER = 10

# --- Read replica ---
# With DATABASE_REPLICA_URL, public GET and HEAD requests read from a replica
# (practice_library.replica); writes, the admin and API key checks use the
# primary. Unset: one database for everything.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
READ_REPLICA = bool(DATABASE_REPLICA_URL)
# Models whose reads must see the primary's latest state: a revoked key is
# refused at once, however far the replica lags.
READ_REPLICA_PRIMARY_ONLY = {"initiatives.partnerapikey"}
if READ_REPLICA:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["practice_library.replica.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.common.CommonMiddleware"),
        "practice_library.replica.PublicReadsToReplicaMiddleware",
    )
