"""The database-restart drill: stop PostgreSQL under load, start it again.

Runs the library under gunicorn with production settings against a
throwaway PostgreSQL cluster and Redis (bench/harness.py; needs root), loads
the seed content and some demo data, and keeps a steady load of page and API
requests going while PostgreSQL is stopped for OUTAGE_SECONDS and started
again. Every request is timed. It reports how the requests during the outage
failed, the longest response, and the seconds from the database being back
to the first successful request, and writes them to bench/results/.

It fails (exit status 1) if any request hangs past HANG_SECONDS, fails in
any way but a clean 503, or if the app has not recovered RECOVERY_SECONDS
after the database is back.

    make drill        # or: .venv/bin/python bench/drill.py
"""

import collections
import json
import math
import os
import platform
import secrets
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass

from harness import RESULTS, App, Services, free_port, log, manage

OUTAGE_SECONDS = 10
WARM_UP_SECONDS = 8
AFTER_SECONDS = 15
CLIENTS = 8
# The app gives up connecting after DJANGO_DB_CONNECT_TIMEOUT (5 s); a
# request slower than this is a hang.
HANG_SECONDS = 10.0
RECOVERY_SECONDS = 10.0
CLIENT_TIMEOUT = 30.0
PATHS = [
    "/",
    "/initiatives/",
    "/initiatives/?q=mental+health",
    "/initiatives/?theme=youth-diversion&page=2",
    "/initiatives/essex-mental-health-hub-pilot/",
    "/police-areas/essex/",
    "/themes/",
    "/api/v1/initiatives/",
    "/api/v1/initiatives/?q=youth&facets=theme",
    "/api/v1/initiatives/essex-mental-health-hub-pilot/",
    "/healthz",
]


@dataclass
class Answer:
    path: str
    started: float  # seconds since the load began
    seconds: float
    status: int | None  # None: no HTTP answer at all
    error: str = ""


class Load:
    """CLIENTS threads, each sending one request after another."""

    def __init__(self, base: str):
        self.base = base
        self.answers: list[Answer] = []
        self.stopping = threading.Event()
        self.origin = time.monotonic()
        self.threads = [
            threading.Thread(target=self._client, args=(n,), daemon=True)
            for n in range(CLIENTS)
        ]

    def now(self) -> float:
        return time.monotonic() - self.origin

    def __enter__(self) -> "Load":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(CLIENT_TIMEOUT + 5)

    def _client(self, number: int) -> None:
        n = number
        while not self.stopping.is_set():
            path = PATHS[n % len(PATHS)]
            n += CLIENTS
            self.answers.append(self._get(path))

    def _get(self, path: str) -> Answer:
        request = urllib.request.Request(
            self.base + path, headers={"X-Forwarded-Proto": "https"}
        )
        started = self.now()
        try:
            with urllib.request.urlopen(request, timeout=CLIENT_TIMEOUT) as response:
                response.read()
                status, error = response.status, ""
        except urllib.error.HTTPError as failed:
            failed.read()
            status, error = failed.code, ""
        except OSError as failed:  # refused, reset, timed out
            status, error = None, type(failed).__name__
        return Answer(path, started, self.now() - started, status, error)


def _environment(services: Services) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        **services.environment,
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_DB_CONNECT_TIMEOUT": "5",
        "LIBRARY_INCLUDE_DEMO": "true",
        # The load comes from one address; the rate limit is not under test.
        "API_ANONYMOUS_RATE": "1000000/minute",
    }


def _machine() -> str:
    model = ""
    try:
        for line in open("/proc/cpuinfo"):  # noqa: SIM115
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.node()}: {os.cpu_count()} cores {model}, {platform.platform()}"


def _timeline(answers: list[Answer], down: float) -> list[str]:
    """Answers per second around the outage, by status, for the report."""
    seconds: dict[int, collections.Counter] = collections.defaultdict(
        collections.Counter
    )
    for answer in answers:
        second = math.floor(answer.started + answer.seconds - down)
        seconds[second][str(answer.status or answer.error)] += 1
    return [
        f"{second:+4d}s " + " ".join(f"{k}:{v}" for k, v in sorted(counts.items()))
        for second, counts in sorted(seconds.items())
    ]


def _statuses(answers: list[Answer]) -> dict[str, int]:
    return dict(collections.Counter(str(a.status or a.error) for a in answers))


def report(
    answers: list[Answer], down: float, stopped: float, starting: float, up: float
) -> dict:
    """The figures, with times in seconds: ``down`` when the stop began,
    ``stopped`` when PostgreSQL had stopped, ``starting`` when its start
    began and ``up`` when it accepted connections again."""
    during = [a for a in answers if stopped <= a.started <= starting]
    successes = sorted(
        (a for a in answers if a.started >= starting and a.status == 200),
        key=lambda a: a.started + a.seconds,
    )
    first = successes[0] if successes else None
    recovered_at = first.started + first.seconds if first else None
    late_failures = [
        a for a in answers if a.started > up + RECOVERY_SECONDS and a.status != 200
    ]
    unclean = [
        a for a in answers if a.status is None or (a.status >= 500 and a.status != 503)
    ]
    slowest = max(answers, key=lambda a: a.seconds)
    return {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "machine": _machine(),
        "clients": CLIENTS,
        "requests": len(answers),
        "database_down_seconds": round(up - down, 1),
        "database_stop_seconds": round(stopped - down, 2),
        "database_start_seconds": round(up - starting, 2),
        "requests_during_outage": len(during),
        "statuses_during_outage": _statuses(during),
        "longest_during_outage_seconds": round(
            max((a.seconds for a in during), default=0), 3
        ),
        "longest_seconds": round(slowest.seconds, 3),
        "longest": f"{slowest.path} ({slowest.status or slowest.error})",
        "hung": sum(1 for a in answers if a.seconds > HANG_SECONDS),
        "unclean_failures": [asdict(a) for a in unclean],
        # Negative when a request succeeded before pg_ctl reported ready.
        "seconds_to_first_success_after_back": (
            round(recovered_at - up, 2) if recovered_at is not None else None
        ),
        "failures_after_recovery": len(late_failures),
        "statuses_overall": _statuses(answers),
        "timeline": _timeline(answers, down),
    }


def main() -> int:
    if os.geteuid() != 0:
        print("The drill runs a throwaway PostgreSQL cluster: run it as root.")
        return 2
    with Services() as services:
        environment = _environment(services)
        log("Loading the seed content and 2,000 demo initiatives")
        manage(environment, "migrate", "--no-input")
        manage(environment, "load_seed_content")
        manage(
            environment, "generate_demo_data", "--initiatives", "2000", "--seed", "7"
        )
        manage(environment, "collectstatic", "--no-input")
        with App(environment, free_port(), workers=2) as app, Load(app.base) as load:
            log(f"Load: {CLIENTS} clients; warming up for {WARM_UP_SECONDS} s")
            time.sleep(WARM_UP_SECONDS)
            log(f"Stopping PostgreSQL for {OUTAGE_SECONDS} s")
            down = load.now()
            services.stop_postgresql()
            stopped = load.now()
            time.sleep(OUTAGE_SECONDS)
            starting = load.now()
            services.start_postgresql()
            up = load.now()
            log(f"PostgreSQL is back; keeping the load for {AFTER_SECONDS} s")
            time.sleep(AFTER_SECONDS)
        figures = report(load.answers, down, stopped, starting, up)

    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"drill-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps({k: v for k, v in figures.items() if k != "timeline"}, indent=2))
    print("\n".join(figures["timeline"]))
    print(f"Written to {path}")

    problems = []
    if figures["hung"]:
        problems.append(f"{figures['hung']} requests took over {HANG_SECONDS:.0f} s")
    if figures["unclean_failures"]:
        problems.append(f"{len(figures['unclean_failures'])} failed other than by 503")
    recovered = figures["seconds_to_first_success_after_back"]
    if recovered is None or recovered > RECOVERY_SECONDS:
        problems.append(f"no recovery within {RECOVERY_SECONDS:.0f} s ({recovered})")
    if figures["failures_after_recovery"]:
        problems.append(
            f"{figures['failures_after_recovery']} requests failed after recovery"
        )
    if not figures["requests_during_outage"]:
        problems.append("no request was made during the outage")
    for problem in problems:
        print(f"DRILL FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
