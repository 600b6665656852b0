"""Synthetic initiatives for demos and benchmarks, never mistaken for content.

Every demo row is marked three ways: ``origin = "demo"`` (organisations:
``is_demo``), a slug starting ``demo-`` and a title starting "Demo:". Public
pages label them, and ``remove_demo_data`` deletes them all in one command.

Rows are built in memory from a seeded random generator (the same seed gives
the same rows) and written with bulk inserts, so that 100,000 initiatives load
in well under a minute on PostgreSQL.
"""

import datetime
import random
from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.models import QuerySet
from django.utils import timezone

from initiatives.models import (
    BriefingMention,
    EditorialState,
    Funding,
    Initiative,
    InitiativeOrganisation,
    Organisation,
    OrganisationKind,
    PoliceArea,
    StateChange,
    TargetGroup,
    ToolkitLink,
)
from initiatives.partial_dates import DatePrecision
from initiatives.services.content_version import bump_content_version
from initiatives.services.search_words import (
    merge_search_words,
    rebuild_search_words,
    spelling_words,
)
from themes.models import Theme

DEMO_PREFIX = "demo-"
BATCH_SIZE = 5000

# About a third of demo initiatives are about mental health, so that a broad
# search for it matches a realistic share of a large library.
APPROACHES = [
    (
        "Mental health triage",
        "mental health nurses work alongside officers to "
        "assess people in crisis and find them the right care",
    ),
    (
        "Mental health street triage",
        "a mental health practitioner joins patrols "
        "at peak times to advise on people in mental health crisis",
    ),
    (
        "Mental health liaison and diversion",
        "people in custody with mental "
        "health needs are identified early and referred to treatment",
    ),
    (
        "Youth diversion scheme",
        "young people who commit low-level offences are "
        "offered support instead of prosecution",
    ),
    (
        "Women's centre referral",
        "women in contact with the police are referred "
        "to a women's centre for support with housing, debt and wellbeing",
    ),
    (
        "Violence reduction hub",
        "partners share data to find where violence "
        "concentrates and agree joint action in those places",
    ),
    (
        "Navigator programme in emergency departments",
        "youth workers meet young "
        "people injured by violence in hospital and offer help to change course",
    ),
    (
        "Drop-in centre",
        "people with several needs at once can drop in for help "
        "from different services under one roof",
    ),
    (
        "Custody substance misuse service",
        "workers in custody suites offer "
        "assessment and treatment for drug and alcohol use",
    ),
    (
        "Community grants fund",
        "small grants let local groups run preventative "
        "projects with people at risk of offending",
    ),
    (
        "Repeat caller case management",
        "people who call the police very often "
        "get a named worker who coordinates their support",
    ),
    (
        "Early help partnership",
        "police, schools and social care meet weekly to "
        "agree early help for families showing signs of difficulty",
    ),
    (
        "Out-of-court resolution with conditions",
        "adults who admit minor offences "
        "complete a rehabilitative condition instead of going to court",
    ),
    (
        "Adverse childhood experiences training",
        "officers and partners learn to "
        "recognise the effects of childhood trauma and respond to them",
    ),
]
SETTINGS = [
    "in town centres", "across rural districts", "in custody suites",
    "in emergency departments", "with local schools", "in the night-time economy",
    "with housing providers", "in neighbourhood policing teams",
]  # fmt: skip
FINDINGS = [
    "A local evaluation reported fewer repeat contacts among participants.",
    "Partners reported quicker referrals and better shared information.",
    "Take-up was lower than planned in the first year.",
    "An independent evaluation found no measurable effect on reoffending.",
    "Staff valued the joint training and case reviews.",
    "The service was extended after its first year.",
]
STATUSES = ["planned", "pilot", "active", "active", "ended", ""]
STAGES = ["untested", "evaluated-locally", "independently-evaluated", "", ""]
OUTCOMES = ["worked", "promising", "new-or-innovative", "did-not-work", ""]
STATES = [EditorialState.PUBLISHED] * 18 + [
    EditorialState.DRAFT,
    EditorialState.WITHDRAWN,
]
ORGANISATION_KINDS = [
    (OrganisationKind.VOLUNTARY_SECTOR, "Community Trust"),
    (OrganisationKind.HEALTH, "Health Partnership"),
    (OrganisationKind.LOCAL_AUTHORITY, "Borough Council"),
    (OrganisationKind.RESEARCH, "Policy Institute"),
]


@dataclass
class DemoReport:
    initiatives: int
    organisations: int
    seconds: float

    def __str__(self) -> str:
        return (
            f"Created {self.initiatives} demo initiatives and {self.organisations} "
            f"demo organisations in {self.seconds:.1f} s."
        )


class SeedContentMissing(Exception):
    pass


def generate_demo_data(count: int, *, seed: int = 1) -> DemoReport:
    """Add ``count`` synthetic initiatives (and their organisations)."""
    if count < 0:
        raise ValueError("The number of initiatives cannot be negative.")
    started = timezone.now()
    areas = list(PoliceArea.objects.order_by("pk"))
    themes = list(Theme.objects.order_by("pk"))
    groups = list(TargetGroup.objects.order_by("pk"))
    if not areas or not themes:
        raise SeedContentMissing(
            "Load the seed content first: python manage.py load_seed_content"
        )
    rng = random.Random(seed)
    with transaction.atomic():
        first = Initiative.objects.demo().count() + 1
        organisations = _demo_organisations(areas)
        rows = _build_initiatives(
            rng, first, count, areas, themes, groups, organisations
        )
        _insert(rows)
        merge_search_words(_published_word_counts(rows))
        bump_content_version()
        _analyze()
    seconds = (timezone.now() - started).total_seconds()
    return DemoReport(count, len(organisations), seconds)


def _demo_organisations(areas: list[PoliceArea]) -> list[Organisation]:
    existing = list(Organisation.objects.filter(is_demo=True).order_by("pk"))
    if existing:
        return existing
    organisations = [
        Organisation(
            name=f"Demo {area.name} {suffix}",
            slug=f"{DEMO_PREFIX}{area.slug}-{kind}",
            kind=kind,
            police_area=area,
            is_demo=True,
            description="Synthetic demo organisation.",
        )
        for area in areas
        for kind, suffix in ORGANISATION_KINDS
    ]
    return Organisation.objects.bulk_create(organisations, batch_size=BATCH_SIZE)


@dataclass
class _Row:
    """One demo initiative: its own columns and its links, by related id."""

    fields: dict
    area_ids: list[int]
    theme_ids: list[int]
    group_ids: list[int]
    lead_id: int
    pk: int | None = None


def _build_initiatives(rng, first, count, areas, themes, groups, organisations):
    by_area: dict[int, list[Organisation]] = {}
    for organisation in organisations:
        by_area.setdefault(organisation.police_area_id, []).append(organisation)
    now = timezone.now()
    # Every column gets a value, as COPY does not apply Django's defaults.
    defaults = {
        field.attname: field.get_default()
        for field in Initiative._meta.concrete_fields
        if field.attname not in {"id", "search_vector"}
    }
    rows = []
    for number in range(first, first + count):
        approach, what = rng.choice(APPROACHES)
        setting = rng.choice(SETTINGS)
        chosen_areas = rng.sample(areas, 1 if rng.random() < 0.9 else rng.randint(2, 3))
        chosen_themes = rng.sample(themes, rng.randint(1, 3))
        chosen_groups = rng.sample(groups, rng.randint(0, 2))
        lead = rng.choice(by_area[chosen_areas[0].pk])
        place = chosen_areas[0].name
        year = rng.randint(2008, 2025)
        precision = rng.choice([DatePrecision.YEAR, DatePrecision.MONTH])
        month = rng.randint(1, 12) if precision == DatePrecision.MONTH else 1
        status = rng.choice(STATUSES)
        end = None
        if status == "ended":
            end = datetime.date(min(year + rng.randint(1, 4), 2026), 1, 1)
        state = rng.choice(STATES)
        names = [area.name for area in chosen_areas]
        names += [theme.name for theme in chosen_themes]
        names += [group.name for group in chosen_groups]
        names.append(lead.name)
        fields = {
            **defaults,
            "title": f"Demo: {approach} {setting} ({place}) #{number}",
            "slug": f"{DEMO_PREFIX}initiative-{number}",
            "summary": f"In {place}, {what} {setting}.",
            "description": " ".join(
                [
                    f"This synthetic entry describes a {approach.lower()} "
                    f"initiative {setting} in {place}.",
                    f"In outline, {what}.",
                    rng.choice(FINDINGS),
                    "It was generated for demonstrations and benchmarks and "
                    "describes no real service.",
                ]
            ),
            "status": status,
            "start_date": datetime.date(year, month, 1),
            "start_date_precision": precision,
            "end_date": end,
            "end_date_precision": DatePrecision.YEAR,
            "evidence_stage": rng.choice(STAGES),
            "evidence_outcome": rng.choice(OUTCOMES),
            "state": state,
            "origin": Initiative.Origin.DEMO,
            "published_at": now if state != EditorialState.DRAFT else None,
            "withdrawn_at": now if state == EditorialState.WITHDRAWN else None,
            "created_at": now,
            "updated_at": now,
            "search_keywords": " ".join(dict.fromkeys(names)),
        }
        rows.append(
            _Row(
                fields,
                [area.pk for area in chosen_areas],
                [theme.pk for theme in chosen_themes],
                [group.pk for group in chosen_groups],
                lead.pk,
            )
        )
    return rows


def _insert(rows: list[_Row]) -> None:
    connection = connections["default"]
    if connection.vendor == "postgresql":
        _copy_into_postgresql(connection, rows)
        return
    created = Initiative.objects.bulk_create(
        [Initiative(**row.fields) for row in rows], batch_size=BATCH_SIZE
    )
    for row, initiative in zip(rows, created, strict=True):
        row.pk = initiative.pk
    for model, columns, values in _links(rows):
        model.objects.bulk_create(
            [model(**dict(zip(columns, value, strict=True))) for value in values],
            batch_size=BATCH_SIZE,
        )


def _links(rows: list[_Row]):
    """Each link table's model, column names and value tuples."""
    role = InitiativeOrganisation.Role.LEAD
    return [
        (
            Initiative.police_areas.through,
            ("initiative_id", "policearea_id"),
            [(row.pk, area) for row in rows for area in row.area_ids],
        ),
        (
            Initiative.themes.through,
            ("initiative_id", "theme_id"),
            [(row.pk, theme) for row in rows for theme in row.theme_ids],
        ),
        (
            Initiative.target_groups.through,
            ("initiative_id", "targetgroup_id"),
            [(row.pk, group) for row in rows for group in row.group_ids],
        ),
        (
            InitiativeOrganisation,
            ("initiative_id", "organisation_id", "role"),
            [(row.pk, row.lead_id, role) for row in rows],
        ),
    ]


def _copy_into_postgresql(connection, rows: list[_Row]) -> None:
    """Write rows with COPY, several times faster than INSERT for large loads.

    Ids come from the table's own sequence first, so that link rows can refer
    to them. The search trigger fires for copied rows as for inserts; the GIN
    search index is dropped for the load and rebuilt after it, which is much
    faster than updating it row by row (the transaction hides the gap).
    """
    table = Initiative._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
            "FROM generate_series(1, %s)",
            [table, len(rows)],
        )
        for row, (pk,) in zip(rows, cursor.fetchall(), strict=True):
            row.pk = pk
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE tablename = %s AND indexdef LIKE '%%USING gin%%'",
            [table],
        )
        gin_indexes = cursor.fetchall()
        for name, _ in gin_indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    columns = ["id", *rows[0].fields] if rows else []
    _copy(
        connection,
        table,
        columns,
        ((row.pk, *row.fields.values()) for row in rows),
    )
    for model, link_columns, values in _links(rows):
        _copy(connection, model._meta.db_table, link_columns, values)
    with connection.cursor() as cursor:
        # Run the deferred foreign-key checks now: PostgreSQL will not build
        # an index on a table with checks still pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for _, definition in gin_indexes:
            cursor.execute(definition)


def _copy(connection, table: str, columns, values) -> None:
    quote = connection.ops.quote_name
    statement = (
        f"COPY {quote(table)} ({', '.join(quote(column) for column in columns)}) "
        "FROM STDIN"
    )
    with connection.cursor() as cursor:
        with cursor.connection.cursor().copy(statement) as copy:
            for value in values:
                copy.write_row(value)


def _published_word_counts(rows: list[_Row]) -> Counter:
    counts: Counter = Counter()
    for row in rows:
        if row.fields["state"] == EditorialState.PUBLISHED:
            fields = row.fields
            counts.update(
                spelling_words(
                    fields["title"], fields["summary"], fields["search_keywords"]
                )
            )
    return counts


def _analyze() -> None:
    """Refresh the planner's statistics after a bulk load (PostgreSQL)."""
    connection = connections["default"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def remove_demo_data() -> tuple[int, int]:
    """Delete every demo initiative and demo organisation; curated rows stay.

    Rows go with plain DELETE statements rather than Django's collector, which
    would load every row and send a signal per row: minutes for 100,000
    initiatives instead of seconds. Curated rows that point at a demo
    initiative (as their parent) are kept and unlinked.
    """
    with transaction.atomic():
        demo = Initiative.objects.demo()
        count = demo.count()
        Initiative.objects.filter(parent__in=demo).exclude(
            origin=Initiative.Origin.DEMO
        ).update(parent=None)
        for model in (
            Initiative.police_areas.through,
            Initiative.themes.through,
            Initiative.target_groups.through,
            InitiativeOrganisation,
            Funding,
            ToolkitLink,
            BriefingMention,
            StateChange,
        ):
            _delete_rows(model._default_manager.filter(initiative__in=demo))
        _remove_demo_history()
        demo.update(parent=None)
        _delete_rows(demo)
        organisations = Organisation.objects.filter(is_demo=True)
        removed_organisations = organisations.count()
        _delete_rows(organisations)
        bump_content_version()
    rebuild_search_words()
    return count, removed_organisations


def _remove_demo_history() -> None:
    """Versions of demo rows a curator happened to edit go with the rows.

    The generator writes no history (COPY sends no signals), so this is
    usually nothing; history tables have no foreign keys, so plain DELETEs do.
    """
    for model in (Initiative, Organisation):
        records = model.history.filter(**_demo_filter(model))
        ids = list(records.values_list("history_id", flat=True))
        # The versions' links, for the many-to-many fields history tracks.
        for field in model._meta.many_to_many:
            if hasattr(model.history.model, field.name):
                links = getattr(model.history.model, field.name).model
                _delete_rows(links._default_manager.filter(history_id__in=ids))
        _delete_rows(records)


def _delete_rows(queryset: QuerySet) -> None:
    """One plain DELETE of a queryset's rows: no collector, no signals."""
    model = queryset.model
    table = model._meta.db_table
    key = model._meta.pk.column
    connection = connections[queryset.db]
    name = connection.ops.quote_name
    try:
        select, params = queryset.values("pk").query.sql_with_params()
    except EmptyResultSet:  # e.g. pk__in=[]: nothing to delete
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {name(table)} WHERE {name(key)} IN ({select})", params
        )


def _demo_filter(model) -> dict:
    if model is Initiative:
        return {"origin": Initiative.Origin.DEMO}
    return {"is_demo": True}
