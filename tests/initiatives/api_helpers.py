"""Builders and helpers shared by the API tests."""

import datetime
from typing import Any

from django.urls import reverse


def utc(moment: datetime.datetime | None) -> str | None:
    """A timestamp as the API writes it: ISO 8601 in UTC with a Z."""
    if moment is None:
        return None
    return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def absolute(path: str) -> str:
    return f"http://testserver{path}"


def api_url(name: str, **kwargs: Any) -> str:
    return reverse(f"api:{name}", kwargs=kwargs or None)
