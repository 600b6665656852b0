"""Optimistic locking in the admin: a stale form is refused, never saved.

Two editors open the same entry; A saves a new title; B then saves a summary
change from the form B opened before. Without a check B's save writes back
the old title and both see success. Here every save of a ``Versioned`` row
adds one to its ``version``; the admin's change form carries the version it
was opened at in a hidden field, and a save is refused when the stored
version has moved on since. The check and the save run in the admin's one
transaction with the row locked (``SELECT ... FOR UPDATE``), so two saves
cannot both pass it. The refusal says who changed what since the form was
opened, from django-simple-history's records, and saves nothing: the
editor's own changes are still in the form to copy.

Every other writer (publishing, imports, the content loader, restoring a
version) saves through ``Model.save()`` and so moves the version too; none
of them is refused, as none of them holds a form opened earlier.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.formats import date_format
from django.utils.text import Truncator

SEEN_VERSION = "seen_version"
# Fields every save changes: not worth naming as "what changed".
UNREPORTED = {"version", "updated_at", "search_keywords"}
VALUE_LENGTH = 80


class Versioned(models.Model):
    """A row whose every save moves its version on by one."""

    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Moves on by one at every save; the admin refuses to save "
        "a form opened at an older version.",
    )

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            self.version = (self.version or 0) + 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version"}
        super().save(*args, **kwargs)


def _shown(value: Any) -> str:
    if value in (None, ""):
        return "(empty)"
    if isinstance(value, list):  # a many-to-many field's linked rows
        return f"{len(value)} linked"
    return "“" + Truncator(str(value)).chars(VALUE_LENGTH) + "”"


def changes_since(instance: models.Model, seen: int) -> list[str]:
    """What changed in the stored row since version ``seen``: who saved it
    and, field by field, the value then and now."""
    history = instance.history  # type: ignore[attr-defined]
    latest = history.order_by("-history_date", "-history_id").first()
    then = history.filter(version=seen).order_by("-history_date", "-history_id").first()
    lines: list[str] = []
    later = history.filter(version__gt=seen).order_by("history_date")
    editors = []
    for record in later.select_related("history_user"):
        name = str(record.history_user) if record.history_user else "someone"
        when = date_format(record.history_date, "j M Y H:i")
        editors.append(f"{name} ({when})")
    if editors:
        lines.append("Saved since by: " + ", ".join(dict.fromkeys(editors)) + ".")
    if latest is None or then is None or latest.pk == then.pk:
        return lines
    opts = instance._meta
    for change in latest.diff_against(then).changes:
        if change.field in UNREPORTED:
            continue
        try:
            field = opts.get_field(change.field)
        except FieldDoesNotExist:
            field = None
        label = str(getattr(field, "verbose_name", change.field))
        lines.append(
            f"{label[:1].upper()}{label[1:]}: {_shown(change.old)} "
            f"is now {_shown(change.new)}."
        )
    return lines


class OptimisticLockAdminMixin(admin.ModelAdmin):
    """The admin's change form refuses to save over a newer version.

    Put it before the other admin classes, so that its form is the base of
    the form they make.
    """

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and "form" not in kwargs:
            restoring = getattr(request, "_restoring_version", None) is not None
            kwargs["form"] = locked_form(self.form, self.model, restoring=restoring)
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        named = {
            name
            for _, options in fieldsets
            for field in options.get("fields", ())
            for name in (field if isinstance(field, list | tuple) else (field,))
        }
        if SEEN_VERSION in named:
            return fieldsets
        # Hidden, in the first fieldset: the admin renders it as a hidden row.
        (title, options), *rest = fieldsets
        return [
            (title, {**options, "fields": [*options["fields"], SEEN_VERSION]}),
            *rest,
        ]


def locked_form(
    form_class: type[forms.ModelForm], model: type[models.Model], *, restoring: bool
) -> type[forms.ModelForm]:
    """``form_class`` with the version it was opened at, refused when stale."""
    # A form class chosen at run time, which mypy cannot subclass as such.
    base: Any = form_class

    class LockedForm(base):
        seen_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

        def __init__(self, *args, **form_kwargs):
            super().__init__(*args, **form_kwargs)
            current = self.instance.version
            if restoring:
                # The form shows an old version's values, but it is opened
                # over the row as it is now.
                current = (
                    model._default_manager.filter(pk=self.instance.pk)
                    .values_list("version", flat=True)
                    .first()
                )
            self.fields[SEEN_VERSION].initial = current

        def clean(self):
            cleaned = super().clean()
            seen = cleaned.get(SEEN_VERSION)
            if seen is None or self.instance.pk is None:
                return cleaned
            # Locked until the admin's transaction ends, with the save.
            stored = (
                model._default_manager.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if stored is not None and stored != seen:
                name = model._meta.verbose_name
                raise ValidationError(
                    [
                        f"Not saved: this {name} was changed by someone else "
                        "after you opened it, and saving would undo their "
                        "changes. Nothing was saved; your changes are still in "
                        f"this form. Open the {name} again to see the current "
                        "version, then make your changes there.",
                        *changes_since(self.instance, seen),
                    ],
                    code="stale",
                )
            # Saved as the version after the one stored (Versioned.save).
            if stored is not None:
                self.instance.version = stored
            return cleaned

    LockedForm.__name__ = form_class.__name__
    return LockedForm
