"""Curation of the library in the Django admin."""

import logging

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from import_export import resources
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.fields import Field
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ConfirmImportForm, ImportForm

from initiatives.forms import GovernancePeriodForm, InitiativeAdminForm
from initiatives.history import RestorableHistoryAdmin
from initiatives.imports import InitiativeResource, with_import_relations
from initiatives.models import (
    Briefing,
    BriefingMention,
    EditorialState,
    Funding,
    GovernancePeriod,
    Initiative,
    InitiativeOrganisation,
    KeyFinding,
    Organisation,
    PartnerApiKey,
    PoliceArea,
    StateChange,
    Suggestion,
    TargetGroup,
    ToolkitLink,
)
from initiatives.quality import ROW_LIMIT, data_quality_report
from initiatives.services.api_keys import issue_api_key, revoke_api_key
from initiatives.services.content_version import one_content_change
from initiatives.services.publishing import (
    allowed_transitions,
    mark_reviewed,
    may_publish,
    transition,
)

logger = logging.getLogger(__name__)

admin.site.site_header = "PCC early intervention practice library: curation"
admin.site.site_title = "Practice library curation"
admin.site.index_title = "Curate the library"


class SpreadsheetExportMixin(ExportMixin):
    """Export of the (filtered) change list as CSV or XLSX."""

    export_formats = [CSV, XLSX]


class InitiativeImportForm(ImportForm):
    allow_duplicates = forms.BooleanField(
        label="Import likely duplicates too",
        required=False,
        help_text="Rows with the same title and police area as an entry already "
        "in the library (or an earlier row) are refused unless this is ticked.",
    )


class InitiativeConfirmImportForm(ConfirmImportForm):
    allow_duplicates = forms.BooleanField(required=False, widget=forms.HiddenInput)


class InitiativeImportMixin(ImportExportMixin):
    """The admin's import page, on the same resource as the command."""

    resource_classes = [InitiativeResource]
    import_formats = [CSV, XLSX]
    export_formats = [CSV, XLSX]
    import_form_class = InitiativeImportForm
    confirm_form_class = InitiativeConfirmImportForm

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        cleaned = getattr(form, "cleaned_data", {}) or {}
        return {
            "actor": request.user,
            "allow_duplicates": bool(cleaned.get("allow_duplicates")),
        }

    def get_export_resource_kwargs(self, request, **kwargs):
        return {}

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["allow_duplicates"] = import_form.cleaned_data["allow_duplicates"]
        return initial

    def get_export_queryset(self, request):
        return with_import_relations(super().get_export_queryset(request))

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The whole import was rolled back (the file changed, or the
            # library did, since the preview): say so instead of "imported".
            self.message_user(
                request,
                "Nothing was imported: the file no longer passes the checks. "
                "Import it again to see why.",
                messages.ERROR,
            )
            return redirect(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_import"
            )
        return super().process_result(result, request)


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


@admin.register(Organisation)
class OrganisationAdmin(SpreadsheetExportMixin, RestorableHistoryAdmin):
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


class TransitionActionForm(helpers.ActionForm):
    """The change list's action bar, with a reason kept with state changes."""

    reason = forms.CharField(
        label="Reason (optional):",
        required=False,
        max_length=1000,
        widget=forms.TextInput(attrs={"size": 40}),
    )


def _problem(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


class _ActionRefused(Exception):
    """Rolls a bulk action back when any selected entry was refused."""


class EditorialAdminMixin(admin.ModelAdmin):
    """The editorial workflow in the admin: buttons, bulk actions, guards.

    The ``state`` field is never in a form: states change only through
    ``initiatives.services.publishing.transition``, from the buttons on the change page
    or the bulk actions, which check the user's rights on the server.
    Published entries keep their slug and are withdrawn rather than deleted.
    """

    action_form = TransitionActionForm
    change_form_template = "admin/initiatives/editorial_change_form.html"
    # Kept from the stored row whatever a form (or a restored version) holds.
    protected_fields = ["state", "published_at", "withdrawn_at"]

    BUTTONS = {
        EditorialState.IN_REVIEW: "Submit for review",
        EditorialState.PUBLISHED: "Publish",
        EditorialState.WITHDRAWN: "Withdraw from public view",
        EditorialState.DRAFT: "Return to draft",
    }

    def has_publish_permission(self, request) -> bool:
        return may_publish(request.user, self.model)

    def has_change_permission(self, request, obj=None):
        # What the public sees changes only through a publisher.
        if (
            obj is not None
            and obj.state == EditorialState.PUBLISHED
            and not self.has_publish_permission(request)
        ):
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        # A published entry's address is cited: it must not move. The form
        # that restores a version keeps the field (django-simple-history
        # prepopulates it regardless); save_model keeps the stored slug.
        restoring = getattr(request, "_restoring_version", None) is not None
        if obj is not None and obj.published_at is not None and not restoring:
            readonly.append("slug")
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

    def get_protected_fields(self, request) -> list[str]:
        return list(self.protected_fields)

    def save_model(self, request, obj, form, change):
        if change:
            stored = (
                type(obj)
                .objects.filter(pk=obj.pk)
                .values("slug", *self.get_protected_fields(request))
                .get()
            )
            if stored["published_at"] is None:
                del stored["slug"]
            for name, value in stored.items():
                setattr(obj, name, value)
        else:
            obj.state = EditorialState.DRAFT
            obj.published_at = obj.withdrawn_at = None
        super().save_model(request, obj, form, change)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/state/",
                self.admin_site.admin_view(self.state_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_state",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        entry = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if entry is not None:
            context["editorial_buttons"] = [
                (state, self.BUTTONS[state])
                for state in allowed_transitions(entry, request.user)
            ]
            context["can_mark_reviewed"] = isinstance(
                entry, Initiative
            ) and self.has_publish_permission(request)
            context["state_changes"] = entry.state_changes.select_related("actor")[:10]
            context["state_url"] = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_state",
                args=[entry.pk],
            )
        return super().change_view(request, object_id, form_url, context)

    def state_view(self, request, object_id):
        """Move one entry to another state (the buttons on its change page)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        entry = self.get_object(request, unquote(object_id))
        if entry is None:
            raise Http404
        if not self.has_view_or_change_permission(request, entry):
            raise PermissionDenied
        to_state = request.POST.get("to_state", "")
        reason = request.POST.get("reason", "")[:1000]
        try:
            if to_state == "reviewed" and isinstance(entry, Initiative):
                mark_reviewed(entry, actor=request.user)
                done = "Marked as reviewed today."
            elif to_state in EditorialState.values:
                transition(entry, to_state, actor=request.user, reason=reason)
                done = f"Now {EditorialState(to_state).label.lower()}."
            else:
                raise ValidationError("Choose one of the buttons.")
        except (ValidationError, PermissionDenied) as error:
            self.message_user(request, _problem(error), messages.ERROR)
        else:
            self.message_user(request, f"“{entry}”: {done}", messages.SUCCESS)
        return redirect(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", entry.pk
        )

    def _apply(self, request, queryset, change, verb: str) -> None:
        """Make ``change`` to every selected entry, or to none of them.

        Every entry is tried, so that the message names every refusal at
        once; one refusal, or any failure, rolls the whole action back.
        """
        entries = list(queryset)
        refused: list[str] = []
        try:
            with transaction.atomic(), one_content_change():
                for entry in entries:
                    try:
                        change(entry)
                    except (ValidationError, PermissionDenied) as error:
                        refused.append(f"{entry}: {_problem(error)}")
                if refused:
                    raise _ActionRefused
        except _ActionRefused:
            self.message_user(
                request,
                f"Nothing was changed: {len(refused)} of the {len(entries)} "
                "selected entries cannot be changed so. Fix or unselect them "
                "and try again.",
                messages.ERROR,
            )
            for problem in refused:
                self.message_user(request, problem, messages.ERROR)
            return
        except Exception:
            logger.exception("Bulk action %r failed; rolled back", verb)
            self.message_user(
                request,
                "Nothing was changed: the action failed part-way and was undone. "
                "The error has been logged; please try again or tell the site's "
                "administrator.",
                messages.ERROR,
            )
            return
        self.message_user(request, f"{verb} {len(entries)} entries.", messages.SUCCESS)

    def _move_selected(self, request, queryset, to_state: str, verb: str) -> None:
        reason = request.POST.get("reason", "")[:1000]
        self._apply(
            request,
            queryset,
            lambda entry: transition(
                entry, to_state, actor=request.user, reason=reason
            ),
            verb,
        )

    @admin.action(description="Submit the selected entries for review")
    def submit_selected(self, request, queryset):
        self._move_selected(request, queryset, EditorialState.IN_REVIEW, "Submitted")

    @admin.action(description="Return the selected entries to draft")
    def return_to_draft_selected(self, request, queryset):
        self._move_selected(request, queryset, EditorialState.DRAFT, "Returned")

    @admin.action(description="Publish the selected entries", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._move_selected(request, queryset, EditorialState.PUBLISHED, "Published")

    @admin.action(
        description="Withdraw the selected entries from public view",
        permissions=["publish"],
    )
    def withdraw_selected(self, request, queryset):
        self._move_selected(request, queryset, EditorialState.WITHDRAWN, "Withdrew")


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
    EditorialAdminMixin, InitiativeImportMixin, RestorableHistoryAdmin
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
        return ", ".join(area.name for area in initiative.police_areas.all())


class KeyFindingInline(admin.TabularInline):
    model = KeyFinding
    extra = 0


@admin.register(Briefing)
class BriefingAdmin(
    EditorialAdminMixin, SpreadsheetExportMixin, RestorableHistoryAdmin
):
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
        with transaction.atomic():  # all the selected keys, or none
            for key in queryset.filter(revoked_at__isnull=True):
                revoke_api_key(key)
                count += 1
        self.message_user(request, f"Revoked {count} keys.", messages.SUCCESS)


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
