"""The one way caches learn that public content changed: bump the version.

Every ETag, stored answer and cached result is keyed on the content version
(``initiatives.models.ContentVersion``); bumping it makes them all stale at
once, in every process. ``initiatives.signals`` bumps it for any write to
public content, by whatever path.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Now

from initiatives.models import ContentVersion
from initiatives.selectors import stored_content_version
from practice_library.content_version import share_version

_batch = threading.local()


@contextmanager
def one_content_change() -> Iterator[None]:
    """Bump the content version once for a batch of writes, not once a row.

    Inside the block, writes only note that a bump is due; it happens when the
    outermost block ends (even by an exception: an extra bump costs nothing,
    a missing one would leave stale answers).
    """
    depth = getattr(_batch, "depth", 0)
    _batch.depth = depth + 1
    try:
        yield
    finally:
        _batch.depth = depth
        if depth == 0 and getattr(_batch, "pending", False):
            _batch.pending = False
            bump_content_version()


def bump_content_version() -> None:
    """Record that public content may have changed, for every process at once.

    One UPDATE in the caller's transaction; once it commits, the shared cache
    gets the new version, so validators and cached results turn stale at once.
    """
    if getattr(_batch, "depth", 0):
        _batch.pending = True
        return
    updated = ContentVersion.objects.filter(pk=1).update(
        number=F("number") + 1, changed_at=Now()
    )
    if not updated:
        ContentVersion.objects.get_or_create(pk=1)
    transaction.on_commit(_share_content_version)


def _share_content_version() -> None:
    share_version(stored_content_version())
    # After commit, so the whole-library files are built from what committed.
    from initiatives.downloads import request_build

    request_build()
