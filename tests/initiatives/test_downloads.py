"""Whole-library downloads built ahead, and bounds on downloads made on demand.

A test that two workers stay responsive while downloads run would hang on
timing; instead the limits are tested one by one, deterministically, and
README "Reliability" reports a measured run under load (gunicorn and wrk).
"""

import csv
import gzip
import io
import json
import logging
import stat
import subprocess

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.signals import request_finished
from django.db import OperationalError, close_old_connections, connection, transaction
from django.http import FileResponse
from django.urls import reverse

from initiatives import downloads
from initiatives.downloads import (
    BUILD_LOCK_KEY,
    LICENCE_URL,
    BuildScheduler,
    build_downloads,
    build_downloads_if_stale,
    read_manifest,
)
from initiatives.exports import EXPORT_HEADER
from initiatives.models import Initiative
from initiatives.services import content_version
from initiatives.services.content_version import bump_content_version
from practice_library import download_limits
from tests.factories import make_initiative, make_organisation, make_theme

pytestmark = pytest.mark.django_db

BULK_CSV = reverse("initiatives:download-csv")
BULK_JSONL = reverse("initiatives:download-jsonl")
PAGE_CSV = reverse("initiatives:export-csv")
PAGE_JSON = reverse("initiatives:export-json")


@pytest.fixture(autouse=True)
def downloads_folder(settings, tmp_path):
    settings.DOWNLOADS_ROOT = tmp_path / "downloads"
    return settings.DOWNLOADS_ROOT


@pytest.fixture
def library():
    theme = make_theme(slug="youth")
    make_initiative(
        slug="hub",
        title="Hub",
        themes=[theme],
        organisations={"lead": make_organisation(name="Trust")},
    )
    make_initiative(slug="formula", title="=HYPERLINK(1)", themes=[theme])
    make_initiative(slug="other", title="Other")
    make_initiative(slug="draft", title="Draft", state="draft")
    make_initiative(slug="gone", title="Gone", state="withdrawn")


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _close(response) -> None:
    """Close a response as the server would (outside the test client, closing
    would also close the test's database connection)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def _page_download(client, query: str = "") -> bytes:
    response = client.get(PAGE_CSV, QUERY_STRING=query)
    assert response.status_code == 200
    return _body(response)


@pytest.mark.usefixtures("library")
class TestBuilding:
    def test_the_files_hold_what_the_unfiltered_page_download_holds(
        self, client, settings
    ):
        settings.SITE_URL = "http://testserver"  # the address the client uses
        live = _page_download(client)  # nothing built yet: made on demand

        call_command("build_downloads")
        manifest = read_manifest()

        assert manifest is not None
        assert manifest.files["initiatives.csv"].path.read_bytes() == live
        rows = list(csv.DictReader(io.StringIO(live.decode().removeprefix("\ufeff"))))
        assert [row["slug"] for row in rows] == ["formula", "hub", "other"]
        assert rows[0]["title"] == "'=HYPERLINK(1)"  # formula-safe
        assert manifest.rows == 3

    def test_json_lines_carry_every_export_column(self):
        manifest = build_downloads()

        lines = manifest.files["initiatives.jsonl"].path.read_text().splitlines()
        records = [json.loads(line) for line in lines]
        assert [record["slug"] for record in records] == ["formula", "hub", "other"]
        assert all(list(record) == EXPORT_HEADER for record in records)
        assert records[1]["lead_organisation"] == "Trust"
        assert records[0]["title"] == "=HYPERLINK(1)"  # JSON keeps the value

    def test_each_file_has_an_identical_gzip_twin_readable_by_all(self):
        manifest = build_downloads()

        for built in manifest.files.values():
            assert gzip.decompress(built.gzip_path.read_bytes()) == (
                built.path.read_bytes()
            )
            assert stat.S_IMODE(built.path.stat().st_mode) == 0o644

    def test_a_new_build_replaces_the_set_and_keeps_only_the_previous_one(
        self, downloads_folder, monkeypatch
    ):
        monkeypatch.setattr(downloads, "UNUSED_FILE_SECONDS", -60)
        first = build_downloads()
        make_initiative(slug="newer", title="Newer")
        second = build_downloads()
        third = build_downloads()

        names = {path.name for path in downloads_folder.iterdir()}
        assert first.files["initiatives.csv"].path.name not in names
        assert first.files["initiatives.csv"].gzip_path.name not in names
        assert second.files["initiatives.csv"].path.name in names
        assert third.files["initiatives.csv"].path.name in names
        assert b"newer" in third.files["initiatives.csv"].path.read_bytes()
        assert not [name for name in names if name.endswith(".partial")]

    def test_a_build_that_fails_leaves_the_last_set_whole(
        self, downloads_folder, monkeypatch
    ):
        before = build_downloads()
        contents = before.files["initiatives.csv"].path.read_bytes()

        def fail(initiative, **_):
            raise OperationalError("server closed the connection")

        monkeypatch.setattr(downloads, "export_row", fail)
        with pytest.raises(OperationalError):
            build_downloads()

        assert read_manifest() == before
        assert before.files["initiatives.csv"].path.read_bytes() == contents
        assert not [p for p in downloads_folder.iterdir() if p.suffix == ".partial"]

    def test_files_of_a_build_in_progress_elsewhere_are_left_alone(
        self, downloads_folder
    ):
        build_downloads()
        elsewhere = downloads_folder / ".initiatives.csv.abc123.partial"
        elsewhere.write_text("another process is writing this")

        build_downloads()

        assert elsewhere.exists()

    def test_if_stale_builds_once_per_content_version(self):
        assert build_downloads_if_stale() is not None
        assert build_downloads_if_stale() is None  # up to date

        bump_content_version()

        assert build_downloads_if_stale() is not None

    def test_if_stale_leaves_the_build_to_a_process_already_building(self):
        cache.set(BUILD_LOCK_KEY, 12345)

        assert build_downloads_if_stale() is None
        assert read_manifest() is None

    def test_the_content_loader_builds_them(self):
        call_command("load_seed_content", only=["reference/vocabularies.yaml"])

        assert read_manifest() is not None


class TestBuildAfterChanges:
    def test_a_committed_public_change_asks_for_a_build(
        self, settings, monkeypatch, django_capture_on_commit_callbacks
    ):
        settings.DOWNLOADS_BUILD_AFTER_CHANGES = True
        asked = []
        monkeypatch.setattr(downloads.scheduler, "request", lambda: asked.append(1))
        # Commits as in production, not at once as elsewhere in the tests.
        monkeypatch.setattr(content_version, "transaction", transaction)

        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            make_initiative()
        assert asked == []  # nothing before the commit

        for callback in callbacks:
            callback()
        assert asked  # once or more: the scheduler waits for quiet

    def test_no_build_is_asked_for_when_switched_off(
        self, settings, monkeypatch, django_capture_on_commit_callbacks
    ):
        settings.DOWNLOADS_BUILD_AFTER_CHANGES = False
        asked = []
        monkeypatch.setattr(downloads.scheduler, "request", lambda: asked.append(1))

        with django_capture_on_commit_callbacks(execute=True):
            make_initiative()

        assert asked == []

    def test_changes_in_quick_succession_build_once_after_the_delay(self, settings):
        settings.DOWNLOADS_BUILD_DELAY = 10
        now = [0.0]
        builds: list[float] = []
        threads: list = []
        slept: list[float] = []

        def sleep(seconds):
            slept.append(seconds)
            now[0] += seconds
            if len(slept) == 1:  # another change while waiting
                scheduler.request()

        scheduler = BuildScheduler(
            lambda: builds.append(now[0]),
            clock=lambda: now[0],
            sleep=sleep,
            start=threads.append,
        )
        scheduler.request()
        now[0] = 4.0
        scheduler.request()  # the waiting thread runs already

        assert len(threads) == 1
        threads[0]()

        # Waited 10 s after the change at 4 s, then again after the one at
        # 14 s: one build, 10 s after the last change.
        assert builds == [24.0]
        scheduler.request()
        assert len(threads) == 2  # stopped when done; a new change starts it

    def test_a_failed_build_is_logged_and_the_thread_goes_on(self, settings, caplog):
        settings.DOWNLOADS_BUILD_DELAY = 0

        def fail():
            raise RuntimeError("disk full")

        threads: list = []
        scheduler = BuildScheduler(fail, start=threads.append)
        scheduler.request()
        with caplog.at_level(logging.ERROR, logger="initiatives.downloads"):
            threads[0]()

        assert "Building the whole-library downloads failed" in caplog.text
        scheduler.request()
        assert len(threads) == 2


@pytest.mark.usefixtures("library")
class TestServing:
    def test_the_files_are_served_without_the_database(
        self, client, django_assert_num_queries
    ):
        manifest = build_downloads()

        with django_assert_num_queries(0):
            response = client.get(BULK_CSV)
            body = _body(response)

        assert response.status_code == 200
        assert isinstance(response, FileResponse)
        assert body == manifest.files["initiatives.csv"].path.read_bytes()
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == (
            'attachment; filename="initiatives.csv"'
        )
        assert response["Content-Length"] == str(len(body))
        assert response["ETag"].startswith('"')
        assert "Last-Modified" in response
        assert response["Link"].startswith(f'<{LICENCE_URL}>; rel="license"')
        assert "Open Government Licence v3.0" in response["Link"]

    def test_json_lines_are_served_too(self, client):
        build_downloads()

        response = client.get(BULK_JSONL)

        assert response["Content-Type"] == "application/jsonl; charset=utf-8"
        assert [json.loads(line)["slug"] for line in _body(response).splitlines()] == [
            "formula",
            "hub",
            "other",
        ]

    def test_a_current_copy_gets_304(self, client):
        build_downloads()
        etag = client.get(BULK_CSV)["ETag"]

        response = client.get(BULK_CSV, HTTP_IF_NONE_MATCH=etag)

        assert response.status_code == 304
        assert response["ETag"] == etag

    def test_gzip_for_clients_that_accept_it(self, client):
        manifest = build_downloads()
        plain = client.get(BULK_CSV)

        packed = client.get(BULK_CSV, HTTP_ACCEPT_ENCODING="br, gzip;q=0.8")
        refused = client.get(BULK_CSV, HTTP_ACCEPT_ENCODING="gzip;q=0")

        assert packed["Content-Encoding"] == "gzip"
        assert gzip.decompress(_body(packed)) == (
            manifest.files["initiatives.csv"].path.read_bytes()
        )
        assert packed["ETag"] != plain["ETag"]
        assert "Accept-Encoding" in packed["Vary"]
        assert "Content-Encoding" not in refused
        assert "Accept-Encoding" in plain["Vary"]

    def test_before_the_first_build_the_answer_is_503_and_a_build_is_asked_for(
        self, client, monkeypatch
    ):
        asked = []
        monkeypatch.setattr(downloads.scheduler, "request", lambda: asked.append(1))
        monkeypatch.setattr("django.conf.settings.DOWNLOADS_BUILD_AFTER_CHANGES", True)

        response = client.get(BULK_CSV)

        assert response.status_code == 503
        assert response["Retry-After"] == "10"
        assert asked == [1]

    def test_only_get_and_head(self, client):
        build_downloads()

        assert client.head(BULK_CSV).status_code == 200
        assert client.post(BULK_CSV).status_code == 405

    def test_the_unfiltered_page_download_is_the_current_file(self, client):
        manifest = build_downloads()

        response = client.get(PAGE_CSV)
        with_unknown = client.get(PAGE_CSV, {"utm_source": "mail", "page": "3"})

        assert isinstance(response, FileResponse)
        assert _body(response) == manifest.files["initiatives.csv"].path.read_bytes()
        assert response["Content-Disposition"].startswith(
            'attachment; filename="initiatives-'
        )
        # Unknown parameters (and pages) change nothing: still the file.
        assert isinstance(with_unknown, FileResponse)

    def test_a_stale_file_is_not_served_for_the_page_download(self, client):
        build_downloads()
        make_initiative(slug="fresh", title="Fresh")

        response = client.get(PAGE_CSV)

        assert not isinstance(response, FileResponse)
        assert b"fresh" in _body(response)

    def test_filtered_downloads_are_made_on_demand(self, client):
        build_downloads()

        response = client.get(PAGE_CSV, {"theme": "youth"})

        assert not isinstance(response, FileResponse)
        assert b"other" not in _body(response)


@pytest.mark.usefixtures("library")
class TestLimits:
    def test_one_address_gets_a_limited_number_then_429(self, client, settings):
        settings.DOWNLOAD_RATE = "2/minute"

        answers = [client.get(PAGE_CSV, {"theme": "youth"}) for _ in range(3)]
        statuses = [answer.status_code for answer in answers]
        for answer in answers[:2]:
            _body(answer)
        refused = client.get(PAGE_JSON, {"theme": "youth"})
        elsewhere = client.get(PAGE_CSV, {"theme": "youth"}, REMOTE_ADDR="192.0.2.9")

        assert statuses == [200, 200, 429]
        assert refused.status_code == 429
        assert 1 <= int(refused["Retry-After"]) <= 60
        assert "Too many downloads" in refused.content.decode()
        assert elsewhere.status_code == 200

    def test_the_prebuilt_files_are_not_rate_limited(self, client, settings):
        settings.DOWNLOAD_RATE = "1/minute"
        build_downloads()

        statuses = [client.get(BULK_CSV).status_code for _ in range(3)]
        statuses += [client.get(PAGE_CSV).status_code for _ in range(3)]

        assert statuses == [200] * 6

    def test_running_downloads_are_capped_site_wide(self, client, settings):
        settings.DOWNLOAD_CONCURRENCY = 1

        running = client.get(PAGE_CSV, {"theme": "youth"})  # not read yet
        busy = client.get(PAGE_JSON, REMOTE_ADDR="192.0.2.9")
        _body(running)  # the stream ends, its place is given back
        after = client.get(PAGE_JSON, REMOTE_ADDR="192.0.2.9")

        assert running.status_code == 200
        assert busy.status_code == 503
        assert busy["Retry-After"] == "10"
        assert "busy preparing other downloads" in busy.content.decode()
        assert after.status_code == 200

    def test_a_download_closed_unread_gives_its_place_back(self, client, settings):
        settings.DOWNLOAD_CONCURRENCY = 1

        abandoned = client.get(PAGE_CSV, {"theme": "youth"})
        _close(abandoned)  # the server closes it when the client goes away

        assert client.get(PAGE_CSV, {"theme": "youth"}).status_code == 200

    def test_a_place_is_taken_for_a_limited_time(self, settings, monkeypatch):
        settings.DOWNLOAD_CONCURRENCY = 1
        settings.DOWNLOAD_SLOT_SECONDS = 300
        timeouts = []
        add = cache.add

        def remember(key, value, timeout=None, version=None):
            timeouts.append(timeout)
            return add(key, value, timeout)

        monkeypatch.setattr(cache, "add", remember)

        slot = download_limits.take_slot()

        assert slot is not None and slot.key is not None
        assert timeouts == [300]  # a killed worker's place comes back
        assert download_limits.take_slot() is None
        slot.release()
        slot.release()  # once only
        assert download_limits.take_slot() is not None

    def test_without_the_cache_downloads_are_not_refused(
        self, client, settings, monkeypatch
    ):
        settings.DOWNLOAD_CONCURRENCY = 1
        settings.DOWNLOAD_RATE = "1/minute"
        # What the resilient cache gives while Redis is away.
        monkeypatch.setattr(cache, "add", lambda *args, **kwargs: False)
        monkeypatch.setattr(cache, "get", lambda key, default=None: default)
        monkeypatch.setattr(download_limits, "count_in_window", lambda key, seconds: 1)

        first = client.get(PAGE_CSV, {"theme": "youth"})
        second = client.get(PAGE_CSV, {"theme": "youth"})

        assert [first.status_code, second.status_code] == [200, 200]


class _Database:
    """Queries fail while ``down``, as when the database has gone away."""

    def __init__(self, *, down: bool):
        self.down = down

    def __call__(self, execute, sql, params, many, context):
        if self.down:
            raise OperationalError("connection to server failed: Connection refused")
        return execute(sql, params, many, context)


@pytest.mark.usefixtures("library")
class TestDatabaseOutage:
    @pytest.mark.parametrize("url", [PAGE_CSV, PAGE_JSON])
    def test_a_database_that_is_down_is_503_before_the_first_byte(
        self, client, url, settings
    ):
        settings.DOWNLOAD_CONCURRENCY = 1
        client.get(reverse("initiatives:home"))  # the content version is cached

        with connection.execute_wrapper(_Database(down=True)):
            response = client.get(url, {"theme": "youth"})

        assert response.status_code == 503
        assert not response.streaming
        assert response["Retry-After"] == "10"
        # Its place among running downloads was given back.
        assert client.get(url, {"theme": "youth"}).status_code == 200

    def test_a_stream_that_fails_midway_is_aborted_and_logged_as_failed(
        self, client, settings, monkeypatch, caplog
    ):
        settings.DOWNLOAD_CONCURRENCY = 1
        monkeypatch.setattr(downloads, "EXPORT_CHUNK_SIZE", 1)
        client.get(reverse("initiatives:home"))

        database = _Database(down=False)
        with caplog.at_level(logging.INFO, logger="practice_library.requests"):
            with connection.execute_wrapper(database):
                response = client.get(PAGE_CSV, {"theme": "youth"})
                assert response.status_code == 200
                chunks = iter(response.streaming_content)
                received = [next(chunks), next(chunks)]  # the header, a row
                database.down = True  # before the second of two rows
                with pytest.raises(OperationalError):
                    received.extend(chunks)
            _close(response)  # as the server does after an error

        assert len(received) == 2  # no more rows, and no end
        (line,) = [
            record
            for record in caplog.records
            if record.name == "practice_library.requests"
            and "export.csv" in record.getMessage()
        ]
        assert line.levelno == logging.ERROR
        assert " GET /initiatives/export.csv?theme=youth aborted " in line.getMessage()
        assert "OperationalError after status 200 was sent" in line.getMessage()
        assert line.outcome == "aborted"
        # The place is given back for the next download.
        assert client.get(PAGE_CSV, {"theme": "youth"}).status_code == 200

    def test_the_prebuilt_files_are_served_while_the_database_is_down(self, client):
        build_downloads()

        with connection.execute_wrapper(_Database(down=True)):
            response = client.get(BULK_CSV)
            body = _body(response)

        assert response.status_code == 200
        assert body.count(b"\n") == 4  # the header and three initiatives


def test_the_api_page_states_the_licence_and_links_the_files(client):
    html = client.get("/api/").content.decode()

    assert "Open Government Licence v3.0" in html
    assert BULK_CSV in html
    assert BULK_JSONL in html


def test_nothing_unpublished_reaches_the_files():
    make_initiative(slug="public")
    make_initiative(slug="secret-draft", state="draft")
    make_initiative(slug="secret-review", state="in-review")

    manifest = build_downloads()

    for built in manifest.files.values():
        text = built.path.read_text()
        assert "public" in text
        assert "secret" not in text
    assert Initiative.objects.count() == 3


def test_the_build_after_changes_runs_the_command_at_low_priority(monkeypatch, caplog):
    seen = []

    def run(command, **kwargs):
        seen.append(command)
        return subprocess.CompletedProcess(command, 1, "", "disk full")

    monkeypatch.setattr(downloads.subprocess, "run", run)
    with caplog.at_level(logging.ERROR, logger="initiatives.downloads"):
        downloads._build_in_another_process()

    (command,) = seen
    assert command[-2:] == ["build_downloads", "--if-stale"]
    assert command[-3].endswith("manage.py")
    assert command[1:3] == ["-n", "10"]  # nice
    assert "build_downloads failed (exit 1): disk full" in caplog.text
