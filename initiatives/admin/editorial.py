"""The editorial workflow in the admin: state buttons, bulk actions, guards."""

import logging

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from initiatives.models import EditorialState, Initiative
from initiatives.services.content_version import one_content_change
from initiatives.services.publishing import (
    allowed_transitions,
    mark_reviewed,
    may_publish,
    transition,
)

logger = logging.getLogger(__name__)


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

    BUTTONS: dict[str, str] = {
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
        change_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=[entry.pk],
        )
        if (
            to_state == EditorialState.WITHDRAWN
            and request.POST.get("confirm") != "yes"
            and to_state in allowed_transitions(entry, request.user)
        ):
            return self._confirm_withdrawal(
                request,
                [entry],
                form_action=request.path,
                hidden=[("to_state", to_state)],
                reason=reason,
                cancel_url=change_url,
            )
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

    def _confirm_withdrawal(self, request, entries, **context) -> TemplateResponse:
        """The page that asks before entries leave public view."""
        return TemplateResponse(
            request,
            "admin/initiatives/confirm_withdrawal.html",
            {
                **self.admin_site.each_context(request),
                "title": "Withdraw from public view?",
                "opts": self.opts,
                "entries": entries,
                **context,
            },
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
        if request.POST.get("confirm") != "yes":
            entries = list(queryset)
            return self._confirm_withdrawal(
                request,
                entries,
                form_action=request.get_full_path(),
                hidden=[
                    ("action", "withdraw_selected"),
                    *((helpers.ACTION_CHECKBOX_NAME, entry.pk) for entry in entries),
                ],
                reason=request.POST.get("reason", ""),
                cancel_url=request.get_full_path(),
            )
        self._move_selected(request, queryset, EditorialState.WITHDRAWN, "Withdrew")
        return None
