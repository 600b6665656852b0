"""The changes feed's writer: a row for every change to a public entry.

``initiatives.signals`` calls ``record_public_changes`` for any write that
may change what an initiative's public entry shows, by whatever path; bulk
writes (the content files, demo data) call it themselves. Only entries the
public can see, or could see until this write, get a row: editing a draft
or an entry in review changes nothing public, so it writes no row and
moves no public validator. Each recorded change also bumps the content
version (``initiatives.services.content_version``), which is what keys
the lists' validators and the result cache.

Commit order. A partner reads the feed after a cursor (the last ``id`` it
saw), so an id must never become visible after a higher one has been read:
with a plain sequence, a transaction that takes id 10 and commits late
would be skipped by a reader that has already seen id 11 from a quicker
one. So writers are serialised from their first change row to their commit
by a transaction-level advisory lock (PostgreSQL's ``pg_advisory_xact_lock``,
taken just before the insert and released by the commit or rollback): the
next writer draws its id only once the previous one has committed, and ids
become visible in the order they were drawn. Readers need no lock. SQLite
(``make run``) serialises every writing transaction anyway, from its first
write to its commit. The lock is held only by transactions that change a
public entry (curators' saves, loads), never by readers or by drafts.
"""

from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from initiatives.models import EditorialState, Initiative, PublicChange
from initiatives.services.content_version import bump_content_version

# An arbitrary constant naming the lock among the database's advisory locks.
WRITER_LOCK = 0x50_4C_43_48  # "PLCH"
BATCH_SIZE = 5000


def _serialise_writers() -> None:
    """Wait until no other transaction can still commit a change row."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [WRITER_LOCK])


def record_public_changes(
    initiative_ids: Iterable[int], *, departed: Iterable[tuple[int, str]] = ()
) -> int:
    """Note that these initiatives' public entries changed; returns the rows.

    ``initiative_ids``: entries that may have changed; only those published
    now get a row. ``departed``: (id, slug) of entries that were public until
    this write (withdrawn, returned to draft, deleted): a tombstone.
    """
    ids = sorted(set(initiative_ids))
    gone = list(dict.fromkeys(departed))
    if not ids and not gone:
        return 0
    now = timezone.now()
    rows = [
        PublicChange(initiative_id=pk, slug=slug, changed_at=now) for pk, slug in gone
    ]
    for start in range(0, len(ids), BATCH_SIZE):
        rows += [
            PublicChange(initiative_id=pk, slug=slug, changed_at=now)
            for pk, slug in Initiative.objects.filter(
                pk__in=ids[start : start + BATCH_SIZE],
                state=EditorialState.PUBLISHED,
            ).values_list("pk", "slug")
        ]
    if not rows:
        return 0
    with transaction.atomic():
        _serialise_writers()
        PublicChange.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        bump_content_version()
    return len(rows)


def record_every_public_entry() -> int:
    """A change row for every published initiative (a backfill, or after a
    restore): mirrors syncing from any cursor then read every entry again."""
    return record_public_changes(
        Initiative.objects.filter(state=EditorialState.PUBLISHED).values_list(
            "pk", flat=True
        )
    )
