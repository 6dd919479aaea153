"""Token-endpoint latency while sign-ins for unknown users are hammered, with and without
the per-address failure limit.

``python -m bench.signin_flood``: gunicorn in production mode (2 sync workers, PBKDF2 as in
production) over a fresh SQLite file, counting in a private Redis on loopback (as production
must: a per-process cache would count in each worker alone); a steady client times token
requests, first alone, then beside 8 connections that post sign-ins for unknown usernames as
fast as they are answered.
Prints one Markdown table. A measurement, not a test: nothing here asserts a time.
"""

import contextlib
import json
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.live_server import free_port, gunicorn, production_env, run

FLOODERS = 8
SECONDS = 10


def _post(url: str, body: dict) -> int:
    request = urllib.request.Request(  # noqa: S310 - loopback only
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _latencies(url: str, access: str, seconds: float) -> list[float]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {access}"})  # noqa: S310
    found, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            response.read()
        found.append((time.perf_counter() - start) * 1000)
    return found


@contextlib.contextmanager
def _redis(work: Path):
    """A private Redis on a free loopback port, stopped when the block ends."""
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - Debian's redis-server, fixed arguments
        [shutil.which("redis-server"), "--bind", "127.0.0.1", "--port", str(port),
         "--save", "", "--appendonly", "no", "--dir", str(work)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        time.sleep(0.3)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _measure(limit_per_address: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix="signin-flood-"))
    with _redis(work) as cache_url:
        return _measure_with(work, cache_url, limit_per_address)


def _measure_with(work: Path, cache_url: str, limit_per_address: int) -> dict:
    env = production_env(
        CACHE_URL=cache_url,
        DATABASE_URL=f"sqlite:///{work / 'db.sqlite3'}",
        TOKEN_THROTTLE_RATE="1000000/minute",  # noqa: S106 - a rate, not a password
        SIGNIN_FAILURES_PER_ADDRESS=str(limit_per_address),
        SIGNIN_FAILURES_PER_USERNAME="1000000",
    )
    username = json.loads(run("-m", "tests.signin_seed", env=env).stdout)["username"]
    port = free_port()
    with gunicorn(env=env, port=port, log=work / "server.log", workers=2) as base:
        body = {"username": username, "password": "correct-horse-battery-staple"}
        request = urllib.request.Request(  # noqa: S310
            base + "/api/auth/token",
            json.dumps(body).encode(),
            {"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            access = json.load(response)["access"]
        token_url = base + "/api/calls/token/twilio"
        alone = _latencies(token_url, access, SECONDS)
        stop, statuses = threading.Event(), []

        def flood(n: int) -> None:
            i = 0
            while not stop.is_set():
                statuses.append(
                    _post(base + "/api/auth/token", {"username": f"x{n}-{i}", "password": "guess"})
                )
                i += 1

        threads = [threading.Thread(target=flood, args=(n,)) for n in range(FLOODERS)]
        for thread in threads:
            thread.start()
        flooded = _latencies(token_url, access, SECONDS)
        stop.set()
        for thread in threads:
            thread.join(60)
    return {
        "alone": alone,
        "flooded": flooded,
        "sign_ins": len(statuses),
        "refused_429": statuses.count(429),
        "hashed_401": statuses.count(401),
    }


def _ms(values: list[float], q: float) -> str:
    return f"{statistics.quantiles(values, n=100)[int(q) - 1]:.1f}" if len(values) > 2 else "-"


def main() -> None:
    print(
        "| per-address limit | token p50 alone (ms) | token p50 flooded | token p95 flooded "
        "| token requests flooded | sign-in posts | 429 (no hash) | 401 (hashed) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for limit, label in ((30, "30 (default)"), (1_000_000, "none (as before)")):
        m = _measure(limit)
        flooded = m["flooded"]
        print(
            f"| {label} | {_ms(m['alone'], 50)} | {_ms(flooded, 50)} | {_ms(flooded, 95)} "
            f"| {len(flooded)} | {m['sign_ins']} | {m['refused_429']} | {m['hashed_401']} |"
        )


if __name__ == "__main__":
    main()
