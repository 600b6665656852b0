"""What every API endpoint's OpenAPI description shares.

drf-spectacular builds most of the schema from the serializers, and the query
parameters of a list from its FilterSet; this module adds what it cannot
see: the values a slug filter accepts (listed from the database when the
schema is generated), one description per parameter, the error responses in
their one shape, the CSV alternative, paging and format parameters, the
schema of a page, and the caching, paging and rate-limit headers.
"""

from typing import Any

import django_filters
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema_serializer,
)
from rest_framework import serializers

from practice_library.paging import MAX_PAGE_SIZE, PAGE_SIZE

SLUG_SCHEMA = {"type": "string", "pattern": r"^[-a-zA-Z0-9_]+$"}


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
        help_text="For 400 (or the 404 of a page past the last): each bad "
        "parameter with its problems; otherwise empty.",
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
                "themes": [
                    "Unknown parameter 'themes' (did you mean 'theme'?); "
                    "accepted: format, page, page_size, theme."
                ],
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
PAGE_NOT_FOUND = {
    (404, JSON): _error(
        "A page past the last (the list may have shrunk since the link was "
        "given: sync through /api/v1/changes/, whose links never fail).",
        _example(
            404,
            "not_found",
            "There is no page 4: the 45 results fit on 3 pages.",
            {"page": ["There is no page 4: the 45 results fit on 3 pages."]},
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
        **PAGE_NOT_FOUND,
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


def paging_parameters(default: int = PAGE_SIZE) -> list[OpenApiParameter]:
    return [
        OpenApiParameter(
            "page",
            {"type": "integer", "minimum": 1},
            description="Page number, from 1. A page past the last is a 404.",
        ),
        OpenApiParameter(
            "page_size",
            {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            description=f"Results per page: {default} unless given, at most "
            f"{MAX_PAGE_SIZE}.",
        ),
    ]


PAGING = paging_parameters()


def slug_parameter(what: str) -> OpenApiParameter:
    return OpenApiParameter(
        "slug",
        SLUG_SCHEMA,
        OpenApiParameter.PATH,
        description=f"The {what}'s slug: its permanent identifier, as in "
        "the slug field of the list.",
    )


class FilterSetParameters(DjangoFilterExtension):
    """drf-spectacular's reading of a list's FilterSet, with what it cannot see.

    Each filter is one query parameter, typed by drf-spectacular from the
    filter (a multiple-choice filter is a repeatable array). To that it adds:
    the slugs a slug filter accepts, listed from the database when the
    schema is generated, for controlled vocabularies only: a filter marked
    ``listed_in_schema = False`` (curators' data, such as organisations,
    which grows every week) is documented as a slug pattern, so a client
    generated from the schema does not go stale when curators add a row; the choices in their declared order; the filter's
    label and help as the description. A filter annotated with
    ``extend_schema_field`` keeps the schema (and description) it gives.
    """

    target_class = "practice_library.filters.FilterBackend"
    match_subclasses = True
    priority = 1  # before drf-spectacular's own extension for the backend

    def resolve_filter_field(
        self, auto_schema, model, filterset_class, field_name, filter_field
    ):
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        annotated = hasattr(filter_field, "_spectacular_annotation")
        for parameter in parameters:
            schema = parameter["schema"]
            values = schema["items"] if schema.get("type") == "array" else schema
            if annotated:
                continue
            if isinstance(
                filter_field,
                django_filters.ModelChoiceFilter
                | django_filters.ModelMultipleChoiceFilter,
            ):
                values.clear()
                values.update(SLUG_SCHEMA)
                if getattr(filter_field, "listed_in_schema", True):
                    values["enum"] = _listed_slugs(filter_field)
            elif "choices" in filter_field.extra:
                values["enum"] = [value for value, _ in filter_field.extra["choices"]]
            parameter["description"] = _described(field_name, filter_field)
        return parameters


def _listed_slugs(filter_field: django_filters.Filter) -> list[str]:
    queryset = filter_field.queryset
    to_field = filter_field.extra.get("to_field_name", "slug")
    return list(queryset.order_by(to_field).values_list(to_field, flat=True))


def _described(name: str, filter_field: django_filters.Filter) -> str:
    parts = [str(filter_field.label or name)]
    if filter_field.extra.get("help_text"):
        parts.append(str(filter_field.extra["help_text"]))
    text = ". ".join(part.rstrip(".") for part in parts) + "."
    choices = filter_field.extra.get("choices")
    if choices and not isinstance(filter_field, django_filters.MultipleChoiceFilter):
        text += " One of: " + ", ".join(
            f"{value} ({label})" for value, label in choices
        )
    if isinstance(filter_field, django_filters.MultipleChoiceFilter):
        text += " Repeat the parameter for several values (any matches)."
    return text


class ApiSchema(AutoSchema):
    """drf-spectacular's AutoSchema, taking parameters from the view when it
    says (``schema_parameters``), worked out when the schema is generated."""

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        build = getattr(self.view, "schema_parameters", None)
        action = getattr(self.view, "action", None)
        return parameters + (build(action) if build else [])


RESPONSE_HEADERS = {
    "ETag": "A validator for this answer; send it back in If-None-Match.",
    "Last-Modified": "When public content last changed; for If-Modified-Since.",
    "Cache-Control": "public, max-age=<seconds>: public data, reusable briefly.",
}
RATE_LIMIT_HEADERS = {
    "RateLimit-Limit": "Requests the client may make in the current window.",
    "RateLimit-Remaining": "Requests left in the current window.",
    "RateLimit-Reset": "Seconds until the window starts again.",
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
                if status == "200" or status == "429":
                    headers |= {
                        name: {
                            "schema": {"type": "integer", "minimum": 0},
                            "description": text,
                        }
                        for name, text in RATE_LIMIT_HEADERS.items()
                    }
                if status == "200":
                    headers["Link"] = {
                        "schema": {"type": "string"},
                        "description": 'The data\'s licence (rel="license", the '
                        "Open Government Licence v3.0)"
                        + ("; on lists, " + LIST_HEADERS["Link"] if is_list else "."),
                    }
                if status == "200" and is_list:
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


@extend_schema_serializer(many=False)
class PageSerializer(serializers.Serializer):
    count = serializers.IntegerField(
        read_only=True, help_text="Results in all pages together."
    )
    next = serializers.URLField(read_only=True, allow_null=True)
    previous = serializers.URLField(read_only=True, allow_null=True)


def page_of(row: type[serializers.Serializer], name: str) -> type:
    """The schema of one page of ``row`` objects."""
    return extend_schema_serializer(many=False)(
        type(name, (PageSerializer,), {"results": row(many=True, read_only=True)})
    )
