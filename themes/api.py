from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view

from practice_library.openapi import (
    FORMAT,
    detail_responses,
    list_responses,
    page_of,
    paging_parameters,
)
from practice_library.paging import MAX_PAGE_SIZE
from practice_library.viewsets import PublicReadOnlyViewSet, WholeListPagination
from themes.models import Theme
from themes.selectors import public_themes
from themes.serializers import ThemeSerializer


@extend_schema_view(
    list=extend_schema(
        summary="The themes of prevention work, in their curated order",
        responses=list_responses(page_of(ThemeSerializer, "ThemePage")),
    ),
    retrieve=extend_schema(
        summary="One theme", responses=detail_responses(ThemeSerializer)
    ),
)
class ThemeViewSet(PublicReadOnlyViewSet):
    """The themes of prevention work, in their curated order, all in one
    answer."""

    pagination_class = WholeListPagination

    def schema_parameters(self, action: str) -> list[OpenApiParameter]:
        if action == "list":
            return [*paging_parameters(MAX_PAGE_SIZE), FORMAT]
        return super().schema_parameters(action)

    serializer_class = ThemeSerializer
    not_found_detail = "No theme has this slug."
    csv_filename = "themes.csv"
    schema_noun = "theme"

    def get_queryset(self) -> QuerySet[Theme]:
        return public_themes()
