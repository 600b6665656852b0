"""Optional routing of public read traffic to a PostgreSQL read replica.

With ``DATABASE_REPLICA_URL`` set, GET and HEAD requests outside the admin
read from the ``replica`` database; everything else, every write, and the
reads that must never lag (the models in ``READ_REPLICA_PRIMARY_ONLY``, such
as partner API keys, so a revoked key is refused at once) use ``default``. While a request reads from the replica, the content
version is read from the replica too, so cached results are always keyed to
the data they were computed from, however far the replica lags.
"""

from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
_reading_replica: ContextVar[bool] = ContextVar("reading_replica", default=False)


def reading_replica() -> bool:
    """Whether this request reads from the replica."""
    return _reading_replica.get()


class PublicReadsToReplicaMiddleware:
    """Send the reads of public GET and HEAD requests to the replica."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        public_read = (
            settings.READ_REPLICA
            and request.method in ("GET", "HEAD")
            and not request.path.startswith(f"/{settings.ADMIN_URL}")
        )
        token = _reading_replica.set(public_read)
        try:
            return self.get_response(request)
        finally:
            _reading_replica.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str | None:
        if (
            reading_replica()
            and model._meta.label_lower not in settings.READ_REPLICA_PRIMARY_ONLY
        ):
            return REPLICA
        return None

    def db_for_write(self, model, **hints) -> str | None:
        return None

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool | None:
        return db != REPLICA
