"""``/healthz`` for load balancers: can this process serve requests?

200 when the database and the cache both answer, 503 otherwise. The body
names which dependency failed and nothing more: no error text, hosts or
versions, which could help an attacker.
"""

import logging

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)
PROBE_KEY = "healthz-probe"


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError as error:
        # An outage, probed every few seconds: one line each time is enough.
        logger.warning(
            "Health check: the database did not answer (%s)", type(error).__name__
        )
        return False
    except Exception:
        logger.exception("Health check: the database did not answer")
        return False


def _cache_answers() -> bool:
    try:
        cache.set(PROBE_KEY, "ok", 10)
        return cache.get(PROBE_KEY) == "ok"
    except Exception:
        logger.exception("Health check: the cache did not answer")
        return False


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {
        "database": "ok" if _database_answers() else "unavailable",
        "cache": "ok" if _cache_answers() else "unavailable",
    }
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks},
        status=200 if healthy else 503,
    )
