"""Importing initiatives from a spreadsheet in the admin, on the same resource
as ``manage.py import_initiatives``; the confirmation reaches only the same
user's upload (``practice_library.pending_imports``)."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm

from initiatives.imports import InitiativeResource, with_import_relations
from practice_library.pending_imports import (
    PendingImportConfirmForm,
    PendingImportMixin,
)
from practice_library.spreadsheets import SPREADSHEET_FORMATS


class InitiativeImportForm(ImportForm):
    allow_duplicates = forms.BooleanField(
        label="Import likely duplicates too",
        required=False,
        help_text="Rows with the same title and police area as an entry already "
        "in the library (or an earlier row) are refused unless this is ticked.",
    )


class InitiativeConfirmImportForm(PendingImportConfirmForm):
    allow_duplicates = forms.BooleanField(required=False, widget=forms.HiddenInput)


class InitiativeImportMixin(PendingImportMixin, ImportExportMixin):
    """The admin's import page, on the same resource as the command."""

    resource_classes = [InitiativeResource]
    import_formats = [CSV, XLSX]
    export_formats = SPREADSHEET_FORMATS
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
