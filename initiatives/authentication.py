"""Who is calling the API, and how often they may: partner keys and rate limits.

A partner sends its key as ``Authorization: Api-Key <key>`` (or in an
``X-Api-Key`` header). A key lifts the rate limit and lets a partner suggest
initiatives; reading needs no key, and a key grants nothing in the admin. A
missing key means an anonymous client; a wrong or revoked key is refused with
401, at once.

Rate limits count requests in fixed windows in Django's ``default`` cache,
with an atomic increment, so that every app process sharing the cache (Redis
when ``REDIS_URL`` is set) counts together.
"""

import time

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from initiatives.models import PartnerApiKey
from practice_library.cache import count_in_window

KEYWORD = "Api-Key"
# The units a rate may use, as settings.env_rate accepts them.
PERIODS = {
    "s": 1,
    "second": 1,
    "m": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}


def key_from_request(request: Request | HttpRequest) -> str | None:
    """The API key the request carries, if any."""
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == KEYWORD.lower():
        return credentials.strip()
    # Other schemes (e.g. Basic in front of a staging site) are not ours.
    key = request.headers.get("X-Api-Key")
    return key.strip() if key is not None else None


def find_api_key(key: str) -> PartnerApiKey | None:
    """The active key matching ``key``; None for an unknown or revoked one."""
    prefix, dot, secret = key.partition(".")
    if not dot or len(prefix) != PartnerApiKey.PREFIX_LENGTH or not secret:
        return None
    found = PartnerApiKey.objects.active().filter(prefix=prefix).first()
    if found is None or not found.secret_matches(secret):
        return None
    return found


def note_use(api_key: PartnerApiKey) -> None:
    """Record that a key was used, at most about once a minute per key."""
    now = timezone.now()
    stale = now - PartnerApiKey.LAST_USED_RESOLUTION
    if api_key.last_used_at is not None and api_key.last_used_at > stale:
        return
    PartnerApiKey.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale), pk=api_key.pk
    ).update(last_used_at=now)
    api_key.last_used_at = now


class ApiKeyAuthentication(BaseAuthentication):
    """Recognise a partner by its API key; the user stays anonymous."""

    def authenticate(self, request: Request):
        key = key_from_request(request)
        if key is None:
            return None
        api_key = find_api_key(key)
        if api_key is None:
            raise exceptions.AuthenticationFailed(
                "This API key is not valid or has been revoked. Send a current "
                f"key as 'Authorization: {KEYWORD} <key>', or none at all."
            )
        note_use(api_key)
        return AnonymousUser(), api_key

    def authenticate_header(self, request: Request) -> str:
        return f'{KEYWORD} realm="api"'


def parse_rate(rate: str) -> tuple[int, int]:
    """'60/minute' -> (60 requests, 60 seconds)."""
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period]


class FixedWindowRateThrottle(BaseThrottle):
    """At most N requests per window for each client of one scope.

    Windows are aligned on the clock, so ``Retry-After`` is the time left in
    the current one. The counter is one atomic increment in the shared cache.
    """

    scope = ""

    def applies_to(self, request: Request) -> bool:
        raise NotImplementedError

    def client(self, request: Request) -> str:
        raise NotImplementedError

    def allow_request(self, request: Request, view) -> bool:
        if not self.applies_to(request):
            return True
        limit, window = parse_rate(str(api_settings.DEFAULT_THROTTLE_RATES[self.scope]))
        now = time.time()
        window_start = int(now // window) * window
        self.seconds_left = window_start + window - now
        key = f"throttle:{self.scope}:{self.client(request)}:{window_start}"
        return count_in_window(key, window + 1) <= limit

    def wait(self) -> float:
        return self.seconds_left


class AnonymousRateThrottle(FixedWindowRateThrottle):
    """The rate for clients without a key, per IP address.

    The address is REMOTE_ADDR, unless ``API_TRUSTED_PROXIES`` says how many
    proxies in front of the app append to X-Forwarded-For (DRF NUM_PROXIES).
    """

    scope = "anonymous"

    def applies_to(self, request: Request) -> bool:
        return not isinstance(request.auth, PartnerApiKey)

    def client(self, request: Request) -> str:
        return self.get_ident(request) or "unknown"


class PartnerRateThrottle(FixedWindowRateThrottle):
    """The higher rate for partners, per key (however many machines use it)."""

    scope = "partner"

    def applies_to(self, request: Request) -> bool:
        return isinstance(request.auth, PartnerApiKey)

    def client(self, request: Request) -> str:
        return str(request.auth.pk)


class PartnerSuggestionRateThrottle(PartnerRateThrottle):
    """How many suggestions one partner key may send, beside its request rate."""

    scope = "partner-suggestions"
