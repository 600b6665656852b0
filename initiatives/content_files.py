"""Reading and checking the library's content files (``initiatives/content/``).

The curated content (police areas and their governance, themes, target
groups, organisations, sources, briefings and initiatives) lives in YAML
files under version control; ``initiatives/content/README.md`` documents
their format. This module reads every file and checks all it can without
the database, before anything is written:

- the shape of every record: known keys only, the types and required keys,
  choices from the models' own vocabularies, partial dates, https
  addresses (JSON Schema, through the ``jsonschema`` library);
- that every slug a record names is defined in the files, that no slug is
  defined twice, that no two initiatives share a title within an area, and
  the curators' rules that span fields (a source for every initiative, an
  evaluation behind every claim of evidence).

The loader (``initiatives.services.seed``) then checks the models' own rules
and writes. Every problem names where it is, as
``<file>: <list>[<n>] (<slug>): <field>: <message>``, and all of them are
reported at once.
"""

import datetime
import hashlib
import json
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from initiatives.models import (
    GovernanceKind,
    Initiative,
    InitiativeOrganisation,
    Nation,
    OrganisationKind,
    Region,
    Source,
    ToolkitLink,
)
from initiatives.partial_dates import DatePrecision, parse_partial_date

CONTENT_DIRECTORY = Path(__file__).resolve().parent / "content"

# Each kind of record: its list in the files, its name in messages and keys.
# Listed in the order the loader writes them: each names only kinds above it
# (and initiatives their parent).
KINDS = {
    "police_area": "police_areas",
    "theme": "themes",
    "target_group": "target_groups",
    "organisation": "organisations",
    "source": "sources",
    "briefing": "briefings",
    "initiative": "initiatives",
}
NOUNS = {kind: kind.replace("_", " ") for kind in KINDS}

# Evidence that only an evaluation can support (FORMAT rule 5).
EVALUATED_STAGES = {"evaluated-locally", "independently-evaluated"}
EVALUATED_OUTCOMES = {"worked", "promising", "did-not-work", "mixed"}
MAX_THEMES = 3
MAX_SUMMARY = 600


class ContentError(Exception):
    """The content files have problems; nothing was loaded."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(str(self))

    def __str__(self) -> str:
        count = len(self.problems)
        return (
            f"The content files have {count} problem{'s' if count != 1 else ''}; "
            "nothing was loaded:\n" + "\n".join(f"- {p}" for p in self.problems)
        )


# -- The shape of each record (JSON Schema) ----------------------------------
#
# A "message" beside a rule is what a curator reads when the rule fails;
# jsonschema ignores keywords it does not know.

SLUG = {
    "type": "string",
    "pattern": r"^[a-z0-9]+(-[a-z0-9]+)*$",
    "maxLength": 200,
    "message": "must be a slug: lower-case letters and digits, with single "
    "hyphens between words",
}
TEXT = {"type": "string", "pattern": r"\S", "message": "must not be empty"}
OPTIONAL_TEXT = {"type": "string"}
HTTPS = {
    "type": "string",
    # ASCII only, as a URI is: a curly quote copied from a page is written
    # percent-encoded (%E2%80%99), so partners' validators accept it.
    "pattern": r"^https://[!-.0-~]+\.[!-~]+$",
    "maxLength": 500,
    "message": "must be a full web address starting with https://, with any "
    "character outside ASCII percent-encoded",
}
PARTIAL_DATE = {
    "type": ["string", "integer"],
    "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
    "minimum": 1000,
    "maximum": 9999,
    "message": "must be a date: a year ('2015'), a month ('2015-06') or a day "
    "('2015-06-17')",
}
AMOUNT = {
    "type": ["string", "integer", "number"],
    "pattern": r"^\d{1,10}(\.\d{1,2})?$",
    "minimum": 0,
    "message": "must be an amount of money as a plain number, e.g. '25000' or "
    "'1250.50'",
}


def _choice(choices: Collection[str]) -> dict[str, Any]:
    return {"type": "string", "enum": list(choices)}


def _slugs(*, at_least: int = 0, at_most: int | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "array",
        "items": SLUG,
        "uniqueItems": True,
        "minItems": at_least,
    }
    if at_most is not None:
        schema["maxItems"] = at_most
    return schema


def _record(required: dict[str, Any], optional: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": required | optional,
        "required": list(required),
        "additionalProperties": False,
    }


def _list_of(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


GOVERNANCE = _record(
    {"kind": _choice(GovernanceKind.values), "body": TEXT},
    {
        "start": PARTIAL_DATE,
        "end": PARTIAL_DATE,
        "note": OPTIONAL_TEXT,
        "source_url": HTTPS,
    },
)
RECORDS: dict[str, dict[str, Any]] = {
    "police_area": _record(
        {
            "slug": SLUG,
            "name": TEXT,
            "gss_code": TEXT,
            "nation": _choice(Nation.values),
            "region": _choice(Region.values),
        },
        {"governance": _list_of(GOVERNANCE)},
    ),
    "theme": _record(
        {"slug": SLUG, "name": TEXT, "description": TEXT},
        {"order": {"type": "integer", "minimum": 0, "maximum": 32767}},
    ),
    "target_group": _record(
        {"slug": SLUG, "name": TEXT},
        {
            "description": OPTIONAL_TEXT,
            "min_age": {"type": "integer", "minimum": 0, "maximum": 120},
            "max_age": {"type": "integer", "minimum": 0, "maximum": 120},
            "order": {"type": "integer", "minimum": 0, "maximum": 32767},
        },
    ),
    "organisation": _record(
        {"slug": SLUG, "name": TEXT, "kind": _choice(OrganisationKind.values)},
        {"police_area": SLUG, "website": HTTPS, "description": OPTIONAL_TEXT},
    ),
    "source": _record(
        {
            "slug": SLUG,
            "kind": _choice(Source.Kind.values),
            "title": TEXT,
            "url": HTTPS,
            "accessed": PARTIAL_DATE,
        },
        {
            "publishers": _slugs(),
            "authors": OPTIONAL_TEXT,
            "published": PARTIAL_DATE,
            "archived_url": HTTPS,
            "summary": OPTIONAL_TEXT,
        },
    ),
    "briefing": _record(
        {"slug": SLUG, "title": TEXT},
        {
            "series": OPTIONAL_TEXT,
            "number": {"type": "integer", "minimum": 1, "maximum": 32767},
            "publishers": _slugs(),
            "published": PARTIAL_DATE,
            "url": HTTPS,
            "accessed": PARTIAL_DATE,
            "summary": TEXT,
            "key_findings": _list_of(TEXT),
            "themes": _slugs(),
        },
    ),
    "initiative": _record(
        {
            "slug": SLUG,
            "title": TEXT,
            "police_areas": _slugs(at_least=1),
            "themes": _slugs(at_least=1, at_most=MAX_THEMES),
            "summary": {**TEXT, "maxLength": MAX_SUMMARY},
            "description": TEXT,
        },
        {
            "target_groups": _slugs(),
            "status": _choice(Initiative.Status.values),
            "start": PARTIAL_DATE,
            "end": PARTIAL_DATE,
            "organisations": _list_of(
                _record(
                    {
                        "organisation": SLUG,
                        "role": _choice(InitiativeOrganisation.Role.values),
                    },
                    {},
                )
            ),
            "funding": _list_of(
                _record(
                    {"source": SLUG},
                    {
                        "funder": SLUG,
                        "amount": AMOUNT,
                        "currency": {
                            "type": "string",
                            "pattern": "^[A-Z]{3}$",
                            "message": "must be a three-letter currency code, e.g. GBP",
                        },
                        "period_start": PARTIAL_DATE,
                        "period_end": PARTIAL_DATE,
                        "note": OPTIONAL_TEXT,
                    },
                )
            ),
            "evidence": {
                **_record(
                    {},
                    {
                        "stage": _choice(Initiative.EvidenceStage.values),
                        "outcome": _choice(Initiative.EvidenceOutcome.values),
                        "msms_level": {"type": "integer", "minimum": 1, "maximum": 5},
                        "note": OPTIONAL_TEXT,
                    },
                ),
                "minProperties": 1,
            },
            "toolkit_links": _list_of(
                _record(
                    {
                        "toolkit": _choice(ToolkitLink.Toolkit.values),
                        "approach": TEXT,
                        "url": HTTPS,
                    },
                    {"rating": OPTIONAL_TEXT},
                )
            ),
            "sources": _list_of(
                _record(
                    {"source": SLUG},
                    {"note": OPTIONAL_TEXT, "evaluation": {"type": "boolean"}},
                )
            ),
            "briefings": _list_of(
                _record(
                    {"briefing": SLUG},
                    {"page": OPTIONAL_TEXT, "note": OPTIONAL_TEXT},
                )
            ),
            "website": HTTPS,
            "parent": SLUG,
        },
    ),
}
FILE_SCHEMA = {
    "type": "object",
    "properties": {KINDS[kind]: _list_of(record) for kind, record in RECORDS.items()},
    "additionalProperties": False,
}
VALIDATOR = jsonschema.Draft202012Validator(FILE_SCHEMA)


# -- Records -----------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """One record of the files: an organisation, a source, an initiative."""

    kind: str
    data: dict[str, Any]
    file: str
    index: int

    @property
    def slug(self) -> str:
        return str(self.data.get("slug", ""))

    @property
    def key(self) -> str:
        """What the loader records it under, e.g. 'initiative:durham-checkpoint'."""
        return f"{self.kind}:{self.slug}"

    @property
    def place(self) -> str:
        return f"{self.file}: {KINDS[self.kind]}[{self.index}] ({self.slug})"

    @cached_property
    def digest(self) -> str:
        """SHA-256 of the record as the file gives it (not of its layout)."""
        text = json.dumps(self.data, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()

    def problem(self, field: str, message: str) -> str:
        return f"{self.place}: {field}: {message}"

    def get(self, name: str, default: Any = None) -> Any:
        return self.data.get(name, default)

    def items(self, name: str) -> list[dict[str, Any]]:
        """The mappings of a list such as 'funding' (empty when not given)."""
        return list(self.data.get(name) or [])


@dataclass
class Content:
    """Every record of the content files, by kind and slug, in file order."""

    records: dict[str, dict[str, Record]] = field(
        default_factory=lambda: {kind: {} for kind in KINDS}
    )
    files: list[str] = field(default_factory=list)

    def of(self, kind: str) -> list[Record]:
        return list(self.records[kind].values())

    def __iter__(self) -> Iterator[Record]:
        for kind in KINDS:
            yield from self.records[kind].values()

    def __len__(self) -> int:
        return sum(len(records) for records in self.records.values())

    def select(self, files: Collection[str]) -> "Content":
        """The records of some files and every record they need, and so on."""
        wanted = [record for record in self if record.file in set(files)]
        chosen: dict[str, Record] = {}
        while wanted:
            record = wanted.pop()
            if record.key in chosen:
                continue
            chosen[record.key] = record
            for kind, slug, _ in references(record):
                needed = self.records[kind].get(slug)
                if needed is not None:
                    wanted.append(needed)
        subset = Content(files=[f for f in self.files if f in set(files)])
        for record in self:
            if record.key in chosen:
                subset.records[record.kind][record.slug] = record
        return subset


def references(record: Record) -> Iterator[tuple[str, str, str]]:
    """Every (kind, slug, field) a record names."""
    single = {
        "organisation": [("police_area", "police_area")],
        "initiative": [("parent", "initiative")],
    }.get(record.kind, [])
    for name, kind in single:
        if record.get(name):
            yield kind, record.get(name), name
    several = {
        "source": [("publishers", "organisation")],
        "briefing": [("publishers", "organisation"), ("themes", "theme")],
        "initiative": [
            ("police_areas", "police_area"),
            ("themes", "theme"),
            ("target_groups", "target_group"),
        ],
    }.get(record.kind, [])
    for name, kind in several:
        for n, slug in enumerate(record.get(name) or []):
            yield kind, slug, f"{name}[{n}]"
    if record.kind == "initiative":
        nested = [
            ("organisations", "organisation", "organisation"),
            ("funding", "funder", "organisation"),
            ("funding", "source", "source"),
            ("sources", "source", "source"),
            ("briefings", "briefing", "briefing"),
        ]
        for name, key, kind in nested:
            for n, item in enumerate(record.items(name)):
                if item.get(key):
                    yield kind, item[key], f"{name}[{n}].{key}"


# -- Reading -----------------------------------------------------------------


def read_content(
    directory: Path = CONTENT_DIRECTORY, *, only: Collection[str] = ()
) -> Content:
    """Every record of the YAML files under ``directory``, checked.

    ``only`` names files (relative to the directory) whose records, and
    every record those need, are wanted; the others are read and checked
    all the same. Raises ContentError listing every problem.
    """
    paths = sorted(directory.rglob("*.yaml"))
    problems: list[str] = []
    content = Content()
    # Where each slug is first defined, whether or not its record is well
    # formed: a record that names a broken one is not reported for it too.
    defined: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}
    for path in paths:
        name = path.relative_to(directory).as_posix()
        content.files.append(name)
        document = _read_yaml(path, name, problems)
        if document is None:
            continue
        valid = _check_shape(document, name, problems)
        for kind, list_name in KINDS.items():
            items = document.get(list_name) or []
            if not isinstance(items, list):
                continue
            for index, data in enumerate(items):
                if not isinstance(data, dict) or not isinstance(data.get("slug"), str):
                    continue
                record = Record(kind, data, name, index)
                first = defined[kind].get(record.slug)
                if first is not None:
                    problems.append(
                        record.problem(
                            "slug",
                            f"{NOUNS[kind]} “{record.slug}” is already defined "
                            f"at {first}",
                        )
                    )
                    continue
                defined[kind][record.slug] = f"{name}: {list_name}[{index}]"
                if (list_name, index) in valid:
                    content.records[kind][record.slug] = record
    missing_files = sorted(set(only) - set(content.files))
    if missing_files:
        problems.append(f"no such content file: {', '.join(missing_files)}")
    problems += _check_across_records(content, defined)
    if problems:
        raise ContentError(problems)
    return content.select(only) if only else content


def _read_yaml(path: Path, name: str, problems: list[str]) -> dict | None:
    try:
        # The C loader when PyYAML has it: the files are read on every load.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except UnicodeDecodeError:
        problems.append(f"{name}: not UTF-8 text")
        return None
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        reason = getattr(error, "problem", None) or str(error)
        problems.append(f"{name}: not valid YAML{line}: {reason}")
        return None
    if document is None:
        return {}
    if not isinstance(document, dict):
        problems.append(
            f"{name}: must be a mapping of lists ({', '.join(KINDS.values())})"
        )
        return None
    return _with_dates_as_text(document)


def _with_dates_as_text(value: Any) -> Any:
    """The document with dates that YAML read as dates written back as text.

    An unquoted 2015-12-17 is a date to YAML; the records keep it as the
    text the curator wrote, so that every date goes through one parser.
    """
    if isinstance(value, dict):
        return {key: _with_dates_as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_dates_as_text(item) for item in value]
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _check_shape(
    document: dict[str, Any], name: str, problems: list[str]
) -> set[tuple[str, int]]:
    """Report every record that breaks the schema; the (list, index) of the
    records that do not."""
    broken: set[tuple[str, int]] = set()
    for error in sorted(VALIDATOR.iter_errors(document), key=_error_order):
        path = list(error.absolute_path)
        if len(path) < 2:
            problems.append(f"{name}: {_message(error, top_level=True)}")
            if path:
                broken |= {(str(path[0]), i) for i in range(_length(document, path))}
            continue
        list_name, index = str(path[0]), int(path[1])
        broken.add((list_name, index))
        data = document[list_name][index]
        slug = data.get("slug", "") if isinstance(data, dict) else ""
        field, message = _field_and_message(path[2:], error)
        problems.append(f"{name}: {list_name}[{index}] ({slug}): {field}: {message}")
    return {
        (list_name, index)
        for list_name in KINDS.values()
        for index in range(len(document.get(list_name) or []))
        if isinstance(document.get(list_name), list)
    } - broken


def _length(document: dict[str, Any], path: list) -> int:
    items = document.get(str(path[0]))
    return len(items) if isinstance(items, list) else 0


def _error_order(error: jsonschema.ValidationError) -> tuple:
    return tuple(str(part).zfill(6) for part in error.absolute_path)


def _field_and_message(
    path: list, error: jsonschema.ValidationError
) -> tuple[str, str]:
    """The field a schema error is about ('funding[0].amount'), and why."""
    field = ""
    for part in path:
        field += f"[{part}]" if isinstance(part, int) else f".{part}"
    schema: Any = error.schema
    if error.validator == "required":
        missing = error.message.split("'")[1]
        field += f".{missing}"
    elif error.validator == "additionalProperties":
        given: Any = error.instance
        extra = sorted(set(given) - set(schema["properties"]))
        field += f".{extra[0]}" if len(extra) == 1 else ""
    return field.lstrip(".") or "record", _message(error)


def _message(error: jsonschema.ValidationError, *, top_level: bool = False) -> str:
    schema: Any = error.schema
    value: Any = error.instance
    if error.validator == "additionalProperties":
        extra = sorted(set(value) - set(schema["properties"]))
        allowed = ", ".join(schema["properties"])
        what = "list" if top_level else "key"
        names = ", ".join(f"“{key}”" for key in extra)
        return f"unknown {what}{'s' if len(extra) > 1 else ''} {names} (allowed: {allowed})"
    if error.validator == "required":
        return "is required"
    if error.validator == "enum":
        return f"“{value}” is not one of: {', '.join(schema['enum'])}"
    if error.validator == "type":
        expected: Any = error.validator_value
        if isinstance(expected, list):
            return schema.get("message", f"must be one of {expected}")
        return {
            "string": "must be text",
            "array": "must be a list",
            "object": "must be a mapping of keys to values",
            "integer": "must be a whole number",
            "boolean": "must be true or false",
        }.get(expected, f"must be of type {expected}")
    if error.validator == "minItems":
        return f"give at least {error.validator_value}"
    if error.validator == "maxItems":
        return f"give at most {error.validator_value}"
    if error.validator == "uniqueItems":
        return "names the same value twice"
    if error.validator == "maxLength" and "message" not in schema:
        return f"is longer than {error.validator_value} characters"
    if error.validator == "minProperties":
        return "is empty: leave it out instead"
    if "message" in schema:
        shown = f"{str(value)[:80]!r} " if value != "" else ""
        return f"{shown}{schema['message']}"
    return error.message


# -- Rules across records ----------------------------------------------------


def _check_across_records(
    content: Content, defined: dict[str, dict[str, str]]
) -> list[str]:
    problems: list[str] = []
    for record in content:
        for kind, slug, field_name in references(record):
            if slug not in defined[kind]:
                problems.append(
                    record.problem(
                        field_name, f"no {NOUNS[kind]} “{slug}” in the content files"
                    )
                )
        problems += _check_dates(record)
    problems += _check_titles_within_areas(content)
    for record in content.of("initiative"):
        problems += _check_initiative(record, content)
    for record in content.of("police_area"):
        seen: set[tuple[str, str]] = set()
        for n, period in enumerate(record.items("governance")):
            key = (period["kind"], period["body"])
            if key in seen:
                problems.append(
                    record.problem(
                        f"governance[{n}]", "lists the same kind and body twice"
                    )
                )
            seen.add(key)
    return problems


DATE_FIELDS: dict[str, list[tuple[str | None, str]]] = {
    "police_area": [("governance", "start"), ("governance", "end")],
    "source": [(None, "published"), (None, "accessed")],
    "briefing": [(None, "published"), (None, "accessed")],
    "initiative": [
        (None, "start"),
        (None, "end"),
        ("funding", "period_start"),
        ("funding", "period_end"),
    ],
}
DAY_ONLY = {"accessed"}


def _check_dates(record: Record) -> list[str]:
    problems = []
    for list_name, name in DATE_FIELDS.get(record.kind, []):
        places = (
            [(name, record.data)]
            if list_name is None
            else [
                (f"{list_name}[{n}].{name}", item)
                for n, item in enumerate(record.items(list_name))
            ]
        )
        for field_name, holder in places:
            if holder.get(name) is None:
                continue
            try:
                _, precision = parse_partial_date(holder[name])
            except ValueError as error:
                problems.append(record.problem(field_name, str(error)))
                continue
            if name in DAY_ONLY and precision != DatePrecision.DAY:
                problems.append(
                    record.problem(field_name, "must be the day, e.g. '2026-12-02'")
                )
    return problems


def _check_titles_within_areas(content: Content) -> list[str]:
    problems = []
    titles: dict[tuple[str, str], Record] = {}
    for record in content.of("initiative"):
        for area in record.get("police_areas") or []:
            key = (area, " ".join(record.get("title", "").casefold().split()))
            first = titles.setdefault(key, record)
            if first is not record:
                problems.append(
                    record.problem(
                        "title",
                        f"“{record.get('title')}” is already the title of "
                        f"{first.slug} in {area}",
                    )
                )
    return problems


def _check_initiative(record: Record, content: Content) -> list[str]:
    problems = []
    sources = record.items("sources")
    if not sources and not record.items("briefings"):
        problems.append(
            record.problem(
                "sources", "every initiative cites at least one source or briefing"
            )
        )
    evidence = record.get("evidence") or {}
    claims = evidence.get("stage") in EVALUATED_STAGES or (
        evidence.get("outcome") in EVALUATED_OUTCOMES
    )
    if claims and not any(source.get("evaluation") for source in sources):
        problems.append(
            record.problem(
                "evidence",
                "an evaluated stage or an outcome needs a source marked "
                "'evaluation: true'",
            )
        )
    roles = [(r["organisation"], r["role"]) for r in record.items("organisations")]
    if len(roles) != len(set(roles)):
        problems.append(
            record.problem("organisations", "lists an organisation's role twice")
        )
    if sum(role == "lead" for _, role in roles) > 1:
        problems.append(
            record.problem("organisations", "an initiative has one lead organisation")
        )
    for name, key in (("sources", "source"), ("briefings", "briefing")):
        cited = [item[key] for item in record.items(name)]
        if len(cited) != len(set(cited)):
            problems.append(record.problem(name, f"cites the same {key} twice"))
    links = [(link["toolkit"], link["url"]) for link in record.items("toolkit_links")]
    if len(links) != len(set(links)):
        problems.append(
            record.problem("toolkit_links", "links the same toolkit page twice")
        )
    problems += _check_parents(record, content)
    return problems


def _check_parents(record: Record, content: Content) -> list[str]:
    seen = {record.slug}
    parent = record.get("parent")
    while parent:
        if parent in seen:
            return [
                record.problem(
                    "parent", "is part of itself, through its parent or theirs"
                )
            ]
        seen.add(parent)
        above = content.records["initiative"].get(parent)
        parent = above.get("parent") if above is not None else None
    return []


def initiative_depth(record: Record, content: Content) -> int:
    """How many parents above an initiative: parents are written first."""
    depth, parent = 0, record.get("parent")
    while parent and parent in content.records["initiative"]:
        depth += 1
        parent = content.records["initiative"][parent].get("parent")
    return depth
