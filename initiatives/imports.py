"""Bulk import of initiatives from spreadsheets (CSV, XLSX), and their export.

One resource serves the admin's import page, the ``import_initiatives``
command and the admin's export, so a column means the same everywhere and a
curator can export, edit and import again as new drafts.

- Every row becomes a new draft (origin "import"); an import never publishes
  and never changes an existing entry.
- Police areas, themes, target groups and organisations are matched by slug
  or by exact name (case aside); an unknown value is an error naming it.
- A likely duplicate (same title and a shared police area, already in the
  library or earlier in the same file) is an error unless the curator says
  to import duplicates too.
- Nothing is written unless every row is valid: one transaction, rolled back
  on any error (django-import-export commits valid rows otherwise).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from import_export import fields, resources, widgets
from import_export.formats import base_formats
from import_export.results import Result

from initiatives.models import (
    EditorialState,
    Initiative,
    InitiativeOrganisation,
    Organisation,
    PoliceArea,
    TargetGroup,
)
from initiatives.partial_dates import parse_partial_date, partial_date_iso
from initiatives.slugs import unique_slug
from practice_library.history import recorded_as
from themes.models import Theme

SEPARATOR = ";"
FORMATS = {".csv": base_formats.CSV, ".xlsx": base_formats.XLSX}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # spreadsheets turn 3 into 3.0
    return str(value).strip()


def _split(value) -> list[str]:
    return [part.strip() for part in _text(value).split(SEPARATOR) if part.strip()]


class ChoiceWidget(widgets.Widget):
    """A choice given by its value or its label, in any case."""

    def __init__(self, choices: type[models.TextChoices]):
        super().__init__()
        self.choices = choices

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return ""
        for choice in self.choices:
            if text.lower() in {choice.value.lower(), str(choice.label).lower()}:
                return choice.value
        allowed = ", ".join(self.choices.values)
        raise ValueError(f"“{text}” is not one of: {allowed}.")

    def render(self, value, obj=None, **kwargs):
        return value or ""


@dataclass
class _Lookup:
    """Matches a cell's values to rows by slug or exact name."""

    model: type[models.Model]
    noun: str

    def find(self, value: str):
        match = self.model._default_manager.filter(
            Q(slug=value) | Q(name__iexact=value)
        )
        found = list(match[:2])
        if len(found) == 1:
            return found[0]
        raise ValueError(
            f"Unknown {self.noun} “{value}”: use its slug or its exact name."
        )

    def many(self, cell) -> list:
        objects, unknown = [], []
        for value in _split(cell):
            try:
                objects.append(self.find(value))
            except ValueError:
                unknown.append(f"“{value}”")
        if unknown:
            raise ValueError(
                f"Unknown {self.noun} {', '.join(unknown)}: use slugs or exact "
                "names, separated by semicolons."
            )
        return objects


AREAS = _Lookup(PoliceArea, "police area")
THEMES = _Lookup(Theme, "theme")
TARGET_GROUPS = _Lookup(TargetGroup, "target group")
ORGANISATIONS = _Lookup(Organisation, "organisation")


def _joined(values: Iterable[str]) -> str:
    return f"{SEPARATOR} ".join(values)


class _RowPreview(resources.Diff):
    """The import preview shows each row as it would be exported."""

    @classmethod
    def _read_field_values(cls, resource, instance):
        if instance.pk is None:  # before saving, links cannot be read yet
            return ["" for _ in resource.get_import_fields()]
        return [
            resource.export_field(f, instance) for f in resource.get_import_fields()
        ]


class InitiativeResource(resources.ModelResource):
    """Columns of the import and export file, and the rules of an import."""

    title = fields.Field(attribute="title", column_name="title")
    slug = fields.Field(attribute="slug", column_name="slug")
    summary = fields.Field(attribute="summary", column_name="summary")
    description = fields.Field(attribute="description", column_name="description")
    police_areas = fields.Field(column_name="police_areas")
    themes = fields.Field(column_name="themes")
    target_groups = fields.Field(column_name="target_groups")
    lead_organisation = fields.Field(column_name="lead_organisation")
    partners = fields.Field(column_name="partners")
    status = fields.Field(
        attribute="status",
        column_name="status",
        widget=ChoiceWidget(Initiative.Status),
    )
    start = fields.Field(column_name="start")
    end = fields.Field(column_name="end")
    evidence_stage = fields.Field(
        attribute="evidence_stage",
        column_name="evidence_stage",
        widget=ChoiceWidget(Initiative.EvidenceStage),
    )
    evidence_outcome = fields.Field(
        attribute="evidence_outcome",
        column_name="evidence_outcome",
        widget=ChoiceWidget(Initiative.EvidenceOutcome),
    )
    evidence_msms_level = fields.Field(
        attribute="evidence_msms_level",
        column_name="evidence_msms_level",
        widget=widgets.IntegerWidget(),
    )
    evidence_note = fields.Field(attribute="evidence_note", column_name="evidence_note")
    website = fields.Field(attribute="website", column_name="website")
    contact_name = fields.Field(attribute="contact_name", column_name="contact_name")
    contact_email = fields.Field(attribute="contact_email", column_name="contact_email")

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
            "lead_organisation",
            "partners",
            "status",
            "start",
            "end",
            "evidence_stage",
            "evidence_outcome",
            "evidence_msms_level",
            "evidence_note",
            "website",
            "contact_name",
            "contact_email",
        ]
        import_order = fields
        export_order = fields
        # Every row is a new draft: an import never updates an existing entry.
        force_init_instance = True
        clean_model_instances = True

    def __init__(self, *, actor=None, allow_duplicates: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.actor = actor
        self.allow_duplicates = allow_duplicates
        self.rows_by_pk: dict[int, int | None] = {}
        self.duplicates: list[str] = []

    def get_diff_class(self):
        return _RowPreview

    # -- export ---------------------------------------------------------------

    def get_queryset(self):
        return with_import_relations(super().get_queryset())

    def dehydrate_police_areas(self, initiative: Initiative) -> str:
        return _joined(area.slug for area in initiative.police_areas.all())

    def dehydrate_themes(self, initiative: Initiative) -> str:
        return _joined(theme.slug for theme in initiative.themes.all())

    def dehydrate_target_groups(self, initiative: Initiative) -> str:
        return _joined(group.slug for group in initiative.target_groups.all())

    def _organisations(self, initiative: Initiative, role: str) -> str:
        return _joined(
            link.organisation.slug
            for link in initiative.organisation_roles.all()
            if link.role == role
        )

    def dehydrate_lead_organisation(self, initiative: Initiative) -> str:
        return self._organisations(initiative, InitiativeOrganisation.Role.LEAD)

    def dehydrate_partners(self, initiative: Initiative) -> str:
        return self._organisations(initiative, InitiativeOrganisation.Role.PARTNER)

    def dehydrate_start(self, initiative: Initiative) -> str:
        iso = partial_date_iso(initiative.start_date, initiative.start_date_precision)
        return iso or ""

    def dehydrate_end(self, initiative: Initiative) -> str:
        return (
            partial_date_iso(initiative.end_date, initiative.end_date_precision) or ""
        )

    # -- import ---------------------------------------------------------------

    def import_data(self, dataset, dry_run=False, **kwargs):
        """Import every row or none: one transaction, rolled back on any error."""
        if self.actor is not None and not self.actor.has_perm(
            "initiatives.add_initiative"
        ):
            raise PermissionDenied("You may not add initiatives.")
        kwargs.update(use_transactions=True, rollback_on_validation_errors=True)
        return super().import_data(dataset, dry_run=dry_run, **kwargs)

    def before_import(self, dataset, **kwargs):
        missing = {"title", "police_areas"} - set(dataset.headers or [])
        if missing:
            raise ValueError(
                f"The file needs the column(s) {', '.join(sorted(missing))}; "
                "copy the header row of the sample file."
            )

    def before_import_row(self, row, **kwargs):
        # An empty XLSX cell reads as None where a CSV gives "": read both
        # as empty, so the admin's own XLSX export imports back (a None in
        # a text column would otherwise reach the database as NULL).
        for column, value in row.items():
            if value is None:
                row[column] = ""

    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, Any] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        instance.state = EditorialState.DRAFT
        instance.origin = Initiative.Origin.IMPORT
        instance.published_at = instance.withdrawn_at = None

        links: dict = {}
        for column, lookup in (
            ("police_areas", AREAS),
            ("themes", THEMES),
            ("target_groups", TARGET_GROUPS),
            ("partners", ORGANISATIONS),
        ):
            try:
                links[column] = lookup.many(row.get(column))
            except ValueError as error:
                errors[column] = [str(error)]
        if "police_areas" in links and not links["police_areas"]:
            errors["police_areas"] = ["Give at least one police area."]
        lead = _text(row.get("lead_organisation"))
        links["lead_organisation"] = None
        if lead:
            try:
                links["lead_organisation"] = ORGANISATIONS.find(lead)
            except ValueError as error:
                errors["lead_organisation"] = [str(error)]
        for column, date_field in (("start", "start_date"), ("end", "end_date")):
            try:
                day, precision = parse_partial_date(row.get(column))
            except ValueError as error:
                errors[column] = [str(error)]
            else:
                setattr(instance, date_field, day)
                setattr(instance, f"{date_field}_precision", precision)
        if not instance.slug and instance.title:
            instance.slug = unique_slug(instance.title)
        instance._import_links = links

        duplicate = self._likely_duplicate(instance, links.get("police_areas") or [])
        if duplicate:
            if self.allow_duplicates:
                self.duplicates.append(f"Row {kwargs.get('row_number')}: {duplicate}")
            else:
                errors.setdefault("title", []).append(
                    f"{duplicate} Check it, or import likely duplicates on purpose."
                )
        if errors:
            raise ValidationError(errors)

    def _likely_duplicate(self, instance: Initiative, areas: list) -> str:
        if not instance.title or not areas:
            return ""
        match = (
            Initiative.objects.filter(
                title__iexact=instance.title.strip(), police_areas__in=areas
            )
            .order_by("pk")
            .first()
        )
        if match is None:
            return ""
        if match.pk in self.rows_by_pk:
            return (
                f"Likely duplicate of row {self.rows_by_pk[match.pk]} of this file "
                "(same title and police area)."
            )
        return (
            f"Likely duplicate of “{match.title}” (#{match.pk}), already in the "
            "library with the same title and police area."
        )

    def import_row(self, row, instance_loader, **kwargs):
        # The row's save and its links are recorded as the curator's import.
        file_name = kwargs.get("file_name") or "a spreadsheet"
        with recorded_as(user=self.actor, reason=f"Imported from {file_name}"):
            return super().import_row(row, instance_loader, **kwargs)

    def after_save_instance(self, instance, row, **kwargs):
        self.rows_by_pk[instance.pk] = kwargs.get("row_number")

    def save_m2m(self, instance, row, **kwargs):
        links = instance._import_links
        instance.police_areas.set(links["police_areas"])
        instance.themes.set(links["themes"])
        instance.target_groups.set(links["target_groups"])
        roles = []
        if links["lead_organisation"] is not None:
            roles.append((links["lead_organisation"], InitiativeOrganisation.Role.LEAD))
        roles += [(o, InitiativeOrganisation.Role.PARTNER) for o in links["partners"]]
        for organisation, role in roles:
            InitiativeOrganisation.objects.get_or_create(
                initiative=instance, organisation=organisation, role=role
            )


def with_import_relations(queryset):
    """Prefetch what an exported row reads, so a row costs no queries."""
    return queryset.prefetch_related(
        "police_areas",
        "themes",
        "target_groups",
        models.Prefetch(
            "organisation_roles",
            queryset=InitiativeOrganisation.objects.select_related("organisation"),
        ),
    )


@dataclass
class ImportReport:
    """What an import did or would do, row by row, in words."""

    result: Result
    dry_run: bool
    duplicates: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.result.has_errors() or self.result.has_validation_errors())

    @property
    def created(self) -> int:
        return self.result.totals.get("new", 0)

    def problems(self) -> list[str]:
        """Every error, with its row (counted under the header) and column."""
        lines = [f"File: {error.error}" for error in self.result.base_errors]
        for number, errors in self.result.row_errors():
            lines += [f"Row {number}: {error.error}" for error in errors]
        for invalid in self.result.invalid_rows:
            for column, messages in invalid.error_dict.items():
                where = (
                    f"Row {invalid.number}"
                    if column == NON_FIELD_ERRORS
                    else f"Row {invalid.number}, column {column}"
                )
                lines += [f"{where}: {message}" for message in messages]
        return lines

    def outcomes(self) -> list[str]:
        """One line per row: what happened (or would happen) to it."""
        lines = []
        invalid = {row.number for row in self.result.invalid_rows}
        failed = {number for number, _ in self.result.row_errors()}
        for number, row in enumerate(self.result.rows, start=1):
            if number in invalid or number in failed:
                lines.append(f"Row {number}: not imported (see the errors)")
            elif not self.ok:
                lines.append(
                    f"Row {number}: valid, but not imported until every row is: "
                    f"{row.object_repr}"
                )
            else:
                verb = "would be added" if self.dry_run else "added"
                lines.append(f"Row {number}: {verb} as a draft: {row.object_repr}")
        return lines

    def summary(self) -> str:
        if not self.ok:
            return (
                f"Nothing was imported: {len(self.problems())} problem(s) to fix "
                "first. No row is written until every row is valid."
            )
        if self.dry_run:
            return f"Dry run: {self.created} draft(s) would be added; nothing written."
        return f"Imported {self.created} initiative(s) as drafts."


def read_dataset(path: Path):
    """The first sheet of a CSV or XLSX file as a tablib Dataset."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"Import a .csv or .xlsx file, not “{path.name}”.")
    file_format = FORMATS[suffix]()
    if suffix == ".csv":
        return file_format.create_dataset(path.read_text(encoding="utf-8-sig"))
    return file_format.create_dataset(path.read_bytes())


def import_initiatives(
    dataset,
    *,
    actor=None,
    dry_run: bool = False,
    allow_duplicates: bool = False,
    file_name: str = "",
) -> ImportReport:
    """Import initiatives from a dataset as drafts, all or nothing.

    ``actor`` is the user importing (``None`` for a command run by the site's
    operator); they need the right to add initiatives.
    """
    resource = InitiativeResource(actor=actor, allow_duplicates=allow_duplicates)
    result = resource.import_data(
        dataset, dry_run=dry_run, file_name=file_name, user=actor
    )
    return ImportReport(result, dry_run, resource.duplicates)
