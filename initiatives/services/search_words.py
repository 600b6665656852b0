"""Keeping search in step with the library: keywords and the spelling list.

Search weighs the names of an initiative's areas, themes, target groups and
organisations, copied into ``search_keywords``; "did you mean" suggestions
come from ``SearchWord``, the words of published initiatives. Both are
derived data, written here.
"""

import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

from django.db import connections

from initiatives.models import EditorialState, Initiative, SearchWord

_batch = threading.local()


@contextmanager
def one_keyword_refresh() -> Iterator[None]:
    """Refresh search keywords once for a batch of writes, not once a link.

    Inside the block, refreshes only note which initiatives need one; they
    are refreshed together when the outermost block ends without an error
    (an error leaves the transaction to be rolled back anyway).
    """
    depth = getattr(_batch, "depth", 0)
    if depth == 0:
        _batch.pending = set()
    _batch.depth = depth + 1
    try:
        yield
    except BaseException:
        if depth == 0:
            _batch.pending = set()
        raise
    finally:
        _batch.depth = depth
    if depth == 0:
        pending, _batch.pending = _batch.pending, set()
        refresh_search_keywords(pending)


def refresh_search_keywords(initiative_ids: Iterable[int]) -> int:
    """Copy related names into search_keywords; returns how many rows changed.

    Inside ``one_keyword_refresh`` it only notes the ids, and returns 0.
    """
    if getattr(_batch, "depth", 0):
        _batch.pending.update(initiative_ids)
        return 0
    changed = 0
    ids = sorted(set(initiative_ids))
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        rows = (
            Initiative.objects.filter(pk__in=chunk)
            .only("pk", "search_keywords")
            .prefetch_related(
                "police_areas", "themes", "target_groups", "organisations"
            )
        )
        stale = []
        for initiative in rows:
            keywords = initiative.build_search_keywords()
            if keywords != initiative.search_keywords:
                initiative.search_keywords = keywords
                stale.append(initiative)
        Initiative.objects.bulk_update(stale, ["search_keywords"])
        changed += len(stale)
    return changed


def rebuild_search_words(*, using: str = "default") -> int:
    """Rebuild the spelling word list from published initiatives (PostgreSQL)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return 0
    table = SearchWord._meta.db_table
    source = Initiative._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table}")
        # ts_stat takes the text of a query; the state is a literal we control.
        cursor.execute(
            f"""
            INSERT INTO {table} (word, document_count)
            SELECT word, ndoc FROM ts_stat($$
                SELECT to_tsvector('simple', title || ' ' || summary || ' '
                                   || search_keywords)
                FROM {source} WHERE state = '{EditorialState.PUBLISHED}'
            $$)
            WHERE length(word) BETWEEN 3 AND 100 AND word ~ '^[[:alpha:]]+$'
            """
        )
        return cursor.rowcount


_SPELLING_WORD = re.compile(r"[^\W\d_]{3,100}")


def spelling_words(*texts: str) -> set[str]:
    """The distinct words of some text that the spelling list keeps."""
    return {word.lower() for text in texts for word in _SPELLING_WORD.findall(text)}


def merge_search_words(counts: Mapping[str, int], *, using: str = "default") -> None:
    """Add document counts to the spelling list, creating words as needed."""
    connection = connections[using]
    if connection.vendor != "postgresql" or not counts:
        return
    table = SearchWord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (word, document_count)
            SELECT * FROM unnest(%s::text[], %s::integer[])
            ON CONFLICT (word) DO UPDATE
            SET document_count = {table}.document_count + EXCLUDED.document_count
            """,
            [list(counts), list(counts.values())],
        )


def add_search_words(initiative: Initiative, *, using: str = "default") -> None:
    """Add one newly published initiative's words to the spelling list."""
    words = spelling_words(
        initiative.title, initiative.summary, initiative.search_keywords
    )
    merge_search_words(dict.fromkeys(words, 1), using=using)
