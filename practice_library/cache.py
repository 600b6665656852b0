"""Django's Redis cache, for which an unreachable Redis is a miss, not an error.

The site keeps serving from the database when Redis is down: every read is a
miss (the content version comes from the database, the result cache misses),
every write is skipped, and the rate limits built on the cache let requests
through (they fail open). Nothing above this class needs to know.

- A connection error or timeout (``REDIS_TIMEOUT`` seconds) makes the
  operation return its miss value: ``get`` its default, ``add`` False,
  ``incr`` ``delta`` and ``count`` 1 (as if the count had just started).
- After a failure, Redis is left alone for ``RETRY_SECONDS``, so a Redis that
  hangs costs one timeout then, not one per cache call.
- A warning is logged when Redis goes away (again at most every
  ``WARN_EVERY_SECONDS`` while it stays away) and when it is back, naming
  the server without its password.
- A ``set`` or ``delete`` that failed leaves Redis holding a value the caller
  meant to replace (the content version, say). Those keys are deleted as
  soon as Redis answers again, before anything else is read; after more
  than ``MAX_MISSED_WRITES`` of them, the whole cache is cleared instead.
"""

import logging
import random
import re
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import redis
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)
T = TypeVar("T")
REDIS_UNAVAILABLE = (redis.ConnectionError, redis.TimeoutError)


def without_password(url: str) -> str:
    """The server's URL with any password replaced by '***'."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's Redis client, keeping one ``redis.Redis`` per server.

    Django builds a new ``redis.Redis`` for every operation, which costs
    about as much as the round trip itself; redis-py's clients are safe to
    share. This client makes one per server, with its connection pool, from
    the options Django passes, and serves every operation with it: writes
    go to the first server, reads to another when there are several, as in
    Django.
    """

    def __init__(
        self,
        servers: list[str],
        serializer: Any = None,
        pool_class: Any = None,
        parser_class: Any = None,
        **options: Any,
    ) -> None:
        super().__init__(servers, serializer, pool_class, parser_class, **options)
        if isinstance(pool_class, str):
            pool_class = import_string(pool_class)
        if isinstance(parser_class, str):
            parser_class = import_string(parser_class)
        self.server_urls = list(servers)
        self.pool_class = pool_class or redis.ConnectionPool
        self.pool_options = {
            "parser_class": parser_class or redis.connection.DefaultParser,
            **options,
        }
        self.clients: dict[int, redis.Redis] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> redis.Redis:
        if write or len(self.server_urls) == 1:
            index = 0
        else:
            index = random.randint(1, len(self.server_urls) - 1)
        client = self.clients.get(index)
        if client is None:
            pool = self.pool_class.from_url(
                self.server_urls[index], **self.pool_options
            )
            client = self.clients[index] = redis.Redis(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    # RedisCache's client, which django-stubs does not declare.
    _cache: RedisCacheClient

    RETRY_SECONDS = 5.0
    WARN_EVERY_SECONDS = 60.0
    MAX_MISSED_WRITES = 1000

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(server, params)
        # RedisCache has no public way to choose its client class.
        self._class = ReusingRedisCacheClient
        self.locations = re.split("[;,]", server) if isinstance(server, str) else server
        self._down_until = 0.0
        self._last_warning = 0.0
        self._is_down = False
        self._missed_writes: set[str] = set()
        self._clear_missed = False

    # -- the guard around every operation -----------------------------------

    def _guarded(
        self,
        operation: Callable[[], T],
        fallback: T,
        *,
        writes: Callable[[], list[str]] | None = None,
    ) -> T:
        """Run ``operation`` against Redis, or answer ``fallback`` without it.

        ``writes`` gives the (versioned) keys a failed write leaves stale.
        """
        if time.monotonic() < self._down_until:
            self._note_missed(writes)
            return fallback
        try:
            self._catch_up()
            return operation()
        except REDIS_UNAVAILABLE as error:
            self._went_down(error)
            self._note_missed(writes)
            return fallback

    def _note_missed(self, writes: Callable[[], list[str]] | None) -> None:
        if writes is None or self._clear_missed:
            return
        self._missed_writes.update(writes())
        if len(self._missed_writes) > self.MAX_MISSED_WRITES:
            self._missed_writes.clear()
            self._clear_missed = True

    def _catch_up(self) -> None:
        """Undo, once Redis answers, what failed writes left stale."""
        if self._clear_missed:
            logger.warning(
                "Cache at %s: clearing it, as more than %d writes were lost "
                "while it was unavailable",
                self._where(),
                self.MAX_MISSED_WRITES,
            )
            self._cache.clear()
            self._clear_missed = False
        elif self._missed_writes:
            self._cache.delete_many(list(self._missed_writes))
            self._missed_writes.clear()
        if self._is_down:
            self._is_down = False
            logger.warning("Cache at %s is available again", self._where())

    def _went_down(self, error: Exception) -> None:
        now = time.monotonic()
        self._down_until = now + self.RETRY_SECONDS
        if not self._is_down or now - self._last_warning >= self.WARN_EVERY_SECONDS:
            logger.warning(
                "Cache at %s is unavailable (%s); serving without it, and "
                "trying again in %.0f s",
                self._where(),
                type(error).__name__,
                self.RETRY_SECONDS,
            )
            self._last_warning = now
        self._is_down = True

    def _where(self) -> str:
        return ", ".join(without_password(server) for server in self.locations)

    def _key(self, key: Any, version: int | None) -> str:
        return self.make_and_validate_key(key, version=version)

    # -- Django's cache API ---------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        return self._guarded(
            lambda: RedisCache.add(self, key, value, timeout, version), False
        )

    def get(self, key, default=None, version=None) -> Any:
        return self._guarded(
            lambda: RedisCache.get(self, key, default, version), default
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        self._guarded(
            lambda: RedisCache.set(self, key, value, timeout, version),
            None,
            writes=lambda: [self._key(key, version)],
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        return self._guarded(
            lambda: RedisCache.touch(self, key, timeout, version), False
        )

    def delete(self, key, version=None) -> bool:
        return self._guarded(
            lambda: RedisCache.delete(self, key, version),
            False,
            writes=lambda: [self._key(key, version)],
        )

    def get_many(self, keys, version=None) -> dict:
        return self._guarded(lambda: RedisCache.get_many(self, keys, version), {})

    def has_key(self, key, version=None) -> bool:
        return self._guarded(lambda: RedisCache.has_key(self, key, version), False)

    def incr(self, key, delta=1, version=None) -> int:
        return self._guarded(lambda: RedisCache.incr(self, key, delta, version), delta)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None) -> list:
        return self._guarded(
            lambda: RedisCache.set_many(self, data, timeout, version),
            list(data),
            writes=lambda: [self._key(key, version) for key in data],
        )

    def delete_many(self, keys, version=None) -> None:
        keys = list(keys)
        self._guarded(
            lambda: RedisCache.delete_many(self, keys, version),
            None,
            writes=lambda: [self._key(key, version) for key in keys],
        )

    def clear(self) -> None:

        def clear_when_back() -> list[str]:
            self._clear_missed = True
            self._missed_writes.clear()
            return []

        self._guarded(lambda: RedisCache.clear(self), None, writes=clear_when_back)

    # -- beyond Django's API ---------------------------------------------------

    def count(self, key: str, seconds: int) -> int:
        """Add one to a counter that lives ``seconds``; the new count.

        One round trip (a pipeline of SET NX EX and INCR) where ``add`` and
        ``incr`` take three; every API request pays it for its rate limit.
        """

        def increment() -> int:
            redis_key = self._key(key, None)
            pipeline = self._cache.get_client(redis_key, write=True).pipeline()
            pipeline.set(redis_key, 0, nx=True, ex=seconds)
            pipeline.incr(redis_key)
            return pipeline.execute()[1]

        return self._guarded(increment, 1)


def count_in_window(key: str, seconds: int) -> int:
    """Add one to a counter in the default cache that lives ``seconds``.

    Atomic in any backend: an expired counter starts again at one.
    """
    backend = caches["default"]
    if isinstance(backend, ResilientRedisCache):
        return backend.count(key, seconds)
    backend.add(key, 0, timeout=seconds)
    try:
        return backend.incr(key)
    except ValueError:  # the counter expired between add and incr
        backend.set(key, 1, timeout=seconds)
        return 1
