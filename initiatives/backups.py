"""Whole-library backups: every table, history included, in one file.

PostgreSQL backups are ``pg_dump`` custom-format archives restored with
``pg_restore`` in a single transaction, so a failed restore leaves nothing
half-written. The embedded SQLite database of ``make run`` is copied with
SQLite's online backup API. A restore goes only into an empty database: it
never mixes a backup with live data.

A backup holds password hashes, sessions, API key digests and submitters'
details, so it is written readable by its owner alone (0600, in a 0700
folder), whatever the umask: the file is created with that mode before any
byte goes in, then renamed into place, so no one ever sees a partial file.
"""

import contextlib
import datetime
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import connections

from practice_library.content_version import forget_version

DEFAULT_FOLDER = Path(settings.BASE_DIR) / "backups"
# Owner only: a backup is as sensitive as the database itself.
FILE_MODE = 0o600
FOLDER_MODE = 0o700


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


@contextlib.contextmanager
def _private_file(output: Path) -> Iterator[Path]:
    """A new, empty file beside ``output``, readable by its owner alone, that
    becomes ``output`` when the block succeeds and is removed when it fails."""
    if not output.parent.exists():
        output.parent.mkdir(mode=FOLDER_MODE, parents=True)
    partial = output.with_name(f".{output.name}.partial")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    # os.open applies the mode at creation, so the file is never readable by
    # others, even for a moment; the umask can only narrow it further.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    try:
        yield partial
        os.chmod(partial, FILE_MODE)
        os.replace(partial, output)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        raise


def backup(output: Path | None = None, *, using: str = "default") -> Path:
    """Write a backup of the whole database, readable by its owner alone, and
    return its path."""
    connection = connections[using]
    stamp = datetime.datetime.now(tz=datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    if connection.vendor == "postgresql":
        output = output or DEFAULT_FOLDER / f"practice-library-{stamp}.dump"
        with _private_file(output) as partial:
            result = subprocess.run(
                [
                    _tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--file={partial}",
                ],
                env=_postgresql_environment(connection.settings_dict),
                capture_output=True,
                text=True,
                # pg_dump reuses the file made above; anything else it makes
                # is private too.
                umask=0o077,
            )
            if result.returncode:
                raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        return output
    if connection.vendor == "sqlite":
        output = output or DEFAULT_FOLDER / f"practice-library-{stamp}.sqlite3"
        with _private_file(output) as partial:
            connection.ensure_connection()
            with contextlib.closing(sqlite3.connect(partial)) as copy:
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
