"""The library's part of the OpenAPI description: examples, facets and keys.

drf-spectacular builds most of the schema from the serializers, the filters'
parameters from the FilterSets (``practice_library.openapi`` adds what it
cannot see), and ``practice_library.openapi`` what every endpoint shares.
This module adds a worked example of a search, the ``facets`` parameter and
the partners' API key scheme.
"""

from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.utils import OpenApiExample, OpenApiParameter

from initiatives.filters import InitiativeFilterSet

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


FACETS_PARAMETER = OpenApiParameter(
    "facets",
    {
        "type": "array",
        "items": {"type": "string", "enum": list(InitiativeFilterSet.facet_names())},
    },
    style="form",
    explode=True,
    examples=[OpenApiExample("Three facets", value=["theme", "police_area", "status"])],
    description="Facets to count: repeat the parameter "
    "(facets=theme&facets=status), or separate them with commas "
    "(facets=theme,police_area,status). "
    "Each option's count is the number of results there would be with that "
    "option chosen, taking every other active filter into account but not the "
    "facet's own (the disjunctive rule the search page uses).",
)


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "initiatives.authentication.ApiKeyAuthentication"
    name = ["ApiKey", "ApiKeyHeader", "Bearer"]

    def get_security_requirement(self, auto_schema):
        # Any one will do; without a key the lower anonymous rate applies.
        return [{"ApiKey": []}, {"ApiKeyHeader": []}, {"Bearer": []}]

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
            {
                "type": "http",
                "scheme": "bearer",
                "description": "The same key as 'Authorization: Bearer <key>'. "
                "A wrong or revoked key is refused with 401, never read as no key.",
            },
        ]


class SlugListSchema(OpenApiSerializerFieldExtension):
    """A suggestion's lists of slugs as the server checks them: slugs of the
    areas or themes there are (the controlled vocabularies the list filters
    enumerate too), at most ``max_length`` of them, at least one unless
    empty is allowed, so a generated client (or schemathesis) never sends a
    list that is refused."""

    target_class = "initiatives.serializers.SlugsField"

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(
            self.target, direction, bypass_extensions=True
        )
        child = self.target.child_relation
        slugs = child.queryset.order_by(child.slug_field).values_list(
            child.slug_field, flat=True
        )
        schema["items"] = {"type": "string", "pattern": r"^[-a-zA-Z0-9_]+$"}
        if slugs:  # an enum lists at least one value
            schema["items"]["enum"] = list(slugs)
        schema["maxItems"] = self.target.max_length
        if not self.target.allow_empty:
            schema["minItems"] = 1
        return schema
