"""Throwaway services and the app under gunicorn, for the benchmark and drills.

``Services`` starts a PostgreSQL cluster and a Redis server of its own on free
ports (run as root: the cluster runs as the ``postgres`` user) and removes
them afterwards, so nothing else on the machine is disturbed. The cluster
keeps PostgreSQL's defaults, as a machine's freshly installed PostgreSQL has
them: the figures must hold with those plus what the app sets per connection
(``postgresql_settings`` says which apply). ``App`` runs the library under
gunicorn with production settings against them; ``Datasette`` runs the
benchmark's peer.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PGBIN = Path("/usr/lib/postgresql/15/bin")
AS_POSTGRES = ["runuser", "-u", "postgres", "--"]
RESULTS = ROOT / "bench" / "results"

BENCH_VENV = ROOT / "bench" / ".venv" / "bin"
# The settings that decide how fast queries run, reported with the results.
REPORTED_SETTINGS = (
    "shared_buffers", "effective_cache_size", "work_mem", "maintenance_work_mem",
    "random_page_cost", "jit", "max_connections", "max_wal_size",
    "default_statistics_target", "max_parallel_workers_per_gather",
)  # fmt: skip


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, **kwargs)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Services(contextlib.ExitStack):
    """A PostgreSQL cluster and a Redis server that last as long as the block."""

    def __enter__(self) -> "Services":
        super().__enter__()
        self.scratch = Path(tempfile.mkdtemp(prefix="practice-library-"))
        self.callback(shutil.rmtree, self.scratch, ignore_errors=True)
        shutil.chown(self.scratch, "postgres", "postgres")
        self.pg_port, self.redis_port = free_port(), free_port()
        self.pgdata = self.scratch / "pgdata"
        run(
            [*AS_POSTGRES, str(PGBIN / "initdb"), "-D", str(self.pgdata),
             "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        self.start_postgresql()
        self.callback(self.stop_postgresql)
        run([str(PGBIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.pg_port),
             "-U", "postgres", "library"])  # fmt: skip
        self.start_redis()
        self.callback(self.stop_redis)
        return self

    @property
    def environment(self) -> dict[str, str]:
        return {
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.pg_port}/library",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
        }

    def start_postgresql(self) -> None:
        # Where to listen, and nothing else: every other setting is initdb's.
        run(
            [*AS_POSTGRES, str(PGBIN / "pg_ctl"), "-D", str(self.pgdata), "-w",
             "-l", str(self.scratch / "postgresql.log"),
             "-o", f"-c listen_addresses=127.0.0.1 -p {self.pg_port} "
                   f"-k {self.scratch}",
             "start"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip

    def postmaster_pid(self) -> int:
        return int((self.pgdata / "postmaster.pid").read_text().split()[0])

    def stop_postgresql(self) -> None:
        subprocess.run(
            [*AS_POSTGRES, str(PGBIN / "pg_ctl"), "-D", str(self.pgdata),
             "-m", "fast", "-w", "stop"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def start_redis(self) -> None:
        self.redis = subprocess.Popen(
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip

    def stop_redis(self) -> None:
        stop(self.redis)


class App:
    """The library under gunicorn, with production settings."""

    def __init__(self, environment: dict[str, str], port: int, workers: int):
        self.environment = environment
        self.port = port
        self.workers = workers
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "App":
        RESULTS.mkdir(parents=True, exist_ok=True)
        self.log = open(RESULTS / f"gunicorn-{self.port}.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [GUNICORN, "practice_library.wsgi", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(self.workers), "--worker-class", "sync",
             "--timeout", "60", "--graceful-timeout", "10"],
            cwd=ROOT, env=self.environment, stdout=self.log, stderr=self.log,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                if fetch(self.base + "/healthz")[0] == 200:
                    return self
            time.sleep(0.5)
        raise RuntimeError("gunicorn did not answer /healthz within 60 s")

    def __exit__(self, *exc) -> None:
        if self.process:
            stop(self.process)
        self.log.close()

    def worker_peak_memory_mb(self) -> list[float]:
        """VmHWM (peak resident memory) of each worker process."""
        assert self.process
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [peak_memory_mb(pid) for pid in children.read_text().split()]


class Datasette:
    """Datasette serving a SQLite database read-only, on its own server."""

    def __init__(self, directory: Path, database: Path, settings: dict[str, str]):
        self.directory = directory
        self.database = database
        self.settings = settings
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def command(self) -> list[str]:
        settings = [
            argument
            for name, value in self.settings.items()
            for argument in ("--setting", name, value)
        ]
        return [
            str(BENCH_VENV / "datasette"), "serve",
            "--host", "127.0.0.1", "--port", str(self.port),
            "--immutable", str(self.database),
            "--inspect-file", str(self.directory / "inspect.json"),
            "--metadata", str(self.directory / "metadata.json"),
            *settings,
        ]  # fmt: skip

    def __enter__(self) -> "Datasette":
        RESULTS.mkdir(parents=True, exist_ok=True)
        self.log = open(RESULTS / f"datasette-{self.port}.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            self.command, cwd=self.directory, stdout=self.log, stderr=self.log
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                if fetch(self.base + "/-/versions.json")[0] == 200:
                    return self
            if self.process.poll() is not None:
                break
            time.sleep(0.5)
        self.__exit__()
        raise RuntimeError(f"Datasette did not start: see {self.log.name}")

    def __exit__(self, *exc: object) -> None:
        if self.process:
            stop(self.process)
        self.log.close()

    def peak_memory_mb(self) -> float:
        """VmHWM (peak resident memory) of the Datasette process."""
        assert self.process
        return peak_memory_mb(self.process.pid)


def peak_memory_mb(pid: int | str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def postgresql_settings(database_url: str) -> dict[str, object]:
    """The server's version and the settings that matter, as the server has them.

    ``changed`` lists every setting not at PostgreSQL's built-in default
    (initdb writes a few into postgresql.conf: memory it probed, locale,
    time zone), so a reader can see that nothing was tuned.
    """
    version = psql(database_url, "SHOW server_version")[0][0]
    names = ", ".join(f"'{name}'" for name in REPORTED_SETTINGS)
    values = psql(
        database_url,
        "SELECT name, current_setting(name) FROM pg_settings "
        f"WHERE name IN ({names}) ORDER BY name",
    )
    changed = psql(
        database_url,
        "SELECT name, current_setting(name), source FROM pg_settings "
        "WHERE source NOT IN ('default', 'override', 'client', 'session') "
        "ORDER BY name",
    )
    return {
        "version": version,
        "settings": {row[0]: row[1] for row in values},
        "changed_from_defaults": {name: f"{value} ({source})"
                                  for name, value, source in changed},
    }  # fmt: skip


class OtherLoad:
    """CPU that processes outside the benchmark used, in cores, over a period.

    The machine is shared: test suites of other work run now and then. Busy
    CPU time from /proc/stat, less the time of this process, its children
    (the app, Datasette, Redis, wrk) and the benchmark's own PostgreSQL,
    divided by the period, is what others took (2.0 would be both cores).
    """

    def __init__(self, postmaster_pid: Callable[[], int]):
        self.postmaster_pid = postmaster_pid
        self.start()

    def start(self) -> None:
        self.started = (time.monotonic(), *self._ticks())

    def cores(self) -> float:
        now, busy, ours = time.monotonic(), *self._ticks()
        then, busy_then, ours_then = self.started
        others = (busy - busy_then) - (ours - ours_then)
        return round(max(others, 0) / os.sysconf("SC_CLK_TCK") / (now - then), 2)

    def _ticks(self) -> tuple[int, int]:
        with open("/proc/stat") as stat:
            fields = [int(value) for value in stat.readline().split()[1:]]
        user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
        busy = user + nice + system + irq + softirq + steal
        parents, ticks = {}, {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError):
                after_name = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(after_name[1])
                # utime, stime, and those of waited-for children
                ticks[int(entry.name)] = sum(int(v) for v in after_name[11:15])
        roots = {os.getpid(), self.postmaster_pid()}
        ours = 0
        for pid, tick in ticks.items():
            ancestor, seen = pid, 0
            while ancestor not in roots and ancestor in parents and seen < 64:
                ancestor, seen = parents[ancestor], seen + 1
            if ancestor in roots:
                ours += tick
        return busy, ours


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(
        url, headers={"X-Forwarded-Proto": "https", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def manage(environment: dict[str, str], *arguments: str) -> str:
    result = run(
        [PYTHON, "manage.py", *arguments],
        cwd=ROOT, env=environment, capture_output=True, text=True,
    )  # fmt: skip
    return result.stdout.strip()


def psql(database_url: str, sql: str) -> list[list[str]]:
    result = run(
        ["psql", database_url, "-X", "-A", "-t", "-F", "\t", "-c", sql],
        capture_output=True, text=True,
    )  # fmt: skip
    return [line.split("\t") for line in result.stdout.splitlines() if line]
