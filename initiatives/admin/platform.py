"""Partners' API keys: issued with the whole key shown once, revoked, never deleted."""

from weakref import WeakKeyDictionary

from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers

from initiatives.models import PartnerApiKey
from initiatives.services.api_keys import issue_api_key, revoke_api_key


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

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The whole key issued by each add request, from its save to its page.
        self.issued_keys: WeakKeyDictionary[HttpRequest, str] = WeakKeyDictionary()

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
        self.issued_keys[request] = issue_api_key(obj)

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
                "whole_key": self.issued_keys.pop(request),
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
