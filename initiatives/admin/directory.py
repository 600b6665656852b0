"""Organisations and target groups."""

from django.contrib import admin

from initiatives.models import Organisation, TargetGroup
from practice_library.admin import RestorableHistoryAdmin, SpreadsheetExportMixin
from practice_library.optimistic_locking import OptimisticLockAdminMixin


@admin.register(Organisation)
class OrganisationAdmin(
    OptimisticLockAdminMixin, SpreadsheetExportMixin, RestorableHistoryAdmin
):
    list_display = ["name", "kind", "police_area", "website"]
    list_filter = ["kind", "is_demo"]
    list_select_related = ["police_area"]
    search_fields = ["name", "slug", "org_id"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["police_area"]
    readonly_fields = ["is_demo", "created_at", "updated_at"]


@admin.register(TargetGroup)
class TargetGroupAdmin(SpreadsheetExportMixin, RestorableHistoryAdmin):
    list_display = ["name", "slug", "min_age", "max_age", "order"]
    list_editable = ["order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
