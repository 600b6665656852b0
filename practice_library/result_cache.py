"""A shared cache for the expensive, repeatable part of a search.

Counting a large result set, ranking it and counting each facet cost far more
than rendering one page. Their results depend only on the published content
and the visitor's filters, so they are kept in Django's cache (Redis, shared
by every process, when ``REDIS_URL`` is set) under keys that include the
content version: any publish, withdrawal or edit makes every entry stale at
once, in every process, without deleting anything. Old entries simply expire.

``RESULT_CACHE_SECONDS = 0`` (``RESULT_CACHE=off``) switches it off, for the
benchmark and for debugging; answers are the same either way.
"""

import hashlib
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

T = TypeVar("T")
_MISSING = object()


def enabled() -> bool:
    return settings.RESULT_CACHE_SECONDS > 0


def result_key(kind: str, *parts: Any, version: int) -> str:
    """A cache key for one kind of result, tied to a content version."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:40]
    return f"results:{kind}:{version}:{digest}"


def cached(key: str | None, compute: Callable[[], T]) -> T:
    """The value under ``key``, computed and stored when missing (or no key)."""
    if key is None or not enabled():
        return compute()
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, settings.RESULT_CACHE_SECONDS)
    return value


def cached_many(
    keys: dict[str, str], compute: Callable[[Iterable[str]], dict[str, T]]
) -> dict[str, T]:
    """Values by name; the missing ones computed together and stored."""
    if not enabled():
        return compute(keys)
    found = cache.get_many(list(keys.values()))
    values = {name: found[key] for name, key in keys.items() if key in found}
    missing = [name for name in keys if name not in values]
    if missing:
        computed = compute(missing)
        cache.set_many(
            {keys[name]: computed[name] for name in missing},
            settings.RESULT_CACHE_SECONDS,
        )
        values |= computed
    return values


class CachedResultPaginator(Paginator):
    """A paginator whose count and page contents come from the result cache.

    ``result_key`` names the filtered, ordered queryset. The count is cached;
    a page is cached as the ids of its rows, and on a hit those rows are read
    back through the same queryset (so annotations, ordering and prefetches
    are the same) with ``pk IN (...)``: one query, like a miss.
    """

    object_list: QuerySet

    def __init__(
        self, object_list: QuerySet, per_page: int, *, result_key: str | None, **kwargs
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.result_key = result_key

    @cached_property
    def count(self) -> int:
        key = f"{self.result_key}:count" if self.result_key else None
        return cached(key, self.object_list.count)

    def page(self, number: int | str) -> Page:
        number = self.validate_number(number)
        if not self.result_key or not enabled():
            return super().page(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        key = f"{self.result_key}:page:{number}:{self.per_page}"
        ids = cache.get(key)
        if ids is None:
            rows = list(self.object_list[bottom:top])
            cache.set(key, [row.pk for row in rows], settings.RESULT_CACHE_SECONDS)
        else:
            by_id = {row.pk: row for row in self.object_list.filter(pk__in=ids)}
            rows = [by_id[pk] for pk in ids if pk in by_id]
        return Page(rows, number, self)
