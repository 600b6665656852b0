"""Organisations and target groups."""

from django.contrib import admin
from django.db.models import QuerySet

from initiatives.admin.public_facts import PublisherFieldsAdminMixin
from initiatives.models import Organisation, TargetGroup
from initiatives.selectors import public_organisations
from practice_library.admin import RestorableHistoryAdmin, SpreadsheetExportMixin
from practice_library.optimistic_locking import OptimisticLockAdminMixin


@admin.register(Organisation)
class OrganisationAdmin(
    OptimisticLockAdminMixin,
    PublisherFieldsAdminMixin,
    SpreadsheetExportMixin,
    RestorableHistoryAdmin,
):
    # On an organisation the public can see: publishers only.
    publisher_fields = ("name", "website")
    list_display = ["name", "kind", "police_area", "website"]
    list_filter = ["kind", "is_demo"]
    list_select_related = ["police_area"]
    search_fields = ["name", "slug", "org_id"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["police_area"]
    readonly_fields = ["is_demo", "created_at", "updated_at"]

    def public_records(self) -> QuerySet[Organisation]:
        return public_organisations()


@admin.register(TargetGroup)
class TargetGroupAdmin(SpreadsheetExportMixin, RestorableHistoryAdmin):
    list_display = ["name", "slug", "min_age", "max_age", "order"]
    list_editable = ["order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
