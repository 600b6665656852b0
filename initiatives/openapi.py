"""The library's part of the OpenAPI description: its filters, examples and keys.

drf-spectacular builds most of the schema from the serializers, and
``practice_library.openapi`` adds what every endpoint shares. This module
adds the query parameters of the initiatives (read from the FilterSet, so a
new filter cannot go undocumented), the slugs each filter accepts (listed
from the database when the schema is generated), worked examples and the
partners' API key scheme.
"""

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiExample, OpenApiParameter

from initiatives.filters import SEARCH_MAX_LENGTH, InitiativeFilterSet, YearFilter
from initiatives.selectors import public_organisations
from practice_library.openapi import SLUG_SCHEMA

UPDATED_SINCE_SCHEMA = {
    "oneOf": [
        {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        {"type": "string", "format": "date-time", "pattern": r"^\d{4}-\d{2}-\d{2}T"},
    ]
}


BASE = "https://library.example"
_HUB = "essex-mental-health-hub-pilot"


def _summary(kind: str, page: str, slug: str, name: str) -> dict:
    return {
        "slug": slug,
        "name": name,
        "url": f"{BASE}/api/v1/{kind}/{slug}/",
        "page_url": f"{BASE}/{page}/{slug}/",
    }


INITIATIVE_ROW_EXAMPLE = {
    "slug": _HUB,
    "title": "Mental health hub pilot",
    "url": f"{BASE}/api/v1/initiatives/{_HUB}/",
    "page_url": f"{BASE}/initiatives/{_HUB}/",
    "summary": "A pilot mental health hub in Essex, one response to the large "
    "share of police time taken up by incidents related to mental health.",
    "status": "pilot",
    "start": None,
    "end": None,
    "evidence_stage": None,
    "evidence_outcome": None,
    "police_areas": [_summary("police-areas", "police-areas", "essex", "Essex")],
    "themes": [
        _summary("themes", "themes", "understanding-demand", "Understanding demand")
    ],
    "is_demo": False,
    "published_at": "2025-01-31T09:00:00Z",
    "created_at": "2025-01-30T16:12:05Z",
    "updated_at": "2025-01-31T09:00:00Z",
    "search_rank": 0.607927,
    "snippet": "A pilot <mark>mental</mark> <mark>health</mark> hub in Essex, one "
    "response to the large share of police time taken up by incidents related "
    "to <mark>mental</mark> <mark>health</mark>.",
}
INITIATIVE_PAGE_EXAMPLE = OpenApiExample(
    "A search with facets, polled with updated_since",
    description="GET /api/v1/initiatives/?q=mental+health&police_area=essex"
    "&facets=status&updated_since=2025-01-01",
    value={
        "count": 1,
        "next": None,
        "previous": None,
        "results": [INITIATIVE_ROW_EXAMPLE],
        "facets": {
            "status": [
                {"value": "planned", "label": "Planned", "count": 0, "selected": False},
                {"value": "pilot", "label": "Pilot", "count": 1, "selected": False},
                {"value": "active", "label": "Active", "count": 0, "selected": False},
                {"value": "ended", "label": "Ended", "count": 0, "selected": False},
            ]
        },
        "search_correction": None,
        "withdrawn": [
            {"slug": "an-initiative-withdrawn", "withdrawn_at": "2025-01-20T11:30:00Z"}
        ],
    },
)


FACETS = OpenApiParameter(
    "facets",
    {
        "type": "array",
        "items": {"type": "string", "enum": list(InitiativeFilterSet.FACETS)},
    },
    style="form",
    explode=False,
    examples=[OpenApiExample("Three facets", value=["theme", "police_area", "status"])],
    description="Comma-separated facets to count, e.g. theme,police_area,status. "
    "Each option's count is the number of results there would be with that "
    "option chosen, taking every other active filter into account but not the "
    "facet's own (the disjunctive rule the search page uses).",
)
UPDATED_SINCE_DESCRIPTION = (
    "Only entries changed at or after this moment: a date (from midnight UK "
    "time) or a date and time with its offset, e.g. 2025-01-31T09:00:00Z. The "
    "first page then also lists under 'withdrawn' every entry that left "
    "public view since then (slug and time only), so a mirror can delete it."
)


# Where a filter's documented slugs come from, when the filter itself would
# accept more than the public may see listed (organisations known only from
# drafts).
SLUG_SOURCES = {"organisation": public_organisations}


PARAMETER_EXAMPLES = {
    "q": [
        OpenApiExample("Words", value="mental health"),
        OpenApiExample("A phrase", value='"women offenders"'),
    ],
    "updated_since": [
        OpenApiExample("A moment in UTC", value="2025-01-31T09:00:00Z"),
        OpenApiExample("A date", value="2025-01-31"),
    ],
    "start_year_min": [OpenApiExample("A year", value=2015)],
}


def _slugs(queryset: QuerySet) -> list[str]:
    return list(queryset.order_by("slug").values_list("slug", flat=True))


def _described(name: str, filter_) -> str:
    parts = [str(filter_.label or name)]
    if filter_.extra.get("help_text"):
        parts.append(str(filter_.extra["help_text"]))
    return ". ".join(part.rstrip(".") for part in parts) + "."


def filter_parameters() -> list[OpenApiParameter]:
    """One parameter per InitiativeFilterSet filter, with what it accepts.

    Slug filters list the slugs that exist when the schema is generated;
    any other value is a 400.
    """
    parameters = []
    for name, filter_ in InitiativeFilterSet.base_filters.items():
        description = _described(name, filter_)
        explode = None
        schema: dict[str, Any]
        if name == "q":
            schema = {
                "type": "string",
                "maxLength": SEARCH_MAX_LENGTH,
                "pattern": r"^[^\u0000]*$",
            }
            description += (
                " Ranked, with a highlighted snippet per result (PostgreSQL); when "
                "the words as typed find nothing but a spelling correction does, "
                "the correction is searched and reported in search_correction."
            )
        elif name == "updated_since":
            schema = UPDATED_SINCE_SCHEMA
            description = UPDATED_SINCE_DESCRIPTION
        elif isinstance(filter_, YearFilter):
            schema = {
                "type": "integer",
                "minimum": filter_.extra["min_value"],
                "maximum": filter_.extra["max_value"],
            }
        elif isinstance(filter_, django_filters.ModelMultipleChoiceFilter):
            schema = {
                "type": "array",
                "items": {**SLUG_SCHEMA, "enum": _slugs(filter_.queryset)},
            }
            explode = True
        elif isinstance(filter_, django_filters.ModelChoiceFilter):
            source = SLUG_SOURCES.get(name)
            slugs = _slugs(source() if source else filter_.queryset)
            schema = {**SLUG_SCHEMA, "enum": slugs}
        elif isinstance(filter_, django_filters.MultipleChoiceFilter):
            values = [value for value, _ in filter_.extra["choices"]]
            schema = {"type": "array", "items": {"type": "string", "enum": values}}
            explode = True
        elif isinstance(filter_, django_filters.ChoiceFilter):
            values = [value for value, _ in filter_.extra["choices"]]
            schema = {"type": "string", "enum": values}
            description += " One of: " + ", ".join(
                f"{value} ({label})" for value, label in filter_.extra["choices"]
            )
        else:
            raise TypeError(f"Describe the filter {name!r} in initiatives.openapi.")
        if explode:
            description += " Repeat the parameter for several values (any matches)."
        parameters.append(
            OpenApiParameter(
                name,
                schema,
                description=description,
                explode=explode,
                examples=PARAMETER_EXAMPLES.get(name),
            )
        )
    return parameters


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "initiatives.authentication.ApiKeyAuthentication"
    name = ["ApiKey", "ApiKeyHeader"]

    def get_security_requirement(self, auto_schema):
        # Either header will do; without a key the lower anonymous rate applies.
        return [{"ApiKey": []}, {"ApiKeyHeader": []}]

    def get_security_definition(self, auto_schema):
        return [
            {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "A partner's key, sent as 'Authorization: Api-Key "
                "<key>'. Optional: it raises the rate limit and gives no other "
                "access. A wrong or revoked key is refused with 401.",
            },
            {
                "type": "apiKey",
                "in": "header",
                "name": "X-Api-Key",
                "description": "The same key in a header of its own.",
            },
        ]
