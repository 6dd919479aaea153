"""Drive one server with wrk for a fixed time and read its numbers."""

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.processes import TOKEN_PATH

SCRIPT = Path(__file__).resolve().parent / "tokens.lua"


@dataclass(frozen=True)
class Load:
    """How hard and how long wrk pushes: the same for every implementation in a run."""

    seconds: int
    threads: int = 2
    connections: int = 16


@dataclass(frozen=True)
class Sample:
    """One wrk run against one server."""

    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int


def drive(port: int, tokens: Path, load: Load, seconds: int | None = None) -> Sample:
    """Run wrk against the token endpoint on 127.0.0.1:``port``, cycling the bearer tokens."""
    duration = seconds or load.seconds
    command = [
        "wrk",
        f"-t{load.threads}",
        f"-c{load.connections}",
        f"-d{duration}s",
        "--latency",
        "-s",
        str(SCRIPT),
        f"http://127.0.0.1:{port}{TOKEN_PATH}",
        "--",
        str(tokens),
    ]
    done = subprocess.run(  # noqa: S603 - a fixed command line, loopback only
        command, capture_output=True, text=True, check=True, timeout=duration + 30
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return Sample(
        requests=result["requests"],
        rps=result["requests"] / (result["duration_us"] / 1e6),
        p50_ms=result["p50_us"] / 1000,
        p99_ms=result["p99_us"] / 1000,
        non_2xx=result["non_2xx"],
        socket_errors=result["socket_errors"],
    )
