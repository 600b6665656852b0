"""The benchmark behind `make bench` (N=100000 by default; `N=10000 make bench`).

It starts its own PostgreSQL cluster and Redis server (bench/harness.py),
loads the seed content and N demo initiatives (timed), starts the app under
gunicorn on 127.0.0.1 with production settings, and drives it with wrk at a
fixed concurrency for a fixed time, first with the result cache switched off
and then on (after one request to each URL, as on a site in use). Every
scenario requests a mix of URLs, never one repeated URL.

For each scenario it reports requests per second, p50/p95/p99 latency, errors
and SQL queries per request; for the searches also the database's own time
(EXPLAIN ANALYZE of the queries one request runs) beside the latency of one
request alone, and each worker's peak memory. Results are written to
bench/results/ as JSON and Markdown. The exit status is non-zero if any
request failed or answered with an unexpected status.
"""

import argparse
import datetime
import json
import os
import platform
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from harness import (
    PYTHON,
    RESULTS,
    ROOT,
    App,
    Services,
    fetch,
    free_port,
    log,
    manage,
    postgresql_settings,
    psql,
    run,
)

LUA = Path(__file__).resolve().parent / "mix.lua"


def scenarios(sample: dict, rng: random.Random) -> dict[str, dict]:
    """Each scenario: a mix of paths and the status every answer must have."""
    terms = ["mental health", "youth diversion", "violence", "custody", "women",
             "repeat callers", "early help", "drop-in"]  # fmt: skip
    selective = [
        (term, theme, area)
        for term in terms
        for theme, area in zip(
            rng.sample(sample["themes"], 3), rng.sample(sample["areas"], 3), strict=True
        )
    ]
    facets = ",".join(
        ["theme", "police_area", "nation", "region", "target_group", "status",
         "evidence_min", "briefing", "organisation"]
    )  # fmt: skip

    def query(**params) -> str:
        return urllib.parse.urlencode(params, doseq=True)

    return {
        "api_list": {
            "about": "API list, 50 a page, pages 1-40",
            "paths": [
                f"/api/v1/initiatives/?{query(page_size=50, page=page)}"
                for page in range(1, 41)
            ],
        },
        "api_search_broad": {
            "about": "API ranked search q=mental health (a third of rows), pages 1-5",
            "paths": [
                f"/api/v1/initiatives/?{query(q=q, page=page)}"
                for q in ["mental health", "mental health triage", "health"]
                for page in range(1, 6)
            ],
        },
        "api_search_selective": {
            "about": "API search + theme + police area, theme and area facets",
            "paths": [
                f"/api/v1/initiatives/?"
                f"{query(q=term, theme=theme, police_area=area, facets='theme,police_area')}"
                for term, theme, area in selective
            ],
        },
        "api_search_all_facets": {
            "about": "the same searches with every facet, as the page shows them",
            "paths": [
                f"/api/v1/initiatives/?"
                f"{query(q=term, theme=theme, police_area=area, facets=facets)}"
                for term, theme, area in selective
            ],
        },
        "html_search": {
            "about": "HTML search page, same searches, with its facets",
            "paths": [
                f"/initiatives/?{query(q=term, theme=theme, police_area=area)}"
                for term, theme, area in selective
            ],
        },
        "html_detail": {
            "about": "HTML initiative detail pages",
            "paths": [f"/initiatives/{slug}/" for slug in sample["slugs"]],
        },
        "api_304": {
            "about": "API conditional GETs answered 304 Not Modified",
            "paths": None,  # filled with ETags once the app runs
            "expect": 304,
        },
    }


def wrk(
    app: App, paths: list[str], expect: int, seconds: int, connections: int
) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".paths", delete=False) as handle:
        handle.write("\n".join(paths) + "\n")
    try:
        result = run(
            ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s",
             "--timeout", "10s", "-s", str(LUA), app.base],
            env={**os.environ, "BENCH_PATHS": handle.name, "BENCH_EXPECT": str(expect)},
            capture_output=True, text=True,
        )  # fmt: skip
    finally:
        os.unlink(handle.name)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    seconds_run = figures["duration_us"] / 1e6
    return {
        "requests": figures["requests"],
        "rps": round(figures["requests"] / seconds_run, 1),
        "p50_ms": figures["p50_us"] / 1000,
        "p95_ms": figures["p95_us"] / 1000,
        "p99_ms": figures["p99_us"] / 1000,
        "errors": figures["unexpected_status"]
        + figures["socket_errors"]
        + figures["timeouts"],
    }


def alone_ms(app: App, paths: list[str], rounds: int = 3) -> float:
    """Median latency of one request at a time, over HTTP."""
    timings = []
    for _ in range(rounds):
        for path in paths:
            started = time.perf_counter()
            fetch(app.base + path)
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def with_etags(app: App, paths: list[str]) -> list[str]:
    lines = []
    for path in paths:
        status, headers, _ = fetch(app.base + path)
        if status != 200 or "ETag" not in headers:
            raise RuntimeError(f"{path} answered {status} without an ETag")
        lines.append(f"{path}\t{headers['ETag']}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--initiatives", type=int, default=int(os.environ.get("N", 100_000))
    )
    parser.add_argument(
        "--seconds", type=int, default=int(os.environ.get("DURATION", 15))
    )
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--workers", type=int, default=int(os.environ.get("WORKERS", 4))
    )
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    RESULTS.mkdir(parents=True, exist_ok=True)
    report: dict = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') // 2**30} GiB, "
        f"{platform.platform()}",
        "initiatives": options.initiatives,
        "connections": options.connections,
        "seconds": options.seconds,
        "workers": options.workers,
        "modes": {},
    }
    failed = False
    log("starting PostgreSQL and Redis")
    with Services() as services:
        environment = {
            **os.environ,
            **services.environment,
            "DJANGO_SETTINGS_MODULE": "practice_library.settings",
            "DJANGO_ENV": "production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_DEBUG": "false",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "API_ANONYMOUS_RATE": "100000000/minute",
            "DJANGO_LOG_LEVEL": "INFO",
        }
        report["postgresql"] = postgresql_settings(environment["DATABASE_URL"])
        log("migrating and loading the seed content")
        manage(environment, "migrate", "--no-input", "-v", "0")
        manage(environment, "load_seed_content")
        log(f"generating {options.initiatives} demo initiatives")
        started = time.perf_counter()
        manage(
            environment, "generate_demo_data", "--initiatives", str(options.initiatives)
        )
        report["generate_seconds"] = round(time.perf_counter() - started, 1)
        log(f"generated in {report['generate_seconds']} s")
        psql(environment["DATABASE_URL"], "VACUUM ANALYZE")
        manage(environment, "collectstatic", "--no-input", "-v", "0")
        url = environment["DATABASE_URL"]
        sample = {
            "slugs": [
                row[0]
                for row in psql(
                    url,
                    "SELECT slug FROM initiatives_initiative WHERE state = 'published' "
                    "ORDER BY md5(slug) LIMIT 300",
                )
            ],  # fmt: skip
            "themes": [row[0] for row in psql(url, "SELECT slug FROM themes_theme")],
            "areas": [
                row[0] for row in psql(url, "SELECT slug FROM initiatives_policearea")
            ],
        }
        plan = scenarios(sample, random.Random(1))
        measured = {name: spec["paths"] for name, spec in plan.items() if spec["paths"]}
        for mode in ("off", "on"):
            mode_environment = {**environment, "RESULT_CACHE": mode}
            run(["redis-cli", "-u", environment["REDIS_URL"], "FLUSHALL"],
                capture_output=True)  # fmt: skip
            results: dict = {}
            with App(mode_environment, free_port(), options.workers) as app:
                plan["api_304"]["paths"] = with_etags(
                    app,
                    plan["api_list"]["paths"][:20]
                    + plan["api_search_selective"]["paths"],
                )
                for name, spec in plan.items():
                    log(f"cache {mode}: {name}")
                    # Warm the worker; with the cache on, ask for every address
                    # once first, so the run measures the repeated queries of a
                    # site in use (the cache-off run measures first requests).
                    warm = spec["paths"] if mode == "on" else spec["paths"][:1]
                    for path in warm:
                        fetch(app.base + path.split("\t")[0])
                    figures = wrk(app, spec["paths"], spec.get("expect", 200),
                                  options.seconds, options.connections)  # fmt: skip
                    figures["about"] = spec["about"]
                    figures["alone_ms"] = round(alone_ms(app, [
                        path.split("\t")[0] for path in spec["paths"][:5]
                    ]), 2) if name != "api_304" else None  # fmt: skip
                    results[name] = figures
                    failed |= figures["errors"] > 0
                report["modes"][mode] = {
                    "scenarios": results,
                    "worker_peak_mb": [
                        round(m, 1) for m in app.worker_peak_memory_mb()
                    ],
                }
        log("counting queries and the database's own time (cache off)")
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            json.dump({name: paths[:3] for name, paths in measured.items()}, handle)
        output = run(
            [PYTHON, str(ROOT / "bench" / "queries.py"), handle.name],
            cwd=ROOT, env={**environment, "RESULT_CACHE": "off"},
            capture_output=True, text=True,
        ).stdout  # fmt: skip
        os.unlink(handle.name)
        report["queries"] = json.loads(output.strip().splitlines()[-1])
    write_report(report)
    return 1 if failed else 0


def targets(report: dict) -> list[tuple[str, str, bool]]:
    """Each target of issue 6 with the measured figure and whether it is met."""
    off = report["modes"]["off"]["scenarios"]
    on = report["modes"]["on"]["scenarios"]
    queries = report["queries"]
    rows = []

    def add(name: str, figure: str, met: bool) -> None:
        rows.append((name, figure, met))

    for mode, results in (("off", off), ("on", on)):
        s = results["api_search_selective"]
        add(f"Selective search + facets, cache {mode}: >= 100 req/s, p95 < 100 ms",
            f"{s['rps']} req/s, p95 {s['p95_ms']:.1f} ms",
            s["rps"] >= 100 and s["p95_ms"] < 100)  # fmt: skip
        b = results["api_search_broad"]
        add(f"Broad ranked search, cache {mode}: >= 80 req/s, p95 < 200 ms",
            f"{b['rps']} req/s, p95 {b['p95_ms']:.1f} ms",
            b["rps"] >= 80 and b["p95_ms"] < 200)  # fmt: skip
        a = results["api_list"]
        add(f"API list of 50, cache {mode}: >= 400 req/s", f"{a['rps']} req/s",
            a["rps"] >= 400)  # fmt: skip
        h, f = results["html_search"], results["api_search_all_facets"]
        add(f"HTML search within 1.5x of the API (p50), cache {mode}",
            f"{h['p50_ms']:.1f} ms vs {f['p50_ms']:.1f} ms",
            h["p50_ms"] <= 1.5 * f["p50_ms"])  # fmt: skip
        d = results["html_detail"]
        add(f"Initiative detail p95 < 20 ms, cache {mode}", f"{d['p95_ms']:.1f} ms",
            d["p95_ms"] < 20)  # fmt: skip
        n = results["api_304"]
        add(f"304 answers p95 < 10 ms, cache {mode}", f"{n['p95_ms']:.1f} ms",
            n["p95_ms"] < 10)  # fmt: skip
    add("Search with facets, cache on: >= 500 req/s",
        f"{on['api_search_selective']['rps']} req/s",
        on["api_search_selective"]["rps"] >= 500)  # fmt: skip
    for name in ("api_search_broad", "api_search_selective"):
        database = statistics.median(q["database_ms"] for q in queries[name].values())
        alone = off[name]["alone_ms"]
        overhead = max(alone - database, 0)
        add(f"{name}: application overhead <= 2x the database's time",
            f"{overhead:.1f} ms over {database:.1f} ms of SQL",
            overhead <= 2 * database)  # fmt: skip
    peak = max(max(m["worker_peak_mb"]) for m in report["modes"].values())
    add("Peak memory per worker < 150 MB", f"{peak:.0f} MB", peak < 150)
    add("100,000 demo initiatives generated in < 60 s"
        if report["initiatives"] == 100_000
        else f"{report['initiatives']} demo initiatives generated",
        f"{report['generate_seconds']} s",
        report["generate_seconds"] < 60 * report["initiatives"] / 100_000)  # fmt: skip
    return rows


def markdown(report: dict) -> str:
    lines = [
        f"# Benchmark, {report['date']}",
        "",
        f"{report['initiatives']:,} demo initiatives; {report['machine']}; "
        f"wrk, {report['connections']} connections, {report['seconds']} s a scenario; "
        f"gunicorn with {report['workers']} workers; PostgreSQL "
        f"{report['postgresql']['version']} with its defaults: "
        + ", ".join(f"{k}={v}" for k, v in report["postgresql"]["settings"].items())
        + "; Redis 7.",
        "",
        "| Scenario | Cache | req/s | p50 ms | p95 ms | p99 ms | errors | alone ms | SQL queries | SQL ms |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for mode, data in report["modes"].items():
        for name, s in data["scenarios"].items():
            q = report["queries"].get(name, {})
            counts = sorted({v["queries"] for v in q.values()})
            database = (
                f"{statistics.median(v['database_ms'] for v in q.values()):.1f}"
                if q
                else "-"
            )
            alone = f"{s['alone_ms']:.1f}" if s["alone_ms"] is not None else "-"
            lines.append(
                f"| {name} | {mode} | {s['rps']} | {s['p50_ms']:.1f} | {s['p95_ms']:.1f} "
                f"| {s['p99_ms']:.1f} | {s['errors']} | {alone} "
                f"| {'/'.join(map(str, counts)) or '-'} | {database} |"
            )
    lines += ["", "| Target | Measured | Met |", "|---|---|---|"]
    lines += [f"| {name} | {figure} | {'yes' if met else '**no**'} |"
              for name, figure, met in targets(report)]  # fmt: skip
    lines += ["", "Peak memory per worker (MB): " + "; ".join(
        f"cache {mode}: {', '.join(map(str, data['worker_peak_mb']))}"
        for mode, data in report["modes"].items())]  # fmt: skip
    return "\n".join(lines) + "\n"


def write_report(report: dict) -> None:
    stem = RESULTS / f"bench-{report['date'][:10]}-{report['initiatives']}"
    stem.with_suffix(".json").write_text(json.dumps(report, indent=2))
    text = markdown(report)
    stem.with_suffix(".md").write_text(text)
    print(text)
    log(f"written {stem}.json and {stem}.md")


if __name__ == "__main__":
    sys.exit(main())
