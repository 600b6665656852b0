from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view

from practice_library.openapi import detail_responses, list_responses, page_of
from practice_library.viewsets import PublicReadOnlyViewSet
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
    """The themes of prevention work, in their curated order."""

    serializer_class = ThemeSerializer
    not_found_detail = "No theme has this slug."
    csv_filename = "themes.csv"
    schema_noun = "theme"

    def get_queryset(self) -> QuerySet[Theme]:
        return public_themes()
