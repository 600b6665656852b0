"""The whole library as files, built ahead so no download can stall the site.

``/downloads/initiatives.csv`` and ``/downloads/initiatives.jsonl`` (JSON
Lines: one initiative an object a line) hold every public initiative with the
columns of ``initiatives.exports``, the rows the search page's unfiltered
download gives, in the same order. Building them reads the whole library, so
it is done once per change, never per request:

- after a public change commits (``request_build``, called when the content
  version is shared), by a ``manage.py build_downloads --if-stale`` process of
  its own, at low priority, once the changes have stopped for
  ``DOWNLOADS_BUILD_DELAY`` seconds (a bulk edit builds once, not per row);
- by ``manage.py build_downloads`` (``make run`` and ``load_seed_content``
  run it too).

Files are written under new names beside the old ones, then the manifest
naming them is replaced by a rename, so a reader sees the old set or the new
one, never half of either. Each file has a gzip twin, served to clients that
accept it. The manifest records the content version the files were built
from: the search page serves its unfiltered CSV from the file only while that
is the current version.
"""

import contextlib
import datetime
import gzip
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet

from initiatives.exports import EXPORT_HEADER, export_row, with_export_relations
from initiatives.filters import InitiativeFilterSet
from initiatives.models import Initiative
from initiatives.search import search_initiatives
from initiatives.selectors import public_initiatives, stored_content_version
from practice_library.spreadsheets import FormulaSafeWriter

logger = logging.getLogger(__name__)

# Rows fetched at once from a server-side cursor, with their prefetches.
EXPORT_CHUNK_SIZE = 2000
MANIFEST = "manifest.json"
# The open licence every public download is offered under.
LICENCE_NAME = "Open Government Licence v3.0"
LICENCE_URL = (
    "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
)
# Each file's public name, media type and how its lines are written.
CSV_NAME = "initiatives.csv"
JSONL_NAME = "initiatives.jsonl"
MEDIA_TYPES = {
    CSV_NAME: "text/csv; charset=utf-8",
    JSONL_NAME: "application/jsonl; charset=utf-8",
}
# Seconds one process may hold the build lock (a build of 100,000 entries
# takes about a minute).
BUILD_LOCK_SECONDS = 15 * 60
BUILD_LOCK_KEY = "downloads:building"
# Files no manifest names are removed once this old (a build in progress
# writes files before its manifest names them).
UNUSED_FILE_SECONDS = BUILD_LOCK_SECONDS


class _Line:
    """A file-like object whose write() hands back the line written."""

    def write(self, value: str) -> str:
        return value


def csv_header() -> str:
    # A byte order mark, so that spreadsheet programs read UTF-8.
    return "\ufeff" + FormulaSafeWriter(_Line()).writerow(EXPORT_HEADER)


def csv_line(row: dict[str, Any]) -> str:
    """One export row as a formula-safe CSV line."""
    return FormulaSafeWriter(_Line()).writerow(row[name] for name in EXPORT_HEADER)


def jsonl_line(row: dict[str, Any]) -> str:
    """One export row as a line of JSON Lines."""
    return _JSON.encode(row) + "\n"


_JSON = DjangoJSONEncoder(ensure_ascii=False)


def csv_lines(rows: Iterable[Initiative], *, base_url: str = "") -> Iterator[str]:
    """The CSV of these rows: the header, then a line per initiative (with
    each page's full address when ``base_url`` is given)."""
    yield csv_header()
    for initiative in rows:
        yield csv_line(export_row(initiative, base_url=base_url))


def whole_library() -> InitiativeFilterSet:
    """The filterset of the unfiltered search: what the bulk files hold."""
    filterset = InitiativeFilterSet({}, queryset=public_initiatives(include_demo=True))
    if not filterset.is_valid():  # pragma: no cover - no parameters, no errors
        raise AssertionError(filterset.errors)
    return filterset


def export_queryset(filterset: InitiativeFilterSet) -> QuerySet[Initiative]:
    """A valid filterset's results, in order, loaded for ``export_row``."""
    results = search_initiatives(filterset, snippets=False).results
    return with_export_relations(results)


def export_rows(queryset: QuerySet[Initiative]) -> Iterator[Initiative]:
    """The rows a chunk at a time, with their prefetches (a server-side
    cursor: memory holds one chunk, however many rows there are)."""
    return queryset.iterator(chunk_size=EXPORT_CHUNK_SIZE)


def is_whole_library(filterset: InitiativeFilterSet) -> bool:
    """Whether a valid filterset gives exactly the bulk files' rows and order
    (no filter chosen; unknown parameters and pages do not count)."""
    return filterset.canonical_parameters() == whole_library().canonical_parameters()


# -- the files on disk -----------------------------------------------------------


@dataclass(frozen=True)
class BuiltFile:
    name: str  # the public name, e.g. initiatives.csv
    path: Path  # the file on disk, under a name of its own
    gzip_path: Path
    sha256: str  # of the uncompressed bytes
    size: int
    gzip_size: int


@dataclass(frozen=True)
class Manifest:
    version: int
    changed_at: datetime.datetime  # when the content last changed
    built_at: datetime.datetime
    rows: int
    files: dict[str, BuiltFile]


def folder() -> Path:
    return Path(settings.DOWNLOADS_ROOT)


def read_manifest() -> Manifest | None:
    """The set of files last built, or None when none has been."""
    try:
        data = json.loads((folder() / MANIFEST).read_text())
    except (FileNotFoundError, ValueError):
        return None
    root = folder()
    return Manifest(
        version=data["version"],
        changed_at=datetime.datetime.fromisoformat(data["changed_at"]),
        built_at=datetime.datetime.fromisoformat(data["built_at"]),
        rows=data["rows"],
        files={
            name: BuiltFile(
                name=name,
                path=root / entry["file"],
                gzip_path=root / entry["gzip_file"],
                sha256=entry["sha256"],
                size=entry["size"],
                gzip_size=entry["gzip_size"],
            )
            for name, entry in data["files"].items()
        },
    )


class _FileWriter:
    """One file and its gzip twin, written under temporary names until done."""

    def __init__(self, root: Path, name: str):
        self.root, self.name = root, name
        self._plain = tempfile.NamedTemporaryFile(
            dir=root, prefix=f".{name}.", suffix=".partial", delete=False
        )
        self._packed = tempfile.NamedTemporaryFile(
            dir=root, prefix=f".{name}.gz.", suffix=".partial", delete=False
        )
        self._compressed = gzip.GzipFile(
            fileobj=self._packed, mode="wb", compresslevel=6, mtime=0
        )
        self._digest = hashlib.sha256()
        self._size = 0

    def write(self, text: str) -> None:
        data = text.encode("utf-8")
        self._plain.write(data)
        self._compressed.write(data)
        self._digest.update(data)
        self._size += len(data)

    def finish(self, stamp: str) -> BuiltFile:
        """Flush both files to disk and give them their final names."""
        self._compressed.close()
        for handle in (self._plain, self._packed):
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
        sha = self._digest.hexdigest()
        final = self.root / f"{stamp}-{sha[:12]}-{self.name}"
        final_gzip = final.with_name(final.name + ".gz")
        for handle, target in ((self._plain, final), (self._packed, final_gzip)):
            os.chmod(handle.name, 0o644)  # public data, read by the app's user
            os.replace(handle.name, target)
        return BuiltFile(
            name=self.name,
            path=final,
            gzip_path=final_gzip,
            sha256=sha,
            size=self._size,
            gzip_size=final_gzip.stat().st_size,
        )

    def discard(self) -> None:
        self._compressed.close()
        for handle in (self._plain, self._packed):
            handle.close()
            with contextlib.suppress(FileNotFoundError):
                os.unlink(handle.name)


def _new_file(root: Path, name: str) -> tuple[IO[bytes], Path]:
    handle = tempfile.NamedTemporaryFile(
        dir=root, prefix=f".{name}.", suffix=".partial", delete=False
    )
    return handle, Path(handle.name)


def _publish_manifest(root: Path, manifest: Manifest) -> None:
    data = {
        "version": manifest.version,
        "changed_at": manifest.changed_at.isoformat(),
        "built_at": manifest.built_at.isoformat(),
        "rows": manifest.rows,
        "files": {
            name: {
                "file": built.path.name,
                "gzip_file": built.gzip_path.name,
                "sha256": built.sha256,
                "size": built.size,
                "gzip_size": built.gzip_size,
            }
            for name, built in manifest.files.items()
        },
    }
    handle, path = _new_file(root, MANIFEST)
    with handle:
        handle.write(json.dumps(data, indent=2).encode())
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(path, 0o644)
    os.replace(path, root / MANIFEST)


def _remove_old_files(root: Path, keep: Iterable[Path]) -> None:
    """Remove the files of sets older than the previous one, and leftovers
    of builds that failed. The previous set stays, for readers that read the
    old manifest just before it was replaced; so does any file younger than
    a build may take, which may be another process's build in progress."""
    kept = {path.name for path in keep} | {MANIFEST}
    young = time.time() - UNUSED_FILE_SECONDS
    for path in root.iterdir():
        if path.name in kept or not path.is_file():
            continue
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < young:
                path.unlink()


def build_downloads() -> Manifest:
    """Build the whole-library files from the current content; the manifest."""
    root = folder()
    root.mkdir(parents=True, exist_ok=True)
    previous = read_manifest()
    # Read first: content changed during the build leaves the files marked
    # older than they are, so they are built again, never the other way.
    version, changed_at = stored_content_version()
    stamp = f"{version}-{time.time_ns()}"
    csv_file, jsonl_file = _FileWriter(root, CSV_NAME), _FileWriter(root, JSONL_NAME)
    rows = 0
    try:
        # One pass over the library for both files.
        csv_file.write(csv_header())
        for initiative in export_rows(export_queryset(whole_library())):
            row = export_row(initiative, base_url=settings.SITE_URL)
            csv_file.write(csv_line(row))
            jsonl_file.write(jsonl_line(row))
            rows += 1
        files = {CSV_NAME: csv_file.finish(stamp), JSONL_NAME: jsonl_file.finish(stamp)}
    except BaseException:
        csv_file.discard()
        jsonl_file.discard()
        raise
    manifest = Manifest(
        version=version,
        changed_at=changed_at,
        built_at=datetime.datetime.now(tz=datetime.UTC),
        rows=rows,
        files=files,
    )
    _publish_manifest(root, manifest)
    keep = [path for built in files.values() for path in (built.path, built.gzip_path)]
    if previous is not None:
        keep += [
            path
            for built in previous.files.values()
            for path in (built.path, built.gzip_path)
        ]
    _remove_old_files(root, keep)
    logger.info(
        "Built the whole-library downloads: %s initiatives, content version %s",
        manifest.rows,
        manifest.version,
    )
    return manifest


def is_current(manifest: Manifest | None, version: int) -> bool:
    return manifest is not None and manifest.version == version


def build_downloads_if_stale() -> Manifest | None:
    """Build unless the files are of the stored content version, or another
    process is building them; the new manifest, or None if nothing was built.

    The lock lives in the shared cache; without it (Redis away) two processes
    may build at once, which costs time but is safe: each writes files of its
    own and the last manifest wins.
    """
    if is_current(read_manifest(), stored_content_version()[0]):
        return None
    if not cache.add(BUILD_LOCK_KEY, os.getpid(), BUILD_LOCK_SECONDS):
        if cache.get(BUILD_LOCK_KEY) is not None:
            return None  # another process is building
    try:
        manifest = build_downloads()
        # A change that committed while building: build again at once.
        while not is_current(manifest, stored_content_version()[0]):
            manifest = build_downloads()
        return manifest
    finally:
        cache.delete(BUILD_LOCK_KEY)


# -- building after changes ------------------------------------------------------


class BuildScheduler:
    """Runs one build once public changes have stopped for a while.

    ``request()`` notes a change; a daemon thread waits until no change has
    come for ``delay`` seconds, then runs ``build`` (by default a
    ``build_downloads --if-stale`` process, so the build never competes with
    this process's requests for its interpreter), and again if more changes
    came meanwhile. At most one thread per process.
    """

    def __init__(
        self,
        build: Callable[[], object],
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
        start: Callable[[Callable[[], None]], object] | None = None,
    ):
        self._build = build
        self._clock = clock
        self._sleep = sleep
        self._start = start or _start_daemon
        self._lock = threading.Lock()
        self._changed_at: float | None = None
        self._running = False

    def request(self) -> None:
        """Note a change; start the waiting thread unless it runs already."""
        with self._lock:
            self._changed_at = self._clock()
            if self._running:
                return
            self._running = True
        self._start(self.run)

    def run(self) -> None:
        """Wait for quiet, build, repeat while changes came; then stop."""
        while True:
            with self._lock:
                changed_at = self._changed_at
                if changed_at is None:
                    self._running = False
                    return
                quiet = self._clock() - changed_at
                delay = settings.DOWNLOADS_BUILD_DELAY
                if quiet >= delay:
                    self._changed_at = None
            if quiet < delay:
                self._sleep(delay - quiet)
                continue
            try:
                self._build()
            except Exception:
                logger.exception("Building the whole-library downloads failed")


def _start_daemon(target: Callable[[], None]) -> None:
    threading.Thread(target=target, name="downloads-builder", daemon=True).start()


def _build_in_another_process() -> None:
    # Low priority: serving requests comes first. (nice(1) rather than
    # preexec_fn, which is unsafe in a process with threads.)
    nice = shutil.which("nice")
    result = subprocess.run(
        [
            *([nice, "-n", "10"] if nice else []),
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "build_downloads",
            "--if-stale",
        ],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        logger.error(
            "build_downloads failed (exit %s): %s",
            result.returncode,
            result.stderr.strip()[-2000:],
        )


scheduler = BuildScheduler(_build_in_another_process)


def request_build() -> None:
    """Public content changed (and committed): build the files again soon."""
    if settings.DOWNLOADS_BUILD_AFTER_CHANGES:
        scheduler.request()
