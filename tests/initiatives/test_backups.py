"""Backups round-trip the whole library into an empty database."""

import os
import secrets
import stat
import subprocess
import sys
import uuid

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from tests.factories import (
    STARTER_CONTENT,
    make_briefing,
    make_initiative,
    make_organisation,
    make_source,
    make_theme,
)

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
]


def _conninfo(name: str) -> str:
    database = connection.settings_dict
    return psycopg.conninfo.make_conninfo(
        host=database["HOST"] or "",
        port=database["PORT"] or "",
        user=database["USER"] or "",
        password=database["PASSWORD"] or "",
        dbname=name,
    )


def _one(cursor: psycopg.Cursor) -> str:
    """The one value of the one row a query gives."""
    row = cursor.fetchone()
    assert row is not None
    return row[0]


def _digests(name: str) -> dict[str, str]:
    """A fingerprint of every table's rows and every sequence's position."""
    with psycopg.connect(_conninfo(name)) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
        ]
        digests = {}
        for table in tables:
            digests[table] = _one(
                db.execute(
                    f"SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM \"{table}\" t"
                )
            )
        for (sequence,) in db.execute(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"
        ).fetchall():
            digests[sequence] = _one(
                db.execute(f'SELECT last_value::text FROM "{sequence}"')
            )
    return digests


@pytest.fixture
def empty_database():
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_conninfo("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(_conninfo("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _restore_into(name: str, archive) -> subprocess.CompletedProcess:
    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@"
        f"{database['HOST'] or 'localhost'}:{database['PORT'] or 5432}/{name}"
    )
    return subprocess.run(
        [sys.executable, "manage.py", "restore_library", str(archive)],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
    )


def test_backup_restores_the_whole_library_into_an_empty_database(
    tmp_path, empty_database
):
    call_command("load_seed_content", only=STARTER_CONTENT)
    theme = make_theme(name="Restored theme")
    source = make_source(publishers=[make_organisation()])
    initiative = make_initiative(
        themes=[theme], description="**Bold** words.", sources=[source]
    )
    make_briefing(initiatives=[initiative])
    archive = tmp_path / "library.dump"

    call_command("backup_library", output=archive)
    restored = _restore_into(empty_database, archive)

    assert restored.returncode == 0, restored.stderr
    assert _digests(empty_database) == _digests(connection.settings_dict["NAME"])


def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    archive = tmp_path / "library.dump"
    call_command("backup_library", output=archive)

    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore_library", archive)


def test_restore_of_a_missing_file_says_so(tmp_path):
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore_library", tmp_path / "nothing.dump")


def test_a_backup_is_readable_by_its_owner_alone(tmp_path):
    archive = tmp_path / "private" / "library.dump"
    previous = os.umask(0o022)  # the usual umask, which would give 0644
    try:
        call_command("backup_library", output=archive)
    finally:
        os.umask(previous)

    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert stat.S_IMODE(archive.parent.stat().st_mode) == 0o700
    assert [path.name for path in archive.parent.iterdir()] == ["library.dump"]


def test_a_backup_over_an_old_readable_file_is_private(tmp_path):
    archive = tmp_path / "library.dump"
    archive.write_bytes(b"an older backup")
    archive.chmod(0o644)

    call_command("backup_library", output=archive)

    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert archive.read_bytes().startswith(b"PGDMP")


def test_make_backup_runs_in_a_production_shell(tmp_path):
    database = connection.settings_dict
    archive = tmp_path / "library.dump"
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "REDIS_"))
    }
    production = {
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "library.example.org",
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
            f"/{database['NAME']}"
        ),
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }

    # -o: take the installed packages as they are (never run pip here).
    result = subprocess.run(
        ["make", "-o", ".venv/.runtime-installed", "backup", f"FILE={archive}"],
        cwd=settings.BASE_DIR,
        env=inherited | production,
        capture_output=True,
        text=True,
        timeout=120,
        umask=0o022,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "DJANGO_DEBUG=true is for development only" not in result.stderr
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
