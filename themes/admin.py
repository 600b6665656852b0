from typing import Any

from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest

from initiatives.models import EditorialState
from practice_library.admin import RestorableHistoryAdmin, SpreadsheetExportMixin
from themes.models import Theme


@admin.register(Theme)
class ThemeAdmin(SpreadsheetExportMixin, RestorableHistoryAdmin):
    list_display = ["name", "slug", "order", "published_initiatives"]
    list_editable = ["order"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Theme]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                published_count=Count(
                    "initiatives", filter=Q(initiatives__state=EditorialState.PUBLISHED)
                )
            )
        )

    @admin.display(description="Published initiatives", ordering="published_count")
    def published_initiatives(self, theme: Any) -> int:  # annotated by get_queryset
        return theme.published_count
