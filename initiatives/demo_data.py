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
from initiatives.services.public_changes import record_public_changes
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
# Curated entries run to a few hundred characters of summary and 1,000 to
# 3,000 of description; demo texts are as long, so that search and storage
# cost what they cost on real content. They are built from these sentences
# by a generator of their own (seeded from the same seed), so the rest of
# each row is what it was before texts grew.
SUMMARY_AIMS = [
    "It aims to reach people before a crisis brings them into the justice system.",
    "The aim is to reduce repeat contact with the police by meeting needs earlier.",
    "It sets out to join up services that used to work with the same people apart.",
    "Its goal is fewer arrests and prosecutions for people whose needs are unmet.",
    "It was set up to give officers a quicker route to the right local service.",
    "It seeks to prevent harm by acting on the first signs of difficulty.",
]
SUMMARY_DELIVERY = [
    "It is funded by the police and crime commissioner with local partners.",
    "Referrals come from officers, custody staff, schools and health services.",
    "A small team of caseworkers and volunteers delivers it.",
    "Partners meet every month to review cases and adjust the service.",
    "It has been running since {year} and is reviewed each year.",
    "The commissioner's office commissions it from a voluntary sector provider.",
]
TEXT_SECTIONS = [
    [
        "Before it started, partners in {place} found that a small number of "
        "people accounted for a large share of calls, arrests and visits to "
        "emergency services.",
        "Local data showed that problems such as debt, housing and substance use "
        "often came before contact with the police, sometimes by several years.",
        "The police and crime plan for {place} made early intervention a priority "
        "in {year}, and this work was one of the first to be commissioned under it.",
        "Officers {setting} had long reported that they had few options other than "
        "arrest for people whose behaviour was driven by unmet needs.",
        "A needs assessment led by the community safety partnership identified "
        "gaps between police, health and council services.",
    ],
    [
        "Referrals can be made by police officers, custody staff, probation, "
        "schools, GPs and housing officers, and people may refer themselves.",
        "Each person referred is contacted within {days} working days and offered "
        "an assessment of their needs and circumstances.",
        "Eligibility is broad: the service works with anyone whose contact with "
        "the police appears linked to needs that other services could meet.",
        "A single referral form and a shared contact point replaced several "
        "separate routes that had confused officers and partners.",
        "Cases are screened each morning, and urgent referrals are seen the same "
        "day where staff are available.",
    ],
    [
        "Caseworkers hold a caseload of about {caseload} people and work with each "
        "for up to {months} months, longer where needs are complex.",
        "Support is tailored to each person and can include help with housing, "
        "benefits, debt, education, training and family relationships.",
        "The team meets people where they feel comfortable, including at home, in "
        "community venues and {setting}.",
        "Workers build trust through regular contact and practical help before "
        "addressing the behaviour that brought the person to police attention.",
        "Where a person has several needs at once, a lead worker coordinates the "
        "services involved so that the person tells their story only once.",
        "People can return to the service after their case is closed if their "
        "circumstances change.",
    ],
    [
        "The service is delivered by a partnership of the police, the local "
        "authority, health commissioners and voluntary sector organisations.",
        "A steering group chaired by the commissioner's office oversees delivery "
        "and meets quarterly to review performance and risks.",
        "Information is shared under an agreement signed by every partner, which "
        "sets out what may be shared, with whom and for what purpose.",
        "Neighbourhood policing teams are briefed on the service so that officers "
        "know when and how to refer.",
        "Partners in {place} pooled part of their budgets so that no single "
        "agency carries the cost alone.",
    ],
    [
        "The commissioner provided initial funding of about {amount} pounds a year, "
        "with match funding from partners.",
        "Funding was first agreed for {years} years and later extended after a "
        "review of the first results.",
        "Most of the budget pays for caseworkers; the rest covers training, "
        "supervision and a small fund for practical help.",
        "The service competes for funding each year with other preventative work "
        "in the police and crime plan.",
    ],
    [
        "Progress is tracked against outcomes agreed at the start, including "
        "repeat contact with the police, housing stability and engagement with "
        "other services.",
        "An evaluation compared people who took part with a similar group who "
        "did not, over the twelve months after referral.",
        "Case files and interviews with staff and participants informed a review "
        "of how the service works in practice.",
        "Data are collected on every referral, though follow-up after a case is "
        "closed has proved difficult.",
        "Some participants said the most useful thing was having one person who "
        "listened and stayed in contact.",
    ],
    [
        "Partners learnt that the service works best when officers receive "
        "regular feedback on the people they referred.",
        "Staff turnover and short funding cycles made it hard to keep experienced "
        "caseworkers.",
        "Recording the reasons people decline support helped the team change how "
        "the first contact is made.",
        "The approach has since been adapted by neighbouring areas, each changing "
        "it to suit local services.",
        "Demand grew faster than expected, and a waiting list was introduced in "
        "the second year.",
        "Access to specialist treatment remained the hardest gap to close for "
        "some participants.",
    ],
]
CLOSING = (
    "It was generated for demonstrations and benchmarks and describes no real service."
)
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
    texts = random.Random(f"demo-texts-{seed}")
    with transaction.atomic():
        first = Initiative.objects.demo().count() + 1
        organisations = _demo_organisations(areas)
        rows = _build_initiatives(
            rng, texts, first, count, areas, themes, groups, organisations
        )
        _insert(rows)
        merge_search_words(_published_word_counts(rows))
        bump_content_version()
        record_public_changes(row.pk for row in rows if row.pk is not None)
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


def _build_initiatives(rng, texts, first, count, areas, themes, groups, organisations):
    by_area: dict[int, list[Organisation]] = {}
    for organisation in organisations:
        by_area.setdefault(organisation.police_area_id, []).append(organisation)
    now = timezone.now()
    # Every column gets a value, as COPY does not apply Django's defaults.
    defaults = {
        field.attname: field.get_default()
        for field in Initiative._meta.concrete_fields
        if field.attname not in {"id", "search_rank_vector"}
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
            "summary": _summary(texts, f"In {place}, {what} {setting}.", year),
            "description": _description(
                texts,
                [
                    f"This synthetic entry describes a {approach.lower()} "
                    f"initiative {setting} in {place}.",
                    f"In outline, {what}.",
                    rng.choice(FINDINGS),
                ],
                place=place,
                setting=setting,
                year=year,
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


def _summary(texts: random.Random, opening: str, year: int) -> str:
    """An opening sentence and two more: a few hundred characters."""
    aim = texts.choice(SUMMARY_AIMS)
    delivery = texts.choice(SUMMARY_DELIVERY).format(year=year)
    return f"{opening} {aim} {delivery}"


def _description(texts: random.Random, opening: list[str], **facts: object) -> str:
    """Paragraphs of 1,000 to 3,000 characters in all, in Markdown.

    After the opening, sections take turns (context, referral, delivery,
    partnership, funding, evaluation, lessons), a sentence from each, until
    the length drawn for this entry is reached.
    """
    # Most entries are nearer 1,000 characters than 3,000 (median about 1,500).
    target = 1000 + int(1800 * texts.random() ** 2)
    facts = {
        **facts,
        "days": texts.randint(2, 10),
        "caseload": texts.randint(12, 40),
        "months": texts.choice([3, 6, 9, 12]),
        "amount": f"{texts.randint(4, 60) * 5000:,}",
        "years": texts.randint(2, 3),
    }
    sentences = [*opening]
    length = sum(len(sentence) + 1 for sentence in [*opening, CLOSING])
    unused = [texts.sample(section, len(section)) for section in TEXT_SECTIONS]
    while length < target and any(unused):
        for section in unused:
            if section and length < target:
                sentences.append(section.pop().format(**facts))
                length += len(sentences[-1]) + 1
    sentences.append(CLOSING)
    return "\n\n".join(
        " ".join(sentences[start : start + 4]) for start in range(0, len(sentences), 4)
    )


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
        # Tombstones for mirrors: the plain DELETEs send no signals.
        record_public_changes(
            [],
            departed=list(
                demo.filter(state=EditorialState.PUBLISHED).values_list("pk", "slug")
            ),
        )
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
