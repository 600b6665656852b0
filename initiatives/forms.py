"""Forms: curation in the admin and the visitors' search page."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import slug_re

from initiatives.models import GovernancePeriod, Initiative
from initiatives.partial_dates import truncate_to_precision
from themes.models import Theme


class PartialDatesMixin:
    """Store each partial date as the first day of the period it names.

    A curator who knows only "2015" enters any date in 2015 with the precision
    "Year only"; the form keeps 1 January 2015, so sorting and year filters work.
    """

    partial_dates: tuple[tuple[str, str], ...] = ()

    def clean(self):
        cleaned = super().clean()
        for date_field, precision_field in self.partial_dates:
            day = cleaned.get(date_field)
            precision = cleaned.get(precision_field)
            if day and precision:
                cleaned[date_field] = truncate_to_precision(day, precision)
        return cleaned


class InitiativeAdminForm(PartialDatesMixin, forms.ModelForm):
    partial_dates = (
        ("start_date", "start_date_precision"),
        ("end_date", "end_date_precision"),
    )

    class Meta:
        model = Initiative
        fields = [
            "title",
            "slug",
            "summary",
            "description",
            "police_areas",
            "themes",
            "target_groups",
            "parent",
            "status",
            "start_date",
            "start_date_precision",
            "end_date",
            "end_date_precision",
            "evidence_stage",
            "evidence_outcome",
            "evidence_msms_level",
            "evidence_note",
            "website",
            "contact_name",
            "contact_email",
            "last_reviewed_at",
        ]

    def clean(self):
        cleaned = super().clean()
        if self.instance.is_published and not cleaned.get("police_areas"):
            self.add_error(
                "police_areas", "A published initiative needs at least one police area."
            )
        if self.instance.is_published and not (cleaned.get("summary") or "").strip():
            self.add_error("summary", "A published initiative needs a summary.")
        parent = cleaned.get("parent")
        if parent is not None and self.instance.pk is not None:
            ancestor, seen = parent, set()
            while ancestor is not None and ancestor.pk not in seen:
                if ancestor.pk == self.instance.pk:
                    self.add_error(
                        "parent",
                        "An initiative cannot be part of one of its own programmes.",
                    )
                    break
                seen.add(ancestor.pk)
                ancestor = ancestor.parent
        return cleaned


class GovernancePeriodForm(PartialDatesMixin, forms.ModelForm):
    partial_dates = (
        ("started_on", "started_on_precision"),
        ("ended_on", "ended_on_precision"),
    )

    class Meta:
        model = GovernancePeriod
        fields = [
            "police_area",
            "kind",
            "body_name",
            "started_on",
            "started_on_precision",
            "ended_on",
            "ended_on_precision",
            "note",
            "source_url",
        ]


class SlugChoiceField(forms.ModelChoiceField):
    """A choice by slug that refuses a value that cannot be a slug before it
    reaches the database (PostgreSQL refuses a NUL byte outright)."""

    def to_python(self, value):
        if value not in self.empty_values and not slug_re.fullmatch(str(value)):
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class MapThemeForm(forms.Form):
    """Narrows the police area map to one theme (``?theme=<slug>``)."""

    theme = SlugChoiceField(
        queryset=Theme.objects.in_order(),
        to_field_name="slug",
        required=False,
        empty_label="All themes",
        label="Show initiatives under",
    )
