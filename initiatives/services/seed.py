"""Loading the library's content files (``manage.py load_seed_content``).

The files under ``initiatives/content/`` are read and checked by
``initiatives.content_files``; here every record is then checked against
the models' own rules (``full_clean``, as the admin's forms do) and, only
when every record passes, written in one transaction, through the same
paths as the admin: rows saved with their history, entries published with
``publish_initiative`` and ``publish_briefing`` (a state change with the
reason "Loaded from the library's content files"), search keywords and the
spelling list refreshed, the content version bumped once.

A run is idempotent, and never overwrites a curator. ``ContentLoad`` keeps,
for each record, the digest of the record as it was loaded and when:

- a record whose digest is unchanged is left alone: a second run writes
  nothing at all (no row, no history, no content version);
- a record that changed in the files updates its row only if no person has
  changed the row since it was loaded (a history row with a user after the
  load), otherwise the row is kept as the curator left it;
- a row the files loaded and a curator deleted is not created again;
- a row that exists but was never loaded (from the old seed, or a curator's
  own with the same slug) is adopted only if no person ever edited it.
"""

import datetime
import decimal
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils import timezone

from initiatives.content_files import (
    CONTENT_DIRECTORY,
    KINDS,
    NOUNS,
    Content,
    ContentError,
    Record,
    initiative_depth,
    read_content,
)
from initiatives.models import (
    Briefing,
    BriefingMention,
    ContentLoad,
    EditorialState,
    Funding,
    GovernancePeriod,
    Initiative,
    InitiativeOrganisation,
    InitiativeSource,
    KeyFinding,
    Organisation,
    PoliceArea,
    Source,
    TargetGroup,
    ToolkitLink,
)
from initiatives.partial_dates import parse_partial_date
from initiatives.services.content_version import (
    bump_content_version,
    one_content_change,
)
from initiatives.services.public_changes import record_public_changes
from initiatives.services.publishing import publish_briefing, publish_initiative
from initiatives.services.search_words import (
    one_keyword_refresh,
    rebuild_search_words,
    refresh_search_keywords,
)
from practice_library.history import recorded_as
from themes.models import Theme

LOADED_REASON = "Loaded from the library's content files"

# What happens to a record.
CREATE, UPDATE, UNCHANGED, KEPT, DELETED = (
    "create",
    "update",
    "unchanged",
    "kept",
    "deleted",
)


@dataclass
class SeedReport:
    """What one run did, by kind of record."""

    files: int = 0
    records: int = 0
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    # Keys of records whose rows a curator edited (kept as they are) or
    # deleted (not created again); links left out because they name a row a
    # curator deleted.
    kept: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def __str__(self) -> str:
        lines = [f"Read {self.records} records from {self.files} content files."]
        for label, counts in (
            ("Created", self.created),
            ("Updated", self.updated),
            ("Unchanged", self.unchanged),
        ):
            if counts:
                lines.append(f"{label}: {_counted(counts)}.")
        if self.kept:
            lines.append(
                f"Kept as a curator edited them ({len(self.kept)}): "
                + ", ".join(self.kept)
            )
        if self.deleted:
            lines.append(
                f"Not created again, as a curator deleted them ({len(self.deleted)}): "
                + ", ".join(self.deleted)
            )
        if self.left_out:
            lines.append(
                "Links left out, as a curator deleted what they name: "
                + ", ".join(self.left_out)
            )
        if not self.changed:
            lines.append("Nothing changed.")
        return "\n".join(lines)


def _counted(counts: Counter[str]) -> str:
    return ", ".join(
        f"{counts[kind]} {NOUNS[kind]}{'s' if counts[kind] != 1 else ''}"
        for kind in KINDS
        if counts[kind]
    )


def load_seed_content(
    directory: Path | None = None, *, only: Collection[str] = ()
) -> SeedReport:
    """Load the content files; see the module's docstring for the rules.

    ``only`` names files whose records (and what they need) are loaded.
    Raises ContentError, having written nothing, when any record has a
    problem.
    """
    content = read_content(directory or CONTENT_DIRECTORY, only=only)
    with (
        transaction.atomic(),
        one_content_change(),
        recorded_as(user=None, reason=LOADED_REASON),
    ):
        loader = _Loader(content)
        loader.decide()
        loader.check_models()
        with one_keyword_refresh():
            loader.write()
        loader.publish()
        if loader.report.changed:
            rebuild_search_words()
    return loader.report


# -- How each kind of record maps to rows -------------------------------------


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _partial_date(model: type[models.Model], name: str, value: Any) -> dict:
    """A date field and its precision; an unknown date keeps the default
    precision, so that reloading an empty date changes nothing."""
    day, precision = parse_partial_date(value)
    if day is None:
        field: Any = model._meta.get_field(f"{name}_precision")
        precision = field.get_default()
    return {name: day, f"{name}_precision": precision}


def _amount(value: Any) -> decimal.Decimal | None:
    return None if value is None else decimal.Decimal(str(value))


@dataclass
class Children:
    """Rows that belong to a record: an area's governance, a funding list."""

    related_name: str
    model: type[models.Model]
    parent_field: str
    # The fields that pair a row with an entry of the file; None pairs them
    # by position.
    key: tuple[str, ...] | None
    # File keys of each field, for messages.
    file_keys: dict[str, str]
    build: Callable[[Record, "_Loader"], list[dict[str, Any]]]


@dataclass
class Kind:
    """One kind of record: its model, its fields and what belongs to it."""

    model: type[models.Model]
    fields: Callable[[Record], dict[str, Any]]
    # Foreign keys: field name -> (kind, file key) of what they name.
    foreign_keys: dict[str, tuple[str, str]] = field(default_factory=dict)
    # Many-to-many links: field name -> (kind, file key).
    links: dict[str, tuple[str, str]] = field(default_factory=dict)
    children: list[Children] = field(default_factory=list)
    file_keys: dict[str, str] = field(default_factory=dict)
    # The history of rows that belong to it, checked for a person's edits:
    # (historical model, the field holding the record's id).
    history_of_children: list[tuple[type[models.Model], str]] = field(
        default_factory=list
    )


def _governance(record: Record, loader: "_Loader") -> list[dict[str, Any]]:
    return [
        {
            "kind": period["kind"],
            "body_name": period["body"],
            **_partial_date(GovernancePeriod, "started_on", period.get("start")),
            **_partial_date(GovernancePeriod, "ended_on", period.get("end")),
            "note": _text(period.get("note")).strip(),
            "source_url": _text(period.get("source_url")),
        }
        for period in record.items("governance")
    ]


def _key_findings(record: Record, loader: "_Loader") -> list[dict[str, Any]]:
    return [
        {"text": str(text).strip(), "order": order}
        for order, text in enumerate(record.get("key_findings") or [], start=1)
    ]


def _roles(record: Record, loader: "_Loader") -> list[dict[str, Any]]:
    return [
        {"organisation": loader.ref("organisation", role["organisation"], record)}
        | {"role": role["role"]}
        for role in record.items("organisations")
    ]


def _funding(record: Record, loader: "_Loader") -> list[dict[str, Any]]:
    return [
        {
            "funder": loader.ref("organisation", grant.get("funder"), record),
            "amount": _amount(grant.get("amount")),
            "currency": grant.get("currency") or "GBP",
            **_partial_date(Funding, "period_start", grant.get("period_start")),
            **_partial_date(Funding, "period_end", grant.get("period_end")),
            "note": _text(grant.get("note")).strip(),
            "source": loader.ref("source", grant["source"], record),
        }
        for grant in record.items("funding")
    ]


def _toolkit_links(record: Record, loader: "_Loader") -> list[dict[str, Any]]:
    return [
        {
            "toolkit": link["toolkit"],
            "url": link["url"],
            "approach": link["approach"],
            "rating": _text(link.get("rating")),
        }
        for link in record.items("toolkit_links")
    ]


def _citations(record: Record, loader: "_Loader") -> list[dict[str, Any]]:
    return [
        {
            "source": loader.ref("source", citation["source"], record),
            "note": _text(citation.get("note")).strip(),
            "is_evaluation": bool(citation.get("evaluation")),
            "order": order,
        }
        for order, citation in enumerate(record.items("sources"))
    ]


def _mentions(record: Record, loader: "_Loader") -> list[dict[str, Any]]:
    return [
        {
            "briefing": loader.ref("briefing", mention["briefing"], record),
            "page_reference": _text(mention.get("page")),
            "note": _text(mention.get("note")).strip(),
            "order": order,
        }
        for order, mention in enumerate(record.items("briefings"))
    ]


def _initiative_fields(record: Record) -> dict[str, Any]:
    evidence = record.get("evidence") or {}
    return {
        "title": record.get("title").strip(),
        "summary": record.get("summary").strip(),
        "description": record.get("description").strip(),
        "status": record.get("status") or "",
        **_partial_date(Initiative, "start_date", record.get("start")),
        **_partial_date(Initiative, "end_date", record.get("end")),
        "evidence_stage": evidence.get("stage") or "",
        "evidence_outcome": evidence.get("outcome") or "",
        "evidence_msms_level": evidence.get("msms_level"),
        "evidence_note": _text(evidence.get("note")).strip(),
        "website": _text(record.get("website")),
    }


KIND_SPECS: dict[str, Kind] = {
    "police_area": Kind(
        PoliceArea,
        lambda r: {
            "name": r.get("name"),
            "gss_code": r.get("gss_code"),
            "nation": r.get("nation"),
            "region": r.get("region"),
        },
        children=[
            Children(
                "governance_periods",
                GovernancePeriod,
                "police_area",
                ("kind", "body_name"),
                {
                    "body_name": "body",
                    "started_on": "start",
                    "started_on_precision": "start",
                    "ended_on": "end",
                    "ended_on_precision": "end",
                },
                _governance,
            )
        ],
        history_of_children=[(GovernancePeriod.history.model, "police_area_id")],
    ),
    "theme": Kind(
        Theme,
        lambda r: {
            "name": r.get("name"),
            "description": r.get("description").strip(),
            "order": r.get("order", 100),
        },
    ),
    "target_group": Kind(
        TargetGroup,
        lambda r: {
            "name": r.get("name"),
            "description": _text(r.get("description")).strip(),
            "min_age": r.get("min_age"),
            "max_age": r.get("max_age"),
            "order": r.get("order", 100),
        },
    ),
    "organisation": Kind(
        Organisation,
        lambda r: {
            "name": r.get("name"),
            "kind": r.get("kind"),
            "website": _text(r.get("website")),
            "description": _text(r.get("description")).strip(),
        },
        foreign_keys={"police_area": ("police_area", "police_area")},
    ),
    "source": Kind(
        Source,
        lambda r: {
            "kind": r.get("kind"),
            "title": r.get("title").strip(),
            "authors": _text(r.get("authors")).strip(),
            **_partial_date(Source, "published_on", r.get("published")),
            "url": r.get("url"),
            "accessed_on": parse_partial_date(r.get("accessed"))[0],
            "archived_url": _text(r.get("archived_url")),
            "summary": _text(r.get("summary")).strip(),
        },
        links={"publishers": ("organisation", "publishers")},
        file_keys={
            "published_on": "published",
            "published_on_precision": "published",
            "accessed_on": "accessed",
        },
    ),
    "briefing": Kind(
        Briefing,
        lambda r: {
            "title": r.get("title").strip(),
            "series": _text(r.get("series")).strip(),
            "number": r.get("number"),
            **_partial_date(Briefing, "published_on", r.get("published")),
            "url": _text(r.get("url")),
            "accessed_on": parse_partial_date(r.get("accessed"))[0],
            "summary": _text(r.get("summary")).strip(),
        },
        links={
            "publishers": ("organisation", "publishers"),
            "themes": ("theme", "themes"),
        },
        children=[
            Children(
                "key_findings",
                KeyFinding,
                "briefing",
                None,
                {},
                _key_findings,
            )
        ],
        file_keys={
            "published_on": "published",
            "published_on_precision": "published",
            "accessed_on": "accessed",
        },
    ),
    "initiative": Kind(
        Initiative,
        _initiative_fields,
        foreign_keys={"parent": ("initiative", "parent")},
        links={
            "police_areas": ("police_area", "police_areas"),
            "themes": ("theme", "themes"),
            "target_groups": ("target_group", "target_groups"),
        },
        children=[
            Children(
                "organisation_roles",
                InitiativeOrganisation,
                "initiative",
                ("organisation", "role"),
                {},
                _roles,
            ),
            Children(
                "source_citations",
                InitiativeSource,
                "initiative",
                ("source",),
                {"is_evaluation": "evaluation"},
                _citations,
            ),
            Children("funding", Funding, "initiative", None, {}, _funding),
            Children(
                "toolkit_links",
                ToolkitLink,
                "initiative",
                ("toolkit", "url"),
                {},
                _toolkit_links,
            ),
            Children(
                "briefing_mentions",
                BriefingMention,
                "initiative",
                ("briefing",),
                {"page_reference": "page"},
                _mentions,
            ),
        ],
        file_keys={
            "start_date": "start",
            "start_date_precision": "start",
            "end_date": "end",
            "end_date_precision": "end",
            "evidence_stage": "evidence.stage",
            "evidence_outcome": "evidence.outcome",
            "evidence_msms_level": "evidence.msms_level",
            "evidence_note": "evidence.note",
        },
    ),
}


# -- The loader ------------------------------------------------------------------


class _Unresolved:
    """A reference to a record whose row does not exist yet (while checking)
    or any more (a curator deleted it)."""

    def __init__(self, kind: str, slug: str):
        self.kind, self.slug = kind, slug


class _Loader:
    def __init__(self, content: Content):
        self.content = content
        self.report = SeedReport(files=len(content.files), records=len(content))
        self.now = timezone.now()
        self.loads = {
            load.key: load
            for load in ContentLoad.objects.filter(
                key__in=[record.key for record in content]
            )
        }
        self.rows: dict[str, dict[str, models.Model]] = {
            kind: self._existing_rows(kind) for kind in KINDS
        }
        self.decisions: dict[str, str] = {}
        self.new_loads: list[ContentLoad] = []
        self.to_publish: dict[str, list[int]] = {"initiative": [], "briefing": []}
        # While writing, what each record's references resolve to.
        self.writing = False

    def _existing_rows(self, kind: str) -> dict[str, models.Model]:
        spec = KIND_SPECS[kind]
        slugs = list(self.content.records[kind])
        queryset = spec.model._default_manager.filter(slug__in=slugs).prefetch_related(
            *spec.links, *(children.related_name for children in spec.children)
        )
        return {row.slug: row for row in queryset}  # type: ignore[attr-defined]

    # References -------------------------------------------------------------

    def ref(self, kind: str, slug: str | None, record: Record) -> Any:
        """The row a slug names: while checking, a placeholder; while writing,
        the row, or None (noted) when a curator deleted it."""
        if slug is None:
            return None
        if not self.writing:
            return _Unresolved(kind, slug)
        row = self.rows[kind].get(slug)
        if row is None:
            self.report.left_out.append(f"{record.key} -> {kind}:{slug}")
        return row

    # Checking -----------------------------------------------------------------

    def check_models(self) -> None:
        """Every record to be written against the models' own rules, before
        any write. (Unchanged records passed when they were loaded.)"""
        problems: list[str] = []
        for record in self.content:
            if self.decisions[record.key] in (CREATE, UPDATE):
                problems += self._model_problems(record)
        if problems:
            raise ContentError(problems)

    def _model_problems(self, record: Record) -> list[str]:
        spec = KIND_SPECS[record.kind]
        row = self.rows[record.kind].get(record.slug)
        instance = spec.model(pk=row.pk if row else None, slug=record.slug)
        # Checked as a change of the existing row, so it is not its own clash.
        instance._state.adding = row is None
        for name, value in spec.fields(record).items():
            setattr(instance, name, value)
        # The editorial state is the workflow's to set, not the files'; the
        # row was found by its slug, which the files define once.
        exclude = [*spec.foreign_keys, "state", "published_at", "slug"]
        problems = _problems(record, "", spec.file_keys, instance, exclude, unique=True)
        for children in spec.children:
            # Links to other records were checked with the files; the rest
            # of each row is checked here.
            links = [f.name for f in children.model._meta.fields if f.is_relation]
            for n, values in enumerate(children.build(record, self)):
                child = children.model(
                    **{name: v for name, v in values.items() if name not in links}
                )
                problems += _problems(
                    record,
                    f"{_file_list(children.related_name)}[{n}].",
                    children.file_keys,
                    child,
                    links,
                    unique=False,
                )
        return problems

    # Deciding -----------------------------------------------------------------

    def decide(self) -> None:
        """What to do with each record, from the rows and the last loads."""
        for record in self.content:
            self.decisions[record.key] = self._decision(record)

    def _decision(self, record: Record) -> str:
        row = self.rows[record.kind].get(record.slug)
        load = self.loads.get(record.key)
        if load is not None:
            if row is None:
                return DELETED
            if load.object_id is not None and load.object_id != row.pk:
                return KEPT  # a curator's own row, made after theirs was deleted
            if load.digest == record.digest:
                return UNCHANGED
            return (
                KEPT
                if self._edited_by_person(record.kind, row, load.loaded_at)
                else UPDATE
            )
        if row is None:
            return CREATE
        return KEPT if self._edited_by_person(record.kind, row, None) else UPDATE

    def _edited_by_person(
        self, kind: str, row: models.Model, since: datetime.datetime | None
    ) -> bool:
        """Whether a person (a history row with a user) changed the row or
        what belongs to it, since a moment or ever."""
        spec = KIND_SPECS[kind]
        after = {} if since is None else {"history_date__gt": since}
        histories = [(spec.model.history.model, "id")]  # type: ignore[attr-defined]
        histories += spec.history_of_children
        return any(
            history._default_manager.filter(
                **{field_name: row.pk}, history_user__isnull=False, **after
            ).exists()
            for history, field_name in histories
        )

    # Writing --------------------------------------------------------------------

    def write(self) -> None:
        self.writing = True
        for kind in KINDS:
            records = self.content.of(kind)
            new = [r for r in records if self.decisions[r.key] == CREATE]
            if kind == "initiative":
                # Parents before the programmes that are part of them.
                depths = {r.key: initiative_depth(r, self.content) for r in new}
                for depth in sorted(set(depths.values())):
                    self._create(kind, [r for r in new if depths[r.key] == depth])
            elif new:
                self._create(kind, new)
            for record in records:
                if self.decisions[record.key] != CREATE:
                    self._write(record)
        self._save_loads()

    def _create(self, kind: str, records: list[Record]) -> None:
        """New rows with their links and the rows that belong to them, each
        kind in a few bulk writes, and each row's first version with its links
        (django-simple-history's bulk API)."""
        spec = KIND_SPECS[kind]
        rows = []
        for record in records:
            row = spec.model(slug=record.slug)
            self._apply(spec, record, row)
            rows.append(row)
        spec.model._default_manager.bulk_create(rows)
        for record, row in zip(records, rows, strict=True):
            self.rows[kind][record.slug] = row
        links = {
            name: self._bulk_links(spec, name, records, rows) for name in spec.links
        }
        for children in spec.children:
            children.model._default_manager.bulk_create(
                children.model(**{children.parent_field: row, **values})
                for record, row in zip(records, rows, strict=True)
                for values in children.build(record, self)
                if not _names_deleted(values)
            )
        _bulk_first_versions(spec.model, rows, links)
        # What the signals of single saves would have done.
        bump_content_version()
        if spec.model is Initiative:
            refresh_search_keywords(row.pk for row in rows)
            record_public_changes(row.pk for row in rows)
        for record, row in zip(records, rows, strict=True):
            if kind in self.to_publish:
                self.to_publish[kind].append(row.pk)
            self._remember_load(record, row)
        self.report.created[kind] += len(rows)

    def _bulk_links(
        self, spec: Kind, name: str, records: list[Record], rows: list[models.Model]
    ) -> list[models.Model]:
        kind, file_key = spec.links[name]
        field: Any = spec.model._meta.get_field(name)
        through = field.remote_field.through
        links = [
            through(
                **{field.m2m_field_name(): row, field.m2m_reverse_field_name(): target}
            )
            for record, row in zip(records, rows, strict=True)
            for slug in record.get(file_key) or []
            if (target := self.ref(kind, slug, record)) is not None
        ]
        return through._default_manager.bulk_create(links)

    def _write(self, record: Record) -> None:
        decision = self.decisions[record.key]
        kind = record.kind
        if decision == UNCHANGED:
            self.report.unchanged[kind] += 1
            return
        if decision == KEPT:
            self.report.kept.append(record.key)
            return
        if decision == DELETED:
            self.report.deleted.append(record.key)
            return
        spec = KIND_SPECS[kind]
        row = self.rows[kind][record.slug]
        changed = self._apply(spec, record, row)
        if changed:
            fields = [*changed]
            if any(f.name == "updated_at" for f in spec.model._meta.fields):
                fields.append("updated_at")
            row.save(update_fields=fields)
        changed += self._set_links(spec, record, row)
        changed += self._sync_children(spec, record, row)
        if changed:
            self.report.updated[kind] += 1
        else:
            self.report.unchanged[kind] += 1
        if kind in self.to_publish and row.state != EditorialState.PUBLISHED:  # type: ignore[attr-defined]
            self.to_publish[kind].append(row.pk)
        self._remember_load(record, row)

    def _apply(self, spec: Kind, record: Record, row: models.Model) -> list[str]:
        """Set the record's values on the row; the names of those that changed."""
        values = spec.fields(record)
        for name, (kind, file_key) in spec.foreign_keys.items():
            values[name] = self.ref(kind, record.get(file_key), record)
        changed = []
        for name, value in values.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
                changed.append(name)
        return changed

    def _set_links(self, spec: Kind, record: Record, row: models.Model) -> list[str]:
        changed = []
        for name, (kind, file_key) in spec.links.items():
            wanted = [
                target
                for slug in record.get(file_key) or []
                if (target := self.ref(kind, slug, record)) is not None
            ]
            manager = getattr(row, name)
            current = {target.pk for target in manager.all()}
            if current != {target.pk for target in wanted}:
                manager.set(wanted)
                changed.append(name)
        return changed

    def _sync_children(
        self, spec: Kind, record: Record, row: models.Model
    ) -> list[str]:
        changed = []
        for children in spec.children:
            wanted = [
                values
                for values in children.build(record, self)
                if not _names_deleted(values)
            ]
            existing = sorted(
                getattr(row, children.related_name).all(), key=lambda child: child.pk
            )
            if _sync(children, row, existing, wanted):
                changed.append(children.related_name)
        return changed

    def _remember_load(self, record: Record, row: models.Model) -> None:
        load = self.loads.get(record.key)
        if load is None:
            load = ContentLoad(key=record.key)
            self.loads[record.key] = load
        load.digest = record.digest
        load.object_id = row.pk
        load.loaded_at = self.now
        self.new_loads.append(load)

    def _save_loads(self) -> None:
        new = [load for load in self.new_loads if load.pk is None]
        old = [load for load in self.new_loads if load.pk is not None]
        ContentLoad.objects.bulk_create(new)
        ContentLoad.objects.bulk_update(old, ["digest", "object_id", "loaded_at"])

    # Publishing -------------------------------------------------------------------

    def publish(self) -> None:
        """Publish what the files loaded that is not public yet, through the
        editorial workflow, as a publisher would."""
        for initiative in Initiative.objects.filter(
            pk__in=self.to_publish["initiative"]
        ).order_by("pk"):
            publish_initiative(initiative, reason=LOADED_REASON)
        for briefing in Briefing.objects.filter(
            pk__in=self.to_publish["briefing"]
        ).order_by("pk"):
            publish_briefing(briefing, reason=LOADED_REASON)


def _bulk_first_versions(
    model: type[models.Model],
    rows: list[models.Model],
    links: dict[str, list[models.Model]],
) -> None:
    """The first version of new rows, with the links that history tracks, as
    django-simple-history records one on a save (its bulk API does not copy
    many-to-many links, so they are copied here as it copies them)."""
    history: Any = model.history  # type: ignore[attr-defined]
    versions = history.bulk_history_create(rows, default_change_reason=LOADED_REASON)
    version_of = {version.id: version for version in versions}
    for name, through_rows in links.items():
        tracked = getattr(history.model, name, None)
        if tracked is None:
            continue
        field: Any = model._meta.get_field(name)
        owner = f"{field.m2m_field_name()}_id"
        names = [f.name for f in field.remote_field.through._meta.fields]
        tracked.model._default_manager.bulk_create(
            tracked.model(
                history=version_of[getattr(link, owner)],
                **{name: getattr(link, name) for name in names},
            )
            for link in through_rows
        )


def _names_deleted(values: dict[str, Any]) -> bool:
    """A child row that names a row a curator deleted (a required link)."""
    return any(
        value is None and name in {"organisation", "source", "briefing"}
        for name, value in values.items()
    )


def _sync(
    children: Children,
    parent: models.Model,
    existing: list[models.Model],
    wanted: list[dict[str, Any]],
) -> bool:
    """Make the rows that belong to a parent match the file; whether any
    changed. Rows are paired by their key fields, or by position."""
    changed = False
    if children.key is None:
        pairs = list(zip(existing, wanted, strict=False))
        extra = existing[len(wanted) :]
        new = wanted[len(existing) :]
    else:
        by_key = {_child_key(children.key, row): row for row in existing}
        pairs, new = [], []
        for values in wanted:
            row = by_key.pop(_values_key(children.key, values), None)
            if row is None:
                new.append(values)
            else:
                pairs.append((row, values))
        extra = list(by_key.values())
    for row in extra:
        row.delete()
        changed = True
    for row, values in pairs:
        fields = [name for name, value in values.items() if getattr(row, name) != value]
        if fields:
            for name in fields:
                setattr(row, name, values[name])
            row.save(update_fields=fields)
            changed = True
    for values in new:
        children.model._default_manager.create(
            **{children.parent_field: parent, **values}
        )
        changed = True
    return changed


def _child_key(key: tuple[str, ...], row: models.Model) -> tuple:
    return tuple(
        getattr(row, f"{name}_id") if hasattr(row, f"{name}_id") else getattr(row, name)
        for name in key
    )


def _values_key(key: tuple[str, ...], values: dict[str, Any]) -> tuple:
    return tuple(
        values[name].pk if isinstance(values[name], models.Model) else values[name]
        for name in key
    )


def _file_list(related_name: str) -> str:
    return {
        "governance_periods": "governance",
        "organisation_roles": "organisations",
        "source_citations": "sources",
        "briefing_mentions": "briefings",
    }.get(related_name, related_name)


def _problems(
    record: Record,
    prefix: str,
    file_keys: dict[str, str],
    instance: models.Model,
    exclude: Iterable[str],
    unique: bool,
) -> list[str]:
    """The model's own complaints about an instance, as content problems."""
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=unique)
    except ValidationError as error:
        return [
            record.problem(
                f"{prefix}{file_keys.get(name, name)}"
                if name != NON_FIELD_ERRORS
                else (prefix.rstrip(".") or "record"),
                message,
            )
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return []
