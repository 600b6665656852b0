"""API output for themes: a summary for nesting, the whole theme for its endpoint."""

from rest_framework import serializers

from practice_library.serializer_fields import (
    ApiUrlField,
    FilteredListUrlField,
    PageUrlField,
    UtcDateTimeField,
)
from themes.models import Theme


class ThemeSummarySerializer(serializers.ModelSerializer):
    url = ApiUrlField("api:theme-detail")
    page_url = PageUrlField("themes:detail")

    class Meta:
        model = Theme
        fields = ["slug", "name", "url", "page_url"]


class ThemeSerializer(ThemeSummarySerializer):
    initiatives_url = FilteredListUrlField(
        "api:initiative-list", "theme", "initiatives"
    )
    created_at = UtcDateTimeField()
    updated_at = UtcDateTimeField()

    class Meta:
        model = Theme
        fields = [
            "slug",
            "name",
            "description",
            "order",
            "url",
            "page_url",
            "initiatives_url",
            "created_at",
            "updated_at",
        ]
