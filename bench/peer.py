"""Datasette as the benchmark's peer: the same public records, published as a
research team would publish them, and the request equivalent to each of the
app's.

The database. ``export`` (run with the app's environment, so it sees what the
public sees) writes every initiative of ``public_initiatives()`` as one JSON
line; ``build`` loads the lines into SQLite with sqlite-utils as one table,
``initiatives``, one row per initiative, and prepares it as Datasette's
documentation advises for a large published table:

- the many-to-many links become JSON arrays of names in columns of the row
  (``police_areas``, ``themes``, ``target_groups``, ``organisations``), which
  Datasette filters with ``?col__arraycontains=`` and counts with
  ``?_facet_array=col``: its own answer for tags and categories;
- full-text search (FTS5, Porter stemming) over the title, summary,
  description and those names: the same text the app's search vector holds
  (title A, summary B, description C, related names D), so that a search
  matches the same rows in both;
- an index on ``title``, the order every request asks for;
- a ``datasette inspect`` file, so that, opened immutable, Datasette knows the
  table's row count without counting.

The requests. ``datasette_path`` turns one of the app's API paths into the
Datasette request for the same answer:

==================================  ===========================================
app (``/api/v1/initiatives/``)      Datasette (``/library/initiatives.json``)
==================================  ===========================================
(always: ordered by title, or by    ``_sort=title``: Datasette cannot rank by
relevance when searching)           relevance, so matches come by title
(the fields of a list row)          ``_col=`` the same fields: no description
``page_size=50``                    ``_size=50``
``page=N``                          the ``_next`` token of page N, found by
                                    following ``next_url`` from page 1
                                    (Datasette pages by key, not offset)
``q=mental health``                 ``_search=mental health`` (every word, as
                                    the app's web search syntax)
``theme=<slug>``                    ``themes__arraycontains=<its name>``
``police_area=<slug>``              ``police_areas__arraycontains=<its name>``
``facets=theme,police_area``        ``_facet_array=themes&_facet_array=police_areas``
==================================  ===========================================

Known differences, all in Datasette's favour: its facets count within every
filter (the app's are disjunctive: the theme facet ignores the chosen theme,
so it counts more rows); it does not rank matches or build snippets; it pages
by key (page 40 costs what page 1 costs) where the app pages by offset. Both
answer with the count of matches, 50 rows and the facet counts.
"""

import json
import subprocess
import sys
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

DATABASE = "library"
TABLE = "initiatives"
# The columns a row of the app's list shows (besides the key, which Datasette
# always adds): no description, no target groups or organisations.
LIST_COLUMNS = [
    "slug", "title", "summary", "status", "start_date", "end_date",
    "evidence_stage", "evidence_outcome", "police_areas", "themes", "origin",
    "published_at", "created_at", "updated_at",
]  # fmt: skip
SEARCHED = [
    "title", "summary", "description",
    "police_areas", "themes", "target_groups", "organisations",
]  # fmt: skip
FACETS = {"theme": "themes", "police_area": "police_areas"}
FILTERS = {"theme": "themes", "police_area": "police_areas"}

# Datasette as a research team would run it for the public: its own server
# (uvicorn), one process, immutable, with an inspect file and metadata, its
# default SQL threads and page limits. Three settings differ, each so that
# Datasette does the whole work of each answer, no more and no less:
# - suggest_facets off: it would otherwise also work out, for every request,
#   which further facets to suggest (one query per column), which the app's
#   API does not do;
# - sql_time_limit_ms and facet_time_limit_ms 10 s (the wrk timeout; the
#   defaults are 1 s and 0.2 s): under load a slow count or facet would be
#   dropped from the answer silently, which would flatter Datasette;
# - trace_debug on: allows ?_trace=1, which the benchmark uses once per
#   scenario to record the SQL Datasette runs (no cost without it).
SETTINGS = {
    "suggest_facets": "off",
    "sql_time_limit_ms": "10000",
    "facet_time_limit_ms": "10000",
    "trace_debug": "on",
}


@dataclass(frozen=True)
class Names:
    """Slugs of themes and police areas (the app's parameters) to names."""

    themes: dict[str, str]
    areas: dict[str, str]


def datasette_path(app_path: str, names: Names) -> tuple[str, int]:
    """The Datasette path for one of the app's API paths, and its page number.

    Pages after the first are reached from the first (see ``Peer.page``).
    """
    parts = urllib.parse.urlsplit(app_path)
    if parts.path != "/api/v1/initiatives/":
        raise ValueError(f"no Datasette equivalent for {app_path}")
    params = urllib.parse.parse_qs(parts.query)
    query: list[tuple[str, str]] = [("_sort", "title")]
    query += [("_col", column) for column in LIST_COLUMNS]
    query.append(("_size", params.get("page_size", ["20"])[0]))
    for text in params.get("q", []):
        query.append(("_search", text))
    for slug in params.get("theme", []):
        query.append((f"{FILTERS['theme']}__arraycontains", names.themes[slug]))
    for slug in params.get("police_area", []):
        query.append((f"{FILTERS['police_area']}__arraycontains", names.areas[slug]))
    for facets in params.get("facets", []):
        for facet in facets.split(","):
            if facet not in FACETS:
                raise ValueError(f"Datasette has no equivalent of facet {facet}")
            query.append(("_facet_array", FACETS[facet]))
    unknown = set(params) - {"page_size", "page", "q", "theme", "police_area", "facets"}
    if unknown:
        raise ValueError(f"no Datasette equivalent for {sorted(unknown)}")
    path = f"/{DATABASE}/{TABLE}.json?{urllib.parse.urlencode(query)}"
    return path, int(params.get("page", ["1"])[0])


def metadata() -> dict:
    """Datasette's metadata: the table sorted by title, as the app lists it."""
    return {
        "title": "PCC early-intervention practice library (benchmark copy)",
        "databases": {
            DATABASE: {
                "tables": {
                    TABLE: {
                        "sort": "title",
                        "label_column": "title",
                        "fts_table": f"{TABLE}_fts",
                    }
                }
            }
        },
    }


def build(sqlite_utils: str, datasette: str, rows: Path, directory: Path) -> Path:
    """The SQLite database (with FTS), its inspect file and metadata, from rows."""
    database = directory / f"{DATABASE}.db"
    database.unlink(missing_ok=True)

    def run(*command: str) -> None:
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)

    run(sqlite_utils, "insert", str(database), TABLE, str(rows), "--nl", "--pk", "id")
    run(sqlite_utils, "enable-fts", str(database), TABLE, *SEARCHED,
        "--fts5", "--tokenize", "porter")  # fmt: skip
    run(sqlite_utils, "create-index", str(database), TABLE, "title")
    run(sqlite_utils, "analyze", str(database))
    run(datasette, "inspect", str(database),
        "--inspect-file", str(directory / "inspect.json"))  # fmt: skip
    (directory / "metadata.json").write_text(json.dumps(metadata(), indent=2))
    return database


def export(output: Path) -> int:
    """Write each public initiative as a JSON line; return how many."""
    import os

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "practice_library.settings")
    import django

    django.setup()
    from django.core.serializers.json import DjangoJSONEncoder

    from initiatives.models import Initiative
    from initiatives.selectors import public_initiatives

    public = Initiative.objects.filter(pk__in=public_initiatives().values("pk"))
    related: dict[str, dict[int, list[str]]] = {}
    for column, lookup in [
        ("police_areas", "police_areas__name"),
        ("themes", "themes__name"),
        ("target_groups", "target_groups__name"),
        ("organisations", "organisations__name"),
    ]:
        names: dict[int, list[str]] = {}
        for pk, name in public.order_by("pk", lookup).values_list("pk", lookup):
            names.setdefault(pk, [])
            if name is not None:
                names[pk].append(name)
        related[column] = names
    fields = ["id", "slug", "title", "summary", "description", "status",
              "start_date", "end_date", "evidence_stage", "evidence_outcome",
              "origin", "published_at", "created_at", "updated_at"]  # fmt: skip
    count = 0
    with output.open("w") as handle:
        for row in public.order_by("pk").values(*fields).iterator(chunk_size=5000):
            for column, names in related.items():
                row[column] = names.get(row["id"], [])
            handle.write(json.dumps(row, cls=DjangoJSONEncoder) + "\n")
            count += 1
    return count


if __name__ == "__main__":
    print(export(Path(sys.argv[1])))
