"""Fields every API serializer shares: absolute links and UTC timestamps.

A list of 100 entries holds several hundred links. Reversing each one costs
more than the rest of the serialisation, so each view's address is reversed
once per request, with a marker for the slug, and filled in per link.
"""

import datetime

from django.urls import reverse
from django.utils.http import urlencode
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

_SLUG = "__slug__"


def slug_url(request, view_name: str, slug: str, query: str = "") -> str:
    """The absolute address of a view taking a slug (or of a list, filtered
    with ``query=<slug>``), reversing the view once per request."""
    templates = request.__dict__.setdefault("_slug_url_templates", {})
    key = (view_name, query)
    template = templates.get(key)
    if template is None:
        if query:
            path = f"{reverse(view_name)}?{urlencode({query: _SLUG})}"
        else:
            path = reverse(view_name, kwargs={"slug": _SLUG})
        template = templates[key] = request.build_absolute_uri(path)
    return template.replace(_SLUG, slug)


@extend_schema_field(OpenApiTypes.URI)
class PageUrlField(serializers.Field):
    """The absolute address of an object's public web page (its
    ``get_absolute_url``, which ``view_name`` must match)."""

    def __init__(self, view_name: str, **kwargs):
        self.view_name = view_name
        kwargs.setdefault("source", "*")
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("help_text", "The public web page of this entry.")
        super().__init__(**kwargs)

    def to_representation(self, value) -> str:
        return slug_url(self.context["request"], self.view_name, value.slug)


@extend_schema_field(OpenApiTypes.URI)
class FilteredListUrlField(serializers.Field):
    """An API list filtered to one object, e.g. initiatives with ?theme=<slug>.

    ``view_name`` names the list, ``parameter`` the filter that takes the
    object's slug and ``what`` the entries listed, for the schema.
    """

    def __init__(self, view_name: str, parameter: str, what: str, **kwargs):
        self.view_name = view_name
        self.parameter = parameter
        kwargs.setdefault("source", "slug")
        kwargs.setdefault("read_only", True)
        kwargs.setdefault(
            "help_text", f"The API's {what} filtered with {parameter}=<slug>."
        )
        super().__init__(**kwargs)

    def to_representation(self, value) -> str:
        request = self.context["request"]
        return slug_url(request, self.view_name, value, query=self.parameter)


class _CanonicalUrlMixin:
    """Links without the request's ?format=: DRF would carry it into every
    link, but an entry's address is the same whatever format was asked for."""

    lookup_field: str
    lookup_url_kwarg: str

    def get_url(self, obj, view_name, request, format):
        return slug_url(request, view_name, getattr(obj, self.lookup_field))


class ApiUrlField(_CanonicalUrlMixin, serializers.HyperlinkedIdentityField):
    """The entry's own address in the API."""

    def __init__(self, view_name: str, **kwargs):
        kwargs.setdefault("lookup_field", "slug")
        super().__init__(view_name=view_name, **kwargs)


class RelatedApiUrlField(_CanonicalUrlMixin, serializers.HyperlinkedRelatedField):
    """The address in the API of a related entry (given as ``source``)."""

    def __init__(self, view_name: str, **kwargs):
        kwargs.setdefault("lookup_field", "slug")
        kwargs.setdefault("read_only", True)
        super().__init__(view_name=view_name, **kwargs)


class UtcDateTimeField(serializers.DateTimeField):
    """ISO 8601 in UTC, e.g. 2025-01-31T09:00:00.123456Z, whatever TIME_ZONE is."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("default_timezone", datetime.UTC)
        super().__init__(**kwargs)
