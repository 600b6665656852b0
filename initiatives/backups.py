"""Whole-library backups: every table, history included, in one file.

PostgreSQL backups are ``pg_dump`` custom-format archives restored with
``pg_restore`` in a single transaction, so a failed restore leaves nothing
half-written. The embedded SQLite database of ``make run`` is copied with
SQLite's online backup API. A restore goes only into an empty database: it
never mixes a backup with live data.
"""

import datetime
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connections

from practice_library.content_version import forget_version

DEFAULT_FOLDER = Path(settings.BASE_DIR) / "backups"


class BackupError(Exception):
    pass


def _postgresql_environment(database: dict) -> dict[str, str]:
    """libpq settings for the command-line tools; the password never appears
    on a command line, where other users could read it."""
    environment = dict(os.environ)
    values = {
        "PGHOST": database.get("HOST") or "",
        "PGPORT": str(database.get("PORT") or ""),
        "PGUSER": database.get("USER") or "",
        "PGPASSWORD": database.get("PASSWORD") or "",
        "PGDATABASE": database["NAME"],
    }
    environment.update({key: value for key, value in values.items() if value})
    return environment


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed; install the PostgreSQL client tools "
            "(apt-get install -y postgresql-client-15)."
        )
    return path


def backup(output: Path | None = None, *, using: str = "default") -> Path:
    """Write a backup of the whole database and return its path."""
    connection = connections[using]
    stamp = datetime.datetime.now(tz=datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    if connection.vendor == "postgresql":
        output = output or DEFAULT_FOLDER / f"practice-library-{stamp}.dump"
        output.parent.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [
                _tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={output}",
            ],
            env=_postgresql_environment(connection.settings_dict),
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        return output
    if connection.vendor == "sqlite":
        output = output or DEFAULT_FOLDER / f"practice-library-{stamp}.sqlite3"
        output.parent.mkdir(parents=True, exist_ok=True)
        connection.ensure_connection()
        with sqlite3.connect(output) as copy:
            connection.connection.backup(copy)
        return output
    raise BackupError(f"Backups of {connection.vendor} databases are not supported.")


def restore(archive: Path, *, using: str = "default") -> None:
    """Restore a backup into the database, which must be empty."""
    if not archive.is_file():
        raise BackupError(f"No backup file at {archive}.")
    connection = connections[using]
    tables = connection.introspection.table_names()
    if tables:
        raise BackupError(
            f"The database {connection.settings_dict['NAME']} is not empty "
            f"({len(tables)} tables). Restore into a new, empty database."
        )
    if connection.vendor == "postgresql":
        result = subprocess.run(
            [
                _tool("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={connection.settings_dict['NAME']}",
                str(archive),
            ],
            env=_postgresql_environment(connection.settings_dict),
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(archive) as source:
            source.backup(connection.connection)
    else:
        raise BackupError(f"Restores into {connection.vendor} are not supported.")
    # Validators and cached results were keyed on the old database's version.
    forget_version()
