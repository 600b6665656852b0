"""Every migration applies and reverses on PostgreSQL, one step at a time.

On a scratch database that the test creates and drops (never the test
database), a fresh process applies the whole plan one migration at a time,
then unapplies the library's own migrations (initiatives, themes) one at a
time back to none, then applies everything again: a reverse that leaves
anything behind makes the second pass fail.

Django's own migrations are applied but not reversed: reversing
auth.0002 (permission names back to 50 characters) fails on any project
with a longer permission name, such as "Can publish, withdraw and return
published initiatives to draft".
"""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

pytestmark = pytest.mark.postgresql

ROOT = Path(__file__).resolve().parents[2]

STEP_BY_STEP = """
import json, django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import ProjectState

executor = MigrationExecutor(connection)
plan = [m for m, _ in executor.migration_plan(
    executor.loader.graph.leaf_nodes(), clean_start=True)]

def empty_state():
    state = ProjectState(real_apps=executor.loader.unmigrated_apps)
    state.apps  # render once; each step then changes only what it touches
    return state

state = empty_state()
for migration in plan:
    state = executor.apply_migration(state, migration)

with connection.cursor() as cursor:
    cursor.execute("SELECT name FROM auth_group ORDER BY name")
    groups = [name for name, in cursor.fetchall()]
    cursor.execute("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal")
    triggers = cursor.fetchone()[0]

# The state before each migration, built as Django's own backwards run does.
before, state = {}, empty_state()
for migration in plan:
    before[migration] = state
    state = migration.mutate_state(state, preserve=True)
ours = [m for m in plan if m.app_label in {"initiatives", "themes"}]
for migration in reversed(ours):
    executor.unapply_migration(before[migration], migration)

with connection.cursor() as cursor:
    cursor.execute(
        "SELECT count(*) FROM django_migrations "
        "WHERE app IN ('initiatives', 'themes')"
    )
    recorded = cursor.fetchone()[0]
    cursor.execute("SELECT count(*) FROM auth_group")
    groups_left = cursor.fetchone()[0]
left = sorted(
    name for name in connection.introspection.table_names()
    if name.startswith(("initiatives_", "themes_"))
)

call_command("migrate", verbosity=0)
again = len(MigrationExecutor(connection).loader.applied_migrations)
print(json.dumps({
    "steps": [f"{m.app_label}.{m.name}" for m in plan],
    "groups": groups, "triggers": triggers, "recorded": recorded,
    "groups_left": groups_left, "left": left, "again": again,
}))
"""


@pytest.fixture
def scratch_database():
    database = settings.DATABASES["default"]
    server = (
        f"{database['USER']}{':' + database['PASSWORD'] if database['PASSWORD'] else ''}"
        f"@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
    )
    name = f"pl_migrations_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"postgres://{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"postgres://{server}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_every_migration_applies_and_reverses_one_step_at_a_time(scratch_database):
    result = subprocess.run(
        [sys.executable, "-c", STEP_BY_STEP],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "practice_library.settings",
            "DATABASE_URL": scratch_database,
        },
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr[-5000:]
    done = json.loads(result.stdout.strip().splitlines()[-1])
    ours = [
        step
        for step in done["steps"]
        if step.split(".")[0] in {"initiatives", "themes"}
    ]
    assert len(ours) == len(
        list((ROOT / "initiatives" / "migrations").glob("0*.py"))
        + list((ROOT / "themes" / "migrations").glob("0*.py"))
    )
    # Forwards, the data migrations made the roles and the search trigger.
    assert {"editors", "publishers"} <= set(done["groups"])
    assert done["triggers"] >= 1
    # Backwards, none of the library's tables, records or groups is left.
    assert done["recorded"] == 0
    assert done["left"] == []
    assert done["groups_left"] == 0
    assert done["again"] == len(done["steps"])
