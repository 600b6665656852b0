"""Police force areas and who governed them."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from initiatives.forms import GovernancePeriodForm
from initiatives.models import GovernancePeriod, PoliceArea
from practice_library.admin import RestorableHistoryAdmin, SpreadsheetExportMixin


class GovernancePeriodInline(admin.TabularInline):
    model = GovernancePeriod
    form = GovernancePeriodForm
    extra = 0
    fields = [
        "kind",
        "body_name",
        "started_on",
        "ended_on",
        "note",
        "source_url",
    ]


@admin.register(PoliceArea)
class PoliceAreaAdmin(SpreadsheetExportMixin, RestorableHistoryAdmin):
    list_display = ["name", "slug", "gss_code", "nation", "region", "governed_by"]
    list_filter = ["nation", "region"]
    search_fields = ["name", "slug", "gss_code"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    inlines = [GovernancePeriodInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[PoliceArea]:
        return super().get_queryset(request).with_governance()

    @admin.display(description="Governed by (today)")
    def governed_by(self, area: PoliceArea) -> str:
        period = area.current_governance
        return period.body_name if period else "-"


@admin.register(GovernancePeriod)
class GovernancePeriodAdmin(SpreadsheetExportMixin, RestorableHistoryAdmin):
    form = GovernancePeriodForm
    list_display = ["body_name", "police_area", "kind", "started", "ended"]
    list_filter = ["kind", "police_area__nation"]
    list_select_related = ["police_area"]
    search_fields = ["body_name", "police_area__name"]
    autocomplete_fields = ["police_area"]
