"""The API's OpenAPI description: parameters, responses, errors, security.

drf-spectacular builds most of the schema from the serializers; this module
adds what it cannot see: the query parameters (read from the FilterSet, so a
new filter cannot go undocumented), the slugs each filter accepts (listed from
the database when the schema is generated), the error responses, the CSV
alternative and the caching headers.
"""

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
)
from rest_framework import serializers

from initiatives.filters import SEARCH_MAX_LENGTH, InitiativeFilterSet, YearFilter
from initiatives.selectors import public_organisations
from practice_library.paging import MAX_PAGE_SIZE, PAGE_SIZE

SLUG_SCHEMA = {"type": "string", "pattern": r"^[-a-zA-Z0-9_]+$"}
UPDATED_SINCE_SCHEMA = {
    "oneOf": [
        {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        {"type": "string", "format": "date-time", "pattern": r"^\d{4}-\d{2}-\d{2}T"},
    ]
}


class ErrorSerializer(serializers.Serializer):
    """Every API error has this shape, whatever its status."""

    status = serializers.IntegerField(help_text="The HTTP status, repeated.")
    code = serializers.CharField(
        help_text="A stable code, e.g. invalid, not_found, gone, throttled, "
        "authentication_failed, not_acceptable, method_not_allowed, server_error."
    )
    detail = serializers.CharField(help_text="What went wrong, for people.")
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text="For 400: each bad parameter with its problems; otherwise empty.",
    )


def _error(description: str, example: dict) -> OpenApiResponse:
    return OpenApiResponse(
        ErrorSerializer,
        description=description,
        examples=[OpenApiExample(example["code"], value=example)],
    )


def _example(status: int, code: str, detail: str, errors=None) -> dict:
    return {"status": status, "code": code, "detail": detail, "errors": errors or {}}


JSON = "application/json"
CSV = "text/csv"

ERRORS = {
    (400, JSON): _error(
        "A parameter is not valid; each bad parameter is named in errors.",
        _example(
            400,
            "invalid",
            "One or more parameters are not valid; see 'errors'.",
            {
                "start_year_min": ["Enter a whole number."],
                "page": ["There is no such page: the last is 3."],
            },
        ),
    ),
    (401, JSON): _error(
        "The API key sent is not valid or has been revoked.",
        _example(
            401,
            "authentication_failed",
            "This API key is not valid or has been revoked.",
        ),
    ),
    (406, JSON): _error(
        "None of the formats in the Accept header can be given.",
        _example(406, "not_acceptable", "Could not satisfy the request Accept header."),
    ),
    (429, JSON): _error(
        "Too many requests; Retry-After says how many seconds to wait.",
        _example(
            429, "throttled", "Request was throttled. Expected available in 12 seconds."
        ),
    ),
}
NOT_FOUND = {
    (404, JSON): _error(
        "No public entry has this slug.",
        _example(404, "not_found", "No published initiative has this slug."),
    )
}
GONE = {
    (410, JSON): _error(
        "The entry was public once and has been withdrawn.",
        _example(
            410, "gone", "This initiative was withdrawn from public view on 2025-03-01."
        ),
    )
}
NOT_MODIFIED = {
    (304, JSON): OpenApiResponse(
        description="Not modified: the copy the client has (If-None-Match or "
        "If-Modified-Since) is current. No body, and not counted against the "
        "rate limit."
    )
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


def list_responses(page_serializer, *, example: OpenApiExample | None = None) -> dict:
    page = OpenApiResponse(
        page_serializer,
        description="One page of results.",
        examples=[example] if example is not None else [],
    )
    return {
        (200, JSON): page,
        (200, CSV): OpenApiResponse(
            OpenApiTypes.STR,
            description="The same page as CSV: a header row, then one row per "
            "result. Paging is in the Link and X-Total-Count headers.",
        ),
        **NOT_MODIFIED,
        **ERRORS,
    }


def detail_responses(serializer, *, gone: bool = False) -> dict:
    return {
        (200, JSON): OpenApiResponse(serializer, description="The entry."),
        (200, CSV): OpenApiResponse(
            OpenApiTypes.STR, description="The entry as one CSV row under a header."
        ),
        **NOT_MODIFIED,
        **ERRORS,
        **NOT_FOUND,
        **(GONE if gone else {}),
    }


FORMAT = OpenApiParameter(
    "format",
    enum=["json", "csv"],
    description="The format of the answer: json (the default) or csv. "
    "'Accept: text/csv' does the same.",
)
PAGING = [
    OpenApiParameter(
        "page",
        {"type": "integer", "minimum": 1},
        description="Page number, from 1. A page past the last is a 400.",
    ),
    OpenApiParameter(
        "page_size",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
        description=f"Results per page: {PAGE_SIZE} unless given, at most "
        f"{MAX_PAGE_SIZE}.",
    ),
]


def slug_parameter(what: str) -> OpenApiParameter:
    return OpenApiParameter(
        "slug",
        SLUG_SCHEMA,
        OpenApiParameter.PATH,
        description=f"The {what}'s slug: its permanent identifier, as in "
        "the slug field of the list.",
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


class ApiSchema(AutoSchema):
    """drf-spectacular's AutoSchema, taking parameters from the view when it
    says (``schema_parameters``), worked out when the schema is generated."""

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        build = getattr(self.view, "schema_parameters", None)
        action = getattr(self.view, "action", None)
        return parameters + (build(action) if build else [])


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


RESPONSE_HEADERS = {
    "ETag": "A validator for this answer; send it back in If-None-Match.",
    "Last-Modified": "When public content last changed; for If-Modified-Since.",
    "Cache-Control": "public, max-age=<seconds>: public data, reusable briefly.",
}
LIST_HEADERS = {
    "Link": 'RFC 8288 links to the next and previous pages (rel="next", rel="prev").',
    "X-Total-Count": "Results in all pages together.",
}


def add_response_headers(result, generator, request, public):
    """Postprocessing hook: document the caching, paging and rate-limit headers,
    and that an empty single-valued parameter counts as not given (as HTML
    forms send them, so a query string copied from the search page works)."""
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                if (
                    parameter["in"] == "query"
                    and parameter["schema"].get("type") != "array"
                ):
                    parameter["allowEmptyValue"] = True
            responses = operation.get("responses", {})
            is_list = "page" in {p["name"] for p in operation.get("parameters", [])}
            for status, response in responses.items():
                headers: dict[str, dict[str, Any]] = {}
                if status in {"200", "304"}:
                    headers |= {
                        name: {"schema": {"type": "string"}, "description": text}
                        for name, text in RESPONSE_HEADERS.items()
                    }
                if status == "200" and is_list:
                    headers["Link"] = {
                        "schema": {"type": "string"},
                        "description": LIST_HEADERS["Link"],
                    }
                    headers["X-Total-Count"] = {
                        "schema": {"type": "integer", "minimum": 0},
                        "description": LIST_HEADERS["X-Total-Count"],
                    }
                if status == "429":
                    headers["Retry-After"] = {
                        "schema": {"type": "integer", "minimum": 1},
                        "description": "Seconds to wait before trying again.",
                        "required": True,
                    }
                if headers:
                    response["headers"] = headers
    return result
