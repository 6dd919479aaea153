"""The bench's numbers as Markdown (bench/RESULTS.md), and the checks that fail a run."""

import json
import os
import platform
import statistics
from datetime import UTC, datetime

import django

from bench.notes import NOTES
from bench.stages import STAGES

NAMES = {
    "service": "this service",
    "quickstart": "Twilio quickstart (Flask)",
    "plain_drf": "straightforward DRF",
    "floor": "the floor (the same work, no framework)",
    "service_small": "this service, small database",
}
# (ratio's key, label, the bound it must reach, whether the ratio must be at least the bound)
TARGETS = (
    ("rps_vs_floor", "req/s vs the floor (≥ 0.6x)", 0.6, True),
    ("rps_vs_quickstart", "req/s vs the quickstart (≥ 0.5x)", 0.5, True),
    ("rps_vs_plain", "req/s vs straightforward DRF (≥ 1.5x)", 1.5, True),
    ("p99_vs_quickstart", "p99 vs the quickstart (≤ 2x)", 2.0, False),
)


def last_json(text: str) -> dict:
    return json.loads(text.strip().splitlines()[-1])


def one_line(sample) -> str:
    return (
        f"{sample.rps:8.0f} req/s  p50 {sample.p50_ms:6.2f} ms  p99 {sample.p99_ms:6.2f} ms  "
        f"non-2xx {sample.non_2xx}  socket errors {sample.socket_errors}"
    )


def _median(samples, attribute: str) -> float:
    return statistics.median(getattr(s, attribute) for s in samples)


def _ratio(samples: dict, attribute: str, top: str, bottom: str) -> float:
    pairs = zip(samples[top], samples[bottom], strict=True)
    return statistics.median(getattr(a, attribute) / getattr(b, attribute) for a, b in pairs)


def ratios(samples: dict) -> dict:
    """Within-round ratios of this service to each baseline, medians over the rounds."""
    return {
        "rps_vs_quickstart": _ratio(samples, "rps", "service", "quickstart"),
        "rps_vs_plain": _ratio(samples, "rps", "service", "plain_drf"),
        "rps_vs_floor": _ratio(samples, "rps", "service", "floor"),
        "p99_vs_quickstart": _ratio(samples, "p99_ms", "service", "quickstart"),
        "rps_small_vs_full": _ratio(samples, "rps", "service_small", "service"),
    }


def _summary(results: dict) -> list[str]:
    """One row per database: each target's ratio and whether it is met."""
    lines = [
        "| database | " + " | ".join(label for _, label, _, _ in TARGETS) + " |",
        "|---|" + "---:|" * len(TARGETS),
    ]
    for kind, result in results.items():
        r = ratios(result["samples"])
        cells = []
        for key, _, bound, at_least in TARGETS:
            met = r[key] >= bound if at_least else r[key] <= bound
            cells.append(f"{r[key]:.2f}x {'met' if met else '**not met**'}")
        lines.append(f"| {_title(kind)} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def _title(kind: str) -> str:
    return "SQLite" if kind == "sqlite" else "PostgreSQL 15"


def _impl_rows(result: dict) -> list[str]:
    rows = []
    for key, samples in result["samples"].items():
        rps = _median(samples, "rps")
        low, high = (min(s.rps for s in samples), max(s.rps for s in samples))
        spread = f"{(low - rps) / rps:+.0%} / {(high - rps) / rps:+.0%}"
        queries = result["queries"].get(key, result["queries"]["service"])["queries_per_request"]
        rows.append(
            f"| {NAMES[key]} | {rps:.0f} | {spread} | {_median(samples, 'p50_ms'):.2f} | "
            f"{_median(samples, 'p99_ms'):.2f} | {queries:g} | "
            f"{sum(s.non_2xx for s in samples)} | {sum(s.socket_errors for s in samples)} |"
        )
    return rows


def _database_section(kind: str, result: dict) -> list[str]:
    sizes, r = result["sizes"], ratios(result["samples"])
    lines = [
        f"## {_title(kind)}",
        "",
        f"{sizes['full']['users']:,} users in {sizes['full']['orgs']:,} organizations.",
        "",
        "| implementation | req/s (median) | spread | p50 ms | p99 ms | SQL/request | non-2xx "
        "| socket errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        *_impl_rows(result),
        "",
        f"This service: **{r['rps_vs_floor']:.2f}x** the floor's throughput, "
        f"**{r['rps_vs_quickstart']:.2f}x** the quickstart's, "
        f"**{r['rps_vs_plain']:.2f}x** the straightforward DRF's, p99 "
        f"**{r['p99_vs_quickstart']:.2f}x** the quickstart's; the small database gives "
        f"{r['rps_small_vs_full']:.2f}x the full one's throughput.",
        "",
        "| gunicorn workers (this service) | req/s (median) | p50 ms | p99 ms |",
        "|---:|---:|---:|---:|",
    ]
    for count, samples in result["workers"].items():
        p50, p99 = _median(samples, "p50_ms"), _median(samples, "p99_ms")
        lines.append(f"| {count} | {_median(samples, 'rps'):.0f} | {p50:.2f} | {p99:.2f} |")
    return [*lines, "", *_stage_rows(result["stages"]), ""]


def _stage_rows(stages: dict) -> list[str]:
    cpu, counted = stages["cpu_us"], stages["kilo_instructions"]
    rows, previous = [], None
    for key, label in STAGES.items():
        if previous is None or key == "plain":
            added = ("", "")
        else:
            added = (
                f"{cpu[key] - cpu[previous]:+.0f}",
                f"{counted[key] - counted[previous]:+,.0f}",
            )
        rows.append(f"| {label} | {cpu[key]:.0f} | {added[0]} | {counted[key]:,.0f} | {added[1]} |")
        previous = key
    for key, label in (
        ("floor", "the floor: the same work, no framework"),
        ("quickstart", "Twilio quickstart (Flask), the whole app"),
    ):
        rows.append(f"| {label} | {cpu[key]:.0f} | | {counted[key]:,.0f} | |")
    return [
        "| in-process, no network: stage | CPU µs per request | added | thousand instructions "
        "per request | added |",
        "|---|---:|---:|---:|---:|",
        *rows,
    ]


def _header(load, rounds: int, rate: str) -> list[str]:
    cpu = _cpu_model()
    return [
        "# `make bench` results",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"Django {django.get_version()}",
        f"- Load: wrk, {load.threads} threads, {load.connections} connections, "
        f"{load.seconds} s per measurement, {rounds} alternating rounds, bearer tokens of "
        "2,000 users sampled across the table",
        f"- Server: gunicorn with `tether_relay/gunicorn.conf.py` ({_worker_model()}), "
        f"`DJANGO_DEBUG=false`, local-memory cache (per process, room for every counter), "
        f"`TOKEN_THROTTLE_RATE={rate}`",
        "",
    ]


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def markdown(results: dict, load, rounds: int, rate: str) -> str:
    lines = [*_header(load, rounds, rate), *_summary(results)]
    for kind, result in results.items():
        lines += _database_section(kind, result)
    return "\n".join(lines) + "\n" + NOTES


def failures(results: dict) -> int:
    """1 when any counted response was not a 200 or any query count saw a non-200."""
    bad = 0
    for result in results.values():
        for samples in [*result["samples"].values(), *result["workers"].values()]:
            bad += sum(s.non_2xx + s.socket_errors for s in samples)
        for counted in result["queries"].values():
            bad += sum(n for code, n in counted["statuses"].items() if code != "200")
    if bad:
        print(f"FAILED: {bad} responses were not 200")
    return 1 if bad else 0


def _worker_model() -> str:
    workers = int(os.environ.get("BENCH_GUNICORN_WORKERS", "2"))
    threads = int(os.environ.get("BENCH_GUNICORN_THREADS", "1"))
    kind = "sync workers" if threads == 1 else f"gthread workers of {threads} threads"
    return f"{workers} {kind} for every implementation"
