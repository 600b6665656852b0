"""SQL per request, and the database's own time for it, for bench/run.py.

Run with the benchmark's environment: for every path given it makes the
request in-process with Django's test client, counts the queries, and replays
each SELECT under EXPLAIN (ANALYZE, TIMING OFF) to add up the time PostgreSQL
itself spent (planning plus execution; without per-node timing, whose own
cost would inflate the figure). For the first path of each scenario it also
keeps every query with its plan under EXPLAIN (ANALYZE, BUFFERS): where the
time goes, row estimates against actual rows, and pages read.

argv[1] is a JSON file of ``{scenario: [paths]}``; it prints, as JSON,
``{"scenarios": {scenario: {path: figures}}, "connection": ...}``, where
``connection`` is what the app sets on its own database connections.
"""

import json
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "practice_library.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def database_milliseconds(queries: list[dict]) -> float:
    total = 0.0
    with connection.cursor() as cursor:
        for query in queries:
            if not query["sql"].lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + query["sql"])
            (plan,) = cursor.fetchone()
            total += plan[0]["Planning Time"] + plan[0]["Execution Time"]
    return total


def plans(queries: list[dict]) -> list[dict]:
    """Each query of a request, with its plan when it is a SELECT."""
    explained = []
    with connection.cursor() as cursor:
        for query in queries:
            entry = {"sql": query["sql"], "plan": None}
            if query["sql"].lstrip().upper().startswith("SELECT"):
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                entry["plan"] = "\n".join(row[0] for row in cursor.fetchall())
            explained.append(entry)
    return explained


def measure(path: str, *, explain: bool) -> dict:
    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    client.get(path)  # warm caches the way a running server has them
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    queries = list(captured.captured_queries)
    timings = [database_milliseconds(queries) for _ in range(3)]
    figures: dict = {
        "status": response.status_code,
        "queries": len(queries),
        "database_ms": statistics.median(timings),
    }
    if explain:
        figures["explained"] = plans(queries)
    return figures


def connection_settings() -> dict:
    """What the app's own connections set, over PostgreSQL's configuration."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, current_setting(name), source FROM pg_settings "
            "WHERE source IN ('client', 'session') ORDER BY name"
        )
        changed = {name: f"{value} ({source})" for name, value, source in cursor}
    return {
        "options": {
            key: str(value)
            for key, value in connection.settings_dict.get("OPTIONS", {}).items()
        },
        "settings": changed,
    }


if __name__ == "__main__":
    scenarios = json.loads(Path(sys.argv[1]).read_text())
    print(
        json.dumps(
            {
                "scenarios": {
                    name: {
                        path: measure(path, explain=number == 0)
                        for number, path in enumerate(paths)
                    }
                    for name, paths in scenarios.items()
                },
                "connection": connection_settings(),
            }
        )
    )
