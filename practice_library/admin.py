"""Admin plumbing every app shares: spreadsheet exports, and versions.

Every version of curated content is viewable and restorable in the admin.
django-simple-history keeps a row per save (and per change to tracked
many-to-many links) with who and when; its admin shows them with a readable
diff. This admin adds what a library needs on top:

- restoring a version needs the right to change the entry *as it is now*
  (django-simple-history only checks the right to view history on POST), so an
  editor cannot restore over a published entry;
- a restored version brings back its many-to-many links too (areas, themes,
  target groups), not only its own columns;
- the restored save says which version it restored, in the change reason.

An app whose rows have fields a restore must not bring back (an editorial
state, say) keeps them from the stored row in its own ``save_model``.
"""

from typing import Any

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import ManyToManyField
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper
from simple_history.utils import get_m2m_reverse_field_name

from practice_library.history import record_links, recorded_as
from practice_library.spreadsheets import SPREADSHEET_FORMATS


class SpreadsheetExportMixin(ExportMixin):
    """Export of the (filtered) change list as CSV or XLSX, formula-safe."""

    export_formats = SPREADSHEET_FORMATS


class ReadableChanges(HistoricalRecordContextHelper):
    """The history list's changes in words: a choice by its label ("Draft",
    not "draft"), an empty value as a dash."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if isinstance(field, ManyToManyField):
            return super().prepare_delta_change_value(change, value)
        if value is None or value == "":
            return "—"
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        return value


class RestorableHistoryAdmin(SimpleHistoryAdmin):
    def save_related(self, request, form, formsets, change):
        # The links join the version save_model just made, rather than
        # adding a version per many-to-many field (four rows for one save).
        instance = form.instance
        tracked = hasattr(type(instance), "history")
        if tracked:
            instance.skip_history_when_saving = True
        try:
            super().save_related(request, form, formsets, change)
        finally:
            if tracked:
                del instance.skip_history_when_saving
        if tracked and (record := instance.history.first()) is not None:
            record_links(record, instance)

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(self.model, historical_record)

    def set_history_delta_changes(self, request, historical_records, **kwargs):
        super().set_history_delta_changes(request, historical_records, **kwargs)
        for record in historical_records:
            # Versions saved before reasons were always text.
            if record.history_change_reason is None:
                record.history_change_reason = ""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            current = self.get_object(request, unquote(object_id))
            if current is None or not self.has_change_permission(request, current):
                raise PermissionDenied
        request._restoring_version = version_id
        reason = None
        if request.method == "POST":
            record = self.model.history.get(history_id=version_id)
            reason = f"Restored the version of {record.history_date:%Y-%m-%d %H:%M}"
        # The restored save and the links saved after it say which version.
        with recorded_as(reason=reason):
            return super().history_form_view(
                request, object_id, version_id, extra_context
            )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        version_id = getattr(request, "_restoring_version", None)
        if version_id is None:
            return form_class
        record = self.model.history.get(history_id=version_id)
        # The links the version recorded: its many-to-many fields that
        # django-simple-history tracks (the record has a manager for each).
        links = {
            field.name: [
                getattr(row, f"{get_m2m_reverse_field_name(field)}_id")
                for row in getattr(record, field.name).all()
            ]
            for field in self.model._meta.many_to_many
            if hasattr(record, field.name)
        }
        # A form class made at run time, which mypy cannot subclass as such.
        base: Any = form_class

        class VersionForm(base):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, **form_kwargs)
                for name, ids in links.items():
                    if name in self.fields:
                        self.initial[name] = ids

        return VersionForm


class SuperusersOnlyAdmin(admin.ModelAdmin):
    """An admin only superusers see: the site's own machinery, not curation."""

    def _superuser(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._superuser(request)

    def has_view_permission(self, request, obj=None):
        return self._superuser(request)

    def has_add_permission(self, request):
        return self._superuser(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._superuser(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._superuser(request) and super().has_delete_permission(request, obj)


# django-axes' records of failed sign-ins and lock-outs (user names, addresses)
# are for whoever runs the site, never for curators, whatever permissions a
# group is given: the admin home and the records show only to superusers.
for _model, _admin in [
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
]:
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(
        _model, type(_admin.__name__, (SuperusersOnlyAdmin, _admin), {})
    )
