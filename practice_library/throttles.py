"""Rate limits for the API, counted in fixed windows in the shared cache.

Every app process sharing the cache (Redis when ``REDIS_URL`` is set) counts
together, with one atomic increment per request. A client without
credentials is counted per address, one with a key per key, whatever
machines use it.
"""

import time

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
        return count_in_window(key, window + 1) <= limit

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
