"""Curation of the library in the Django admin."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers

from initiatives.forms import GovernancePeriodForm, InitiativeAdminForm
from initiatives.models import (
    Briefing,
    BriefingMention,
    Funding,
    GovernancePeriod,
    Initiative,
    InitiativeOrganisation,
    KeyFinding,
    Organisation,
    PartnerApiKey,
    PoliceArea,
    TargetGroup,
    ToolkitLink,
)
from initiatives.services import (
    issue_api_key,
    publish_briefing,
    publish_initiative,
    revoke_api_key,
    withdraw_briefing,
    withdraw_initiative,
)

admin.site.site_header = "PCC early intervention practice library: curation"
admin.site.site_title = "Practice library curation"
admin.site.index_title = "Curate the library"


class GovernancePeriodInline(admin.TabularInline):
    model = GovernancePeriod
    form = GovernancePeriodForm
    extra = 0
    fields = [
        "kind",
        "body_name",
        "started_on",
        "started_on_precision",
        "ended_on",
        "ended_on_precision",
        "note",
        "source_url",
    ]


@admin.register(PoliceArea)
class PoliceAreaAdmin(admin.ModelAdmin):
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
class GovernancePeriodAdmin(admin.ModelAdmin):
    form = GovernancePeriodForm
    list_display = ["body_name", "police_area", "kind", "started", "ended"]
    list_filter = ["kind", "police_area__nation"]
    list_select_related = ["police_area"]
    search_fields = ["body_name", "police_area__name"]
    autocomplete_fields = ["police_area"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "police_area", "website"]
    list_filter = ["kind", "is_demo"]
    list_select_related = ["police_area"]
    search_fields = ["name", "slug", "org_id"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["police_area"]
    readonly_fields = ["is_demo", "created_at", "updated_at"]


@admin.register(TargetGroup)
class TargetGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "min_age", "max_age", "order"]
    list_editable = ["order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class InitiativeOrganisationInline(admin.TabularInline):
    model = InitiativeOrganisation
    extra = 0
    autocomplete_fields = ["organisation"]


class FundingInline(admin.TabularInline):
    model = Funding
    extra = 0
    autocomplete_fields = ["funder"]


class ToolkitLinkInline(admin.TabularInline):
    model = ToolkitLink
    extra = 0


class BriefingMentionInline(admin.TabularInline):
    model = BriefingMention
    extra = 0
    autocomplete_fields = ["briefing", "initiative"]
    verbose_name = "mention in a briefing"
    verbose_name_plural = "mentions in briefings"


class EditorialAdminMixin:
    """Publishing and withdrawing as actions; published entries keep their slug."""

    publish = staticmethod(publish_initiative)
    withdraw = staticmethod(withdraw_initiative)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.published_at is not None:
            readonly.append("slug")  # its address is cited: it must not move
        return readonly

    def get_prepopulated_fields(self, request, obj=None):
        if obj is not None and obj.published_at is not None:
            return {}
        return super().get_prepopulated_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Once public, an entry is withdrawn rather than deleted, so that
        # mirrors learn it has gone and citations still resolve to a notice.
        if obj is not None and obj.published_at is not None:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def _apply(self, request, queryset, change, verb: str) -> None:
        done, refused = 0, []
        for entry in queryset:
            try:
                change(entry)
            except ValidationError as error:
                refused.append(f"{entry}: {' '.join(error.messages)}")
            else:
                done += 1
        if done:
            self.message_user(request, f"{verb} {done} entries.", messages.SUCCESS)
        for problem in refused:
            self.message_user(request, f"Not {verb.lower()}: {problem}", messages.ERROR)

    @admin.action(description="Publish the selected entries")
    def publish_selected(self, request, queryset):
        self._apply(request, queryset, self.publish, "Published")

    @admin.action(description="Withdraw the selected entries from public view")
    def withdraw_selected(self, request, queryset):
        self._apply(request, queryset, self.withdraw, "Withdrew")


@admin.register(Initiative)
class InitiativeAdmin(EditorialAdminMixin, admin.ModelAdmin):
    form = InitiativeAdminForm
    list_display = [
        "title",
        "area_names",
        "state",
        "status",
        "evidence_stage",
        "updated_at",
    ]
    list_filter = [
        "state",
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
        InitiativeOrganisationInline,
        FundingInline,
        ToolkitLinkInline,
        BriefingMentionInline,
    ]
    actions = ["publish_selected", "withdraw_selected"]
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
                    ("start_date", "start_date_precision"),
                    ("end_date", "end_date_precision"),
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

    @admin.display(description="Police areas")
    def area_names(self, initiative: Initiative) -> str:
        return ", ".join(area.name for area in initiative.police_areas.all())


class KeyFindingInline(admin.TabularInline):
    model = KeyFinding
    extra = 0


@admin.register(Briefing)
class BriefingAdmin(EditorialAdminMixin, admin.ModelAdmin):
    publish = staticmethod(publish_briefing)
    withdraw = staticmethod(withdraw_briefing)

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
    actions = ["publish_selected", "withdraw_selected"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Briefing]:
        return super().get_queryset(request).annotate(mention_count=Count("mentions"))

    @admin.display(description="Initiatives featured", ordering="mention_count")
    def mentions(self, briefing: Briefing) -> int:
        return briefing.mention_count


@admin.register(PartnerApiKey)
class PartnerApiKeyAdmin(admin.ModelAdmin):
    """Issue and revoke partners' API keys; the whole key is shown only once."""

    list_display = [
        "partner_name",
        "organisation",
        "prefix",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["organisation", "created_by"]
    search_fields = ["partner_name", "prefix", "organisation__name"]
    autocomplete_fields = ["organisation"]
    actions = ["revoke_selected"]
    readonly_fields = [
        "prefix",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
    ]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["partner_name", "organisation"]
        return ["partner_name", "organisation", *self.readonly_fields]

    def has_delete_permission(self, request, obj=None):
        # Revoked, not deleted: the record of who had a key, and when, stays.
        return False

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        obj.created_by = request.user
        request._issued_api_key = issue_api_key(obj)  # type: ignore[attr-defined]

    def response_add(self, request, obj, post_url_continue=None) -> HttpResponse:
        # The key is shown on this page and nowhere else: not in a message
        # (stored in the session or a cookie), not in a log, not in a URL.
        response = TemplateResponse(
            request,
            "admin/initiatives/partnerapikey/issued.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "API key issued",
                "api_key": obj,
                "whole_key": request._issued_api_key,  # type: ignore[attr-defined]
            },
        )
        add_never_cache_headers(response)
        return response

    @admin.action(description="Revoke the selected keys (refused at once)")
    def revoke_selected(self, request, queryset):
        count = 0
        for key in queryset.filter(revoked_at__isnull=True):
            revoke_api_key(key)
            count += 1
        self.message_user(request, f"Revoked {count} keys.", messages.SUCCESS)
