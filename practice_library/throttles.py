"""Rate limits for the API, counted in fixed windows in the shared cache.

Every app process sharing the cache (Redis when ``REDIS_URL`` is set) counts
together, with one atomic increment per request. A client without
credentials is counted per address, one with a key per key, whatever
machines use it. Every counted answer tells the client where it stands, in
the ``RateLimit-Limit``, ``RateLimit-Remaining`` and ``RateLimit-Reset``
headers (seconds until the window restarts), beside a 429's
``Retry-After`` (``RateLimitHeadersMiddleware``).
"""

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from practice_library.cache import count_in_window
from practice_library.client_address import client_address

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
        count = count_in_window(key, window + 1)
        _note_standing(request, limit, limit - count, self.seconds_left)
        return count <= limit

    def wait(self) -> float:
        return self.seconds_left


class AnonymousRateThrottle(FixedWindowRateThrottle):
    """The rate for clients without a key, per IP address.

    The address is REMOTE_ADDR, unless ``TRUSTED_PROXY_COUNT`` says how many
    proxies in front of the app append to X-Forwarded-For.
    """

    scope = "anonymous"

    def applies_to(self, request: Request) -> bool:
        return request.auth is None

    def client(self, request: Request) -> str:
        return client_address(request)


class KeyRateThrottle(FixedWindowRateThrottle):
    """The higher rate for clients with a key, per key (however many machines
    use it). The key is what the authentication put in ``request.auth``."""

    scope = "partner"

    def applies_to(self, request: Request) -> bool:
        return request.auth is not None

    def client(self, request: Request) -> str:
        return str(getattr(request.auth, "pk", request.auth))


@dataclass(frozen=True)
class Standing:
    limit: int
    remaining: int
    reset: int  # seconds until the window restarts


def _note_standing(request: Request, limit: int, left: int, seconds: float) -> None:
    """Remember the tightest limit met by this request, for its headers."""
    http_request = getattr(request, "_request", request)
    standing = Standing(limit, max(left, 0), max(math.ceil(seconds), 1))
    noted = getattr(http_request, "rate_limit_standing", None)
    if noted is None or standing.remaining < noted.remaining:
        http_request.rate_limit_standing = standing  # type: ignore[union-attr]


class RateLimitHeadersMiddleware:
    """Put the client's standing against its rate limit on the answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        standing = getattr(request, "rate_limit_standing", None)
        if standing is not None:
            response["RateLimit-Limit"] = str(standing.limit)
            response["RateLimit-Remaining"] = str(standing.remaining)
            response["RateLimit-Reset"] = str(standing.reset)
        return response
