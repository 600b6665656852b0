"""The record of editorial moves, the suggestions from the field and the
problems visitors report with the website."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from import_export import resources
from import_export.fields import Field

from initiatives.models import ProblemReport, StateChange, Suggestion
from practice_library.admin import SpreadsheetExportMixin


@admin.register(StateChange)
class StateChangeAdmin(SpreadsheetExportMixin, admin.ModelAdmin):
    """The record of editorial moves: read only, written by the workflow."""

    list_display = ["changed_at", "entry", "from_state", "to_state", "actor", "reason"]
    list_filter = ["to_state", "from_state"]
    list_select_related = ["initiative", "briefing", "actor"]
    search_fields = ["initiative__title", "briefing__title", "reason"]
    date_hierarchy = "changed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SuggestionResource(resources.ModelResource):
    """Suggestions as a spreadsheet, without the submitters' private details."""

    draft = Field(attribute="initiative__slug", column_name="draft")

    class Meta:
        model = Suggestion
        fields = ["id", "title", "status", "source", "draft", "created_at"]
        export_order = fields


@admin.register(Suggestion)
class SuggestionAdmin(SpreadsheetExportMixin, admin.ModelAdmin):
    """Suggestions from the field, newest first; new ones counted in the filter."""

    resource_classes = [SuggestionResource]
    list_display = ["title", "status", "source", "created_at", "draft"]
    list_filter = ["status", "source"]
    show_facets = admin.ShowFacets.ALWAYS
    list_select_related = ["initiative"]
    search_fields = [
        "title",
        "submitter_name",
        "submitter_email",
        "submitter_organisation",
    ]
    date_hierarchy = "created_at"
    fields = [
        "title",
        "draft",
        "status",
        "curator_note",
        "source",
        "submitter_name",
        "submitter_email",
        "submitter_organisation",
        "consent_given_at",
        "created_at",
    ]
    readonly_fields = [
        "title",
        "draft",
        "source",
        "submitter_name",
        "submitter_email",
        "submitter_organisation",
        "consent_given_at",
        "created_at",
    ]
    actions = ["mark_in_hand", "mark_done"]

    def has_add_permission(self, request):
        return False  # suggestions come from the field

    @admin.display(description="Draft initiative")
    def draft(self, suggestion: Suggestion) -> str:
        if suggestion.initiative is None:
            return "deleted"
        url = reverse(
            "admin:initiatives_initiative_change", args=[suggestion.initiative_id]
        )
        return format_html(
            '<a href="{}">{} ({})</a>',
            url,
            suggestion.initiative,
            suggestion.initiative.get_state_display(),
        )

    @admin.action(description="Mark as being looked at", permissions=["change"])
    def mark_in_hand(self, request, queryset):
        count = queryset.update(status=Suggestion.Status.IN_HAND)
        self.message_user(request, f"{count} suggestions marked as being looked at.")

    @admin.action(description="Mark as dealt with", permissions=["change"])
    def mark_done(self, request, queryset):
        count = queryset.update(status=Suggestion.Status.DONE)
        self.message_user(request, f"{count} suggestions marked as dealt with.")


class ProblemReportResource(resources.ModelResource):
    """Reports as a spreadsheet, without the reply addresses."""

    class Meta:
        model = ProblemReport
        fields = ["id", "created_at", "kind", "page", "description", "status"]
        export_order = fields


@admin.register(ProblemReport)
class ProblemReportAdmin(SpreadsheetExportMixin, admin.ModelAdmin):
    """Problems reported with the website, newest first; new ones counted in
    the filter. What the visitor sent cannot be changed; curators set the
    status and keep a note."""

    resource_classes = [ProblemReportResource]
    list_display = ["created_at", "kind", "status", "page_link", "summary"]
    list_display_links = ["created_at"]
    list_filter = ["status", "kind"]
    show_facets = admin.ShowFacets.ALWAYS
    search_fields = ["description", "page", "reply_email"]
    date_hierarchy = "created_at"
    fields = [
        "kind",
        "page_link",
        "description",
        "reply_email",
        "created_at",
        "status",
        "curator_note",
    ]
    readonly_fields = ["kind", "page_link", "description", "reply_email", "created_at"]
    actions = ["mark_in_hand", "mark_done"]

    def has_add_permission(self, request):
        return False  # reports come from visitors

    @admin.display(description="Page", ordering="page")
    def page_link(self, report: ProblemReport) -> str:
        # Only a path on this site is ever stored (ProblemReportForm).
        if not report.page:
            return "—"
        return format_html('<a href="{}">{}</a>', report.page, report.page)

    @admin.display(description="What went wrong")
    def summary(self, report: ProblemReport) -> str:
        return Truncator(report.description).chars(80)

    @admin.action(description="Mark as being looked at", permissions=["change"])
    def mark_in_hand(self, request, queryset):
        count = queryset.update(status=ProblemReport.Status.IN_HAND)
        self.message_user(request, f"{count} reports marked as being looked at.")

    @admin.action(description="Mark as dealt with", permissions=["change"])
    def mark_done(self, request, queryset):
        count = queryset.update(status=ProblemReport.Status.DONE)
        self.message_user(request, f"{count} reports marked as dealt with.")
