"""``make bench``: this service against three baselines under the same load, on SQLite and
PostgreSQL: Twilio's quickstart, the straightforward DRF endpoint, and the floor (the same work
with no framework).

Environment: ``BENCH_DB`` (``sqlite``, ``postgres`` or ``both``, the default), ``BENCH_SECONDS``
per measurement (10), ``BENCH_ROUNDS`` (3), ``BENCH_USERS`` (100000), ``BENCH_ORGS`` (1000),
``BENCH_GUNICORN_WORKERS`` (2, for every implementation), ``BENCH_GUNICORN_THREADS`` (1: sync
workers; more: gthread workers with that many threads).
Writes ``bench/RESULTS.md`` and prints the same tables.
"""

import contextlib
import os
import secrets
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet

from bench import report
from bench.load import Load, drive
from bench.processes import ROOT, create_database, free_port, gunicorn, postgres, python

WARMUP_SECONDS = 2
SMALL = {"users": 100, "orgs": 10}
WORKER_COUNTS = (1, 2, 4)


@dataclass(frozen=True)
class Impl:
    """One implementation of the endpoint, as gunicorn serves it."""

    key: str
    app: str
    settings: str
    database: str = "full"


IMPLS = (
    Impl("service", "tether_relay.wsgi", "tether_relay.settings"),
    Impl("quickstart", "bench.quickstart:app", "tether_relay.settings"),
    Impl("plain_drf", "tether_relay.wsgi", "bench.plain_drf.settings"),
    Impl("floor", "bench.floor:application", "tether_relay.settings"),
    Impl("service_small", "tether_relay.wsgi", "tether_relay.settings", database="small"),
)


def production_env() -> dict:
    """Production mode with generated secrets, as tests/contract_run/run.sh sets it up."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
    return {
        **keep,
        # As the README's production settings have it for servers connected to PostgreSQL
        # directly, as these are: the caller query prepared once per connection.
        "DATABASE_PREPARED_STATEMENTS": "true",
        # The same for every implementation: two workers for two cores shared with wrk.
        "GUNICORN_WORKERS": os.environ.get("BENCH_GUNICORN_WORKERS", "2"),
        "GUNICORN_THREADS": os.environ.get("BENCH_GUNICORN_THREADS", "1"),
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-" + secrets.token_urlsafe(48),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "JWT_SIGNING_KEY": "bench-jwt-" + secrets.token_urlsafe(48),
        # Each process counts alone, as by default; room for every user's counters, where the
        # default 300 entries would evict them (and cull) on most requests.
        "CACHE_URL": "locmemcache://tether-relay-bench?max_entries=1000000",
        # High enough that every counted response is a 200; the throttle still runs.
        "TOKEN_THROTTLE_RATE": "10000000/minute",
        # The quickstart's credentials, from the environment as it reads them.
        "TWILIO_ACCOUNT_SID": "AC" + secrets.token_hex(16),
        "TWILIO_TWIML_APP_SID": "AP" + secrets.token_hex(16),
        "API_KEY": "SK" + secrets.token_hex(16),
        "API_SECRET": secrets.token_hex(16),
    }


def prepare(url: str, size: dict, env: dict, tokens: Path) -> None:
    """Migrate and seed one database; write bearer tokens for a sample of its users."""
    # Seeding sets 100,000 numbers in one UPDATE: longer than the servers' statement timeout.
    env = {**env, "DATABASE_URL": url, "DATABASE_STATEMENT_TIMEOUT_MS": "0"}
    python(["manage.py", "migrate", "--noinput", "-v0"], env)
    seed = ["-m", "bench.seed", "--users", str(size["users"]), "--orgs", str(size["orgs"])]
    python([*seed, "--tokens", str(tokens)], env)


def count_queries(impl: Impl, url: str, tokens: Path, env: dict) -> dict:
    """SQL queries per request, measured in-process (the quickstart has no database)."""
    if impl.key == "quickstart":
        return {"queries_per_request": 0.0, "statuses": {"200": "no database"}}
    if impl.key == "floor":  # one statement, written out in bench/floor.py
        return {"queries_per_request": 1.0, "statuses": {"200": "by construction"}}
    env = {**env, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": impl.settings}
    done = python(["-m", "bench.queries", str(tokens)], env, capture_output=True, text=True)
    return report.last_json(done.stdout)


def measure_stages(url: str, tokens: Path, env: dict) -> dict:
    """In-process CPU time and instructions per request, stage by stage (bench/stages)."""
    env = {**env, "DATABASE_URL": url}
    measure = ["-m", "bench.stages.measure"]
    done = python([*measure, str(tokens)], env, capture_output=True, text=True)
    counted = python([*measure, "--instructions", str(tokens)], env, capture_output=True, text=True)
    return {
        "cpu_us": report.last_json(done.stdout),
        "kilo_instructions": report.last_json(counted.stdout),
    }


@contextlib.contextmanager
def databases(kind: str, workdir: Path):
    """URLs of the full-size and the small database of one kind, created empty."""
    if kind == "sqlite":
        yield {size: f"sqlite:///{workdir}/{size}.sqlite3" for size in ("full", "small")}
        return
    with postgres(55440) as base:
        for size in ("full", "small"):
            create_database(base, f"bench_{size}")
        yield {size: f"{base}/bench_{size}" for size in ("full", "small")}


def serve(stack, impl: Impl, url: str, env: dict, workdir: Path, token: str, workers=None):
    """Start ``impl`` under gunicorn and warm it up; returns its port."""
    env = {**env, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": impl.settings}
    if workers:
        env["GUNICORN_WORKERS"] = str(workers)
    port = free_port(22130)
    stack.enter_context(gunicorn(impl.app, port, env, workdir / f"{impl.key}.log", token))
    return port


def alternate(urls, tokens, env, workdir, load: Load, rounds: int) -> dict:
    """Several rounds, each driving every implementation once, in the same order."""
    samples = {impl.key: [] for impl in IMPLS}
    with contextlib.ExitStack() as stack:
        ports = {}
        for impl in IMPLS:
            first = tokens[impl.database].read_text().split()[0]
            ports[impl.key] = serve(stack, impl, urls[impl.database], env, workdir, first)
            drive(ports[impl.key], tokens[impl.database], load, WARMUP_SECONDS)
        for number in range(1, rounds + 1):
            for impl in IMPLS:
                sample = drive(ports[impl.key], tokens[impl.database], load)
                samples[impl.key].append(sample)
                print(f"  round {number} {impl.key:14} {report.one_line(sample)}", flush=True)
    return samples


def scale_workers(url, tokens: Path, env, workdir, load: Load, rounds: int) -> dict:
    """This service with 1, 2 and 4 gunicorn workers, all started, driven in alternation."""
    samples = {count: [] for count in WORKER_COUNTS}
    first = tokens.read_text().split()[0]
    with contextlib.ExitStack() as stack:
        ports = {}
        for count in WORKER_COUNTS:
            ports[count] = serve(stack, IMPLS[0], url, env, workdir, first, workers=count)
            drive(ports[count], tokens, load, WARMUP_SECONDS)
        for _ in range(rounds):
            for count in WORKER_COUNTS:
                samples[count].append(drive(ports[count], tokens, load))
                print(f"  {count} worker(s)      {report.one_line(samples[count][-1])}", flush=True)
    return samples


def bench_database(kind: str, env: dict, workdir: Path, load: Load, rounds: int) -> dict:
    """Every measurement of one database kind."""
    sizes = {"full": _full_size(), "small": SMALL}
    with databases(kind, workdir) as urls:
        tokens = {size: workdir / f"{kind}-{size}.tokens" for size in urls}
        for size, url in urls.items():
            prepare(url, sizes[size], env, tokens[size])
        queries = {
            impl.key: count_queries(impl, urls["full"], tokens["full"], env)
            for impl in IMPLS
            if impl.database == "full"
        }
        print(f"{kind}: queries per request {queries}", flush=True)
        stages = measure_stages(urls["full"], tokens["full"], env)
        print(f"{kind}: CPU µs per request by stage {stages}", flush=True)
        samples = alternate(urls, tokens, env, workdir, load, rounds)
        workers = scale_workers(urls["full"], tokens["full"], env, workdir, load, rounds)
    return {
        "sizes": sizes,
        "queries": queries,
        "stages": stages,
        "samples": samples,
        "workers": workers,
    }


def _full_size() -> dict:
    return {
        "users": int(os.environ.get("BENCH_USERS", 100_000)),
        "orgs": int(os.environ.get("BENCH_ORGS", 1_000)),
    }


def main() -> int:
    load = Load(seconds=int(os.environ.get("BENCH_SECONDS", 10)))
    rounds = int(os.environ.get("BENCH_ROUNDS", 3))
    choice = os.environ.get("BENCH_DB", "both")
    kinds = ["sqlite", "postgres"] if choice == "both" else [choice]
    env = production_env()
    results = {}
    with tempfile.TemporaryDirectory(prefix="tether-bench.") as work:
        for kind in kinds:
            print(f"== {kind} ==", flush=True)
            results[kind] = bench_database(kind, env, Path(work), load, rounds)
    text = report.markdown(results, load, rounds, env["TOKEN_THROTTLE_RATE"])
    (ROOT / "bench" / "RESULTS.md").write_text(text)
    print(text)
    return report.failures(results)


if __name__ == "__main__":
    sys.exit(main())
