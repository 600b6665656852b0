"""The content version as every process sees it: read through the shared cache.

One number (and the time it last changed) that moves whenever anything the
public can see may have changed. ETags, stored answers and cached results
are keyed on it, so one bump makes them all stale at once, in every process.

The app stores the version and bumps it; this module only keeps it in the
cache. ``settings.CONTENT_VERSION_SOURCE`` names the function that reads the
stored version (a pure read: it never writes), so the plumbing needs no app.
"""

import datetime
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.utils.module_loading import import_string

from practice_library.replica import reading_replica

Version = tuple[int, datetime.datetime]
CACHE_KEY = "content-version"


def stored_version() -> Version:
    """The version as the app stores it (a database read)."""
    source: Callable[[], Version] = import_string(settings.CONTENT_VERSION_SOURCE)
    return source()


def cached_version() -> Version | None:
    """The version as the shared cache holds it; None on a miss.

    For code that must not touch the database (the early 304s of
    ``practice_library.viewsets.NotModifiedMiddleware``).
    """
    return cache.get(CACHE_KEY)


def current_version() -> Version:
    """The version to key answers on: from the shared cache, else stored.

    ``cache.add`` never overwrites, so a reader that raced a bump cannot put
    an older version back over the one the bump shared.
    """
    if reading_replica():
        # The shared cache holds the primary's version, which a lagging
        # replica may not have reached: results would be cached under a
        # version whose data they do not show.
        return stored_version()
    version = cached_version()
    if version is None:
        version = stored_version()
        cache.add(CACHE_KEY, version, settings.CONTENT_VERSION_SECONDS)
    return version


def share_version(version: Version) -> None:
    """Tell every process of a new version (after the bump has committed)."""
    cache.set(CACHE_KEY, version, settings.CONTENT_VERSION_SECONDS)


def forget_version() -> None:
    """Drop the cached version, so the next reader takes the stored one."""
    cache.delete(CACHE_KEY)
