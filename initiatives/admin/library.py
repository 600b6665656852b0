"""Initiatives and briefings, with what links them."""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path

from initiatives.admin.editorial import EditorialAdminMixin
from initiatives.admin.imports import InitiativeImportMixin
from initiatives.admin.public_facts import PublisherFieldsAdminMixin
from initiatives.forms import (
    BriefingAdminForm,
    FundingForm,
    InitiativeAdminForm,
    SourceAdminForm,
)
from initiatives.models import (
    Briefing,
    BriefingMention,
    Funding,
    Initiative,
    InitiativeOrganisation,
    InitiativeSource,
    KeyFinding,
    Organisation,
    Source,
    ToolkitLink,
)
from initiatives.quality import ROW_LIMIT, data_quality_report
from initiatives.selectors import public_sources
from initiatives.services.publishing import mark_reviewed
from practice_library.admin import RestorableHistoryAdmin, SpreadsheetExportMixin
from practice_library.optimistic_locking import OptimisticLockAdminMixin


class InitiativeOrganisationInline(admin.TabularInline):
    model = InitiativeOrganisation
    extra = 0
    autocomplete_fields = ["organisation"]


class InitiativeSourceInline(admin.TabularInline):
    model = InitiativeSource
    extra = 0
    autocomplete_fields = ["source"]
    fields = ["source", "note", "is_evaluation", "order"]


class FundingInline(admin.TabularInline):
    model = Funding
    form = FundingForm
    extra = 0
    autocomplete_fields = ["funder", "source"]


class ToolkitLinkInline(admin.TabularInline):
    model = ToolkitLink
    extra = 0


class BriefingMentionInline(admin.TabularInline):
    model = BriefingMention
    extra = 0
    autocomplete_fields = ["briefing", "initiative"]
    verbose_name = "mention in a briefing"
    verbose_name_plural = "mentions in briefings"


class ReviewDueFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("due", "Not reviewed for 12 months")]

    def queryset(self, request, queryset):
        if self.value() == "due":
            return queryset.review_due()
        return queryset


@admin.register(Initiative)
class InitiativeAdmin(
    OptimisticLockAdminMixin,
    EditorialAdminMixin,
    InitiativeImportMixin,
    RestorableHistoryAdmin,
):
    form = InitiativeAdminForm
    list_display = [
        "title",
        "area_names",
        "state",
        "status",
        "evidence_stage",
        "last_reviewed_at",
        "updated_at",
    ]
    list_filter = [
        "state",
        ReviewDueFilter,
        "status",
        "evidence_stage",
        "evidence_outcome",
        "origin",
        "police_areas__nation",
        "themes",
        "police_areas",
    ]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["police_areas", "themes", "target_groups", "parent"]
    readonly_fields = [
        "state",
        "origin",
        "published_at",
        "withdrawn_at",
        "created_at",
        "updated_at",
    ]
    inlines = [
        InitiativeSourceInline,
        InitiativeOrganisationInline,
        FundingInline,
        ToolkitLinkInline,
        BriefingMentionInline,
    ]
    actions = [
        "submit_selected",
        "publish_selected",
        "withdraw_selected",
        "return_to_draft_selected",
        "mark_reviewed_selected",
    ]
    protected_fields = [*EditorialAdminMixin.protected_fields, "origin"]
    date_hierarchy = "updated_at"
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "description"]}),
        (
            "Where and for whom",
            {"fields": ["police_areas", "themes", "target_groups", "parent"]},
        ),
        (
            "Lifecycle",
            {
                "fields": [
                    "status",
                    "start_date",
                    "end_date",
                ]
            },
        ),
        (
            "Evidence",
            {
                "fields": [
                    "evidence_stage",
                    "evidence_outcome",
                    "evidence_msms_level",
                    "evidence_note",
                ]
            },
        ),
        ("Contact", {"fields": ["website", "contact_name", "contact_email"]}),
        (
            "Editorial",
            {
                "fields": [
                    "state",
                    "origin",
                    "last_reviewed_at",
                    "published_at",
                    "withdrawn_at",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Initiative]:
        return super().get_queryset(request).prefetch_related("police_areas")

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if not self.has_publish_permission(request):
            readonly.append("last_reviewed_at")  # set by publishers only
        return readonly

    def get_urls(self):
        return [
            path(
                "data-quality/",
                self.admin_site.admin_view(self.data_quality_view),
                name="initiatives_initiative_data_quality",
            ),
            *super().get_urls(),
        ]

    def data_quality_view(self, request):
        """What needs a curator, each row linked to the entry to fix."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "Data quality: what needs a curator",
            "opts": self.opts,
            "checks": data_quality_report(),
            "row_limit": ROW_LIMIT,
        }
        return TemplateResponse(request, "admin/initiatives/data_quality.html", context)

    def get_protected_fields(self, request) -> list[str]:
        protected = super().get_protected_fields(request)
        if not self.has_publish_permission(request):
            protected.append("last_reviewed_at")
        return protected

    @admin.action(
        description="Mark the selected entries as reviewed today",
        permissions=["publish"],
    )
    def mark_reviewed_selected(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda entry: mark_reviewed(entry, actor=request.user),
            "Marked as reviewed",
        )

    @admin.display(description="Police areas")
    def area_names(self, initiative: Initiative) -> str:
        return initiative.area_names


class KeyFindingInline(admin.TabularInline):
    model = KeyFinding
    extra = 0


@admin.register(Briefing)
class BriefingAdmin(
    OptimisticLockAdminMixin,
    EditorialAdminMixin,
    SpreadsheetExportMixin,
    RestorableHistoryAdmin,
):
    form = BriefingAdminForm
    list_display = ["title", "series", "number", "published_on", "state", "mentions"]
    list_filter = ["state", "series", "themes"]
    search_fields = ["title", "slug", "series", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["publishers", "themes"]
    readonly_fields = [
        "state",
        "published_at",
        "withdrawn_at",
        "created_at",
        "updated_at",
    ]
    inlines = [KeyFindingInline, BriefingMentionInline]
    actions = [
        "submit_selected",
        "publish_selected",
        "withdraw_selected",
        "return_to_draft_selected",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Briefing]:
        return super().get_queryset(request).annotate(mention_count=Count("mentions"))

    @admin.display(description="Initiatives featured", ordering="mention_count")
    def mentions(self, briefing: Any) -> int:  # annotated by get_queryset
        return briefing.mention_count


@admin.register(Source)
class SourceAdmin(
    OptimisticLockAdminMixin,
    PublisherFieldsAdminMixin,
    SpreadsheetExportMixin,
    RestorableHistoryAdmin,
):
    """The documents the library cites; editors add and change them, but
    the web addresses of one the public can see are a publisher's."""

    publisher_fields = ("url", "archived_url")

    form = SourceAdminForm
    list_display = [
        "title",
        "kind",
        "publisher_names",
        "published",
        "accessed_on",
        "citation_count",
    ]
    list_filter = ["kind", ("publishers", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "slug", "url", "authors", "publishers__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["publishers"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "updated_at"
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "summary"]}),
        (
            "Publication",
            {
                "fields": [
                    "publishers",
                    "authors",
                    "published_on",
                ]
            },
        ),
        ("Where to read it", {"fields": ["url", "accessed_on", "archived_url"]}),
        ("Record", {"fields": ["created_at", "updated_at"]}),
    ]

    def public_records(self) -> QuerySet[Source]:
        return public_sources()

    def get_queryset(self, request: HttpRequest) -> QuerySet[Source]:
        return (
            super()
            .get_queryset(request)
            .annotate(cited_by=Count("citations", distinct=True))
            .prefetch_related(
                Prefetch("publishers", queryset=Organisation.objects.order_by("name"))
            )
        )

    @admin.display(description="Publishers")
    def publisher_names(self, source: Source) -> str:
        return ", ".join(publisher.name for publisher in source.publishers.all())

    @admin.display(description="Published", ordering="published_on")
    def published(self, source: Source) -> str:
        return source.published

    @admin.display(description="Cited by", ordering="cited_by")
    def citation_count(self, source: Any) -> int:  # annotated by get_queryset
        return source.cited_by
