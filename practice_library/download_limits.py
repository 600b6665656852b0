"""Bounds on what downloads made on demand may cost: one client, and all.

A filtered download streams its whole result set from the database, which
holds a worker for as long as it runs. Two limits keep the rest of the site
answering however many are asked for:

- per address (``practice_library.client_address``), at most
  ``DOWNLOAD_RATE`` of them (``"10/minute"``), else ``429`` with
  ``Retry-After``;
- across every process, at most ``DOWNLOAD_CONCURRENCY`` running at once,
  else ``503`` with ``Retry-After``. Each running download holds one of that
  many slots in the shared cache (``cache.add``, atomic in Redis), given back
  when its stream ends or is closed, and in any case after
  ``DOWNLOAD_SLOT_SECONDS`` (a worker killed mid-stream).

Both fail open when the cache is away, as the other rate limits do: a
missing Redis must not stop every download.
"""

import hashlib
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from practice_library.cache import count_in_window
from practice_library.client_address import client_address
from practice_library.throttles import parse_rate

SLOT_KEY = "downloads:slot:{}"


def seconds_until_allowed(request: HttpRequest) -> float | None:
    """Count this download against its address; None when within the rate,
    else the seconds until the address may download again."""
    limit, window = parse_rate(settings.DOWNLOAD_RATE)
    now = time.time()
    window_start = int(now // window) * window
    address = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
    key = f"downloads:rate:{address}:{window_start}"
    if count_in_window(key, window + 1) <= limit:
        return None
    return window_start + window - now


class Slot:
    """One of the running downloads' places, given back once."""

    def __init__(self, key: str | None):
        self.key = key  # None: taken while the cache was away (not counted)

    def release(self) -> None:
        if self.key is not None:
            cache.delete(self.key)
            self.key = None


def take_slot() -> Slot | None:
    """A place among the running downloads, or None when all are taken."""
    token = uuid.uuid4().hex
    free_seen = False
    for number in range(settings.DOWNLOAD_CONCURRENCY):
        key = SLOT_KEY.format(number)
        if cache.add(key, token, settings.DOWNLOAD_SLOT_SECONDS):
            return Slot(key)
        free_seen = free_seen or cache.get(key) is None
    # Every add refused, yet a slot looked free: the cache is not answering
    # (or a download ended just now). Fail open, uncounted.
    return Slot(None) if free_seen else None


class HoldingSlot:
    """Streaming content that gives its slot back when it ends or is closed.

    Django calls ``close()`` on streaming content when the response is
    closed, which the server does whether the stream ran to its end, failed
    or lost its client, and even if it never started.
    """

    def __init__(self, chunks: Iterable[Any], slot: Slot):
        self._chunks = chunks
        self._slot = slot

    def __iter__(self) -> Iterator[Any]:
        try:
            yield from self._chunks
        finally:
            self._slot.release()

    def close(self) -> None:
        close: Callable[[], object] | None = getattr(self._chunks, "close", None)
        try:
            if close is not None:
                close()
        finally:
            self._slot.release()


def refused(status: int, seconds: float, message: str) -> HttpResponse:
    response = HttpResponse(
        message + "\n", status=status, content_type="text/plain; charset=utf-8"
    )
    response["Retry-After"] = str(max(1, round(seconds)))
    response["Cache-Control"] = "no-store"
    return response


def too_many_downloads(seconds: float) -> HttpResponse:
    return refused(
        429,
        seconds,
        "Too many downloads from your address just now. Please wait a little "
        "and try again, or download the whole library from /downloads/.",
    )


def downloads_busy() -> HttpResponse:
    return refused(
        503,
        settings.DOWNLOAD_RETRY_AFTER,
        "The site is busy preparing other downloads. Please try again in a "
        "few moments, or download the whole library from /downloads/.",
    )
