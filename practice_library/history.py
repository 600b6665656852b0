"""Who made a change, and why, in django-simple-history's records.

A write that does more than save a form (a service, an import, a restored
version) says who acts and why around its saves::

    with recorded_as(user=actor, reason="Draft to Published"):
        entry.save(update_fields=["state"])

Every historical record made inside the block carries them, through
django-simple-history's public ``pre_create_historical_record`` signal.
Outside such a block, records keep what django-simple-history gives them:
the signed-in user of the request (``HistoryRequestMiddleware``) and no
reason. ``user=None`` says that the site itself acts (a command).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db.models import ForeignKey, Model
from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record
from simple_history.utils import get_m2m_field_name

_UNSET: Any = object()
_user: ContextVar[Any] = ContextVar("history_user", default=_UNSET)
_reason: ContextVar[str | None] = ContextVar("history_reason", default=None)


@contextmanager
def recorded_as(*, user: Any = _UNSET, reason: str | None = None) -> Iterator[None]:
    """Record the saves inside the block as made by ``user``, for ``reason``."""
    user_token = _user.set(user)
    reason_token = _reason.set(reason)
    try:
        yield
    finally:
        _reason.reset(reason_token)
        _user.reset(user_token)


@receiver(pre_create_historical_record)
def _record_who_and_why(sender, history_instance, **kwargs) -> None:
    user = _user.get()
    if user is not _UNSET:
        history_instance.history_user = user
    reason = _reason.get()
    if reason is not None:
        history_instance.history_change_reason = reason
    elif history_instance.history_change_reason is None:
        # No reason given is an empty reason, not the word "None" in the
        # admin's history list.
        history_instance.history_change_reason = ""


def record_links(record: Any, instance: Model) -> None:
    """Make ``record`` (a version of ``instance``) hold the links it has now.

    A version records its many-to-many links as they were when it was saved;
    a form saves the links after the row. The admin saves the row, then the
    links without versions of their own, then calls this: one save is one
    version, whatever links changed.
    """
    for field in record._history_m2m_fields:
        versions = getattr(record, field.name)
        versions.all().delete()
        through = getattr(instance, field.name).through
        columns = [f.name for f in through._meta.fields]
        rows = through.objects.filter(
            **{get_m2m_field_name(field): instance}
        ).select_related(
            *(f.name for f in through._meta.fields if isinstance(f, ForeignKey))
        )
        versions.model.objects.bulk_create(
            versions.model(history=record, **{c: getattr(row, c) for c in columns})
            for row in rows
        )
