"""CPU time per request of each stage: ``python -m bench.stages.measure TOKENS_FILE``.

Run with the server's environment; prints one JSON object, microseconds by stage, the
quickstart's Flask app and the floor included. Each figure is the best of several passes, in
CPU time of this process, so that other processes on the machine barely move it.

``python -m bench.stages.measure --instructions TOKENS_FILE`` counts instead the instructions
each stage executes per request (thousands), under valgrind's callgrind: the same on every run
of the same code, where CPU time on a shared machine moves by tens of percent from one run to
the next. Each stage runs in its own process, instrumented only while its counted requests run.
"""

import functools
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import django

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.stages.settings"
django.setup()

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402

from bench import floor  # noqa: E402
from bench.quickstart import app as quickstart  # noqa: E402
from bench.stages import STAGES  # noqa: E402

PASSES, REQUESTS = 5, 1000
COUNTED = 200  # requests counted under callgrind, after every bearer token has been used once
PATHS = {key: f"/api/stage/{key}" for key in STAGES} | {"full": "/api/stage/full/token/twilio"}


def _environ(path: str, token: str) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_AUTHORIZATION": f"Bearer {token}",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
    }


def _request(app, path: str, token: str) -> None:
    """One request through ``app``, its body read and closed as a WSGI server does (closing
    is when Django sends request_finished); anything but a 200 ends the run."""

    def start_response(status, headers):
        if not status.startswith("200"):
            raise SystemExit(f"{path} answered {status}")

    body = app(_environ(path, token), start_response)
    try:
        b"".join(body)
    finally:
        if hasattr(body, "close"):
            body.close()


def cpu_per_request(app, path: str, tokens: list[str]) -> float:
    """Microseconds of CPU per request, best of PASSES."""
    for n in range(200):  # warm up: connections, compiled queries, caches
        _request(app, path, tokens[n % len(tokens)])
    best = float("inf")
    for _ in range(PASSES):
        started = time.process_time()
        for n in range(REQUESTS):
            _request(app, path, tokens[n % len(tokens)])
        best = min(best, (time.process_time() - started) / REQUESTS)
    return best * 1e6


def _targets() -> dict:
    django_app = WSGIHandler()
    targets = {key: (django_app, path) for key, path in PATHS.items()}
    targets["quickstart"] = (quickstart.wsgi_app, "/api/calls/token/twilio")
    targets["floor"] = (floor.application, "/api/calls/token/twilio")
    return targets


def _counted_run(key: str, tokens: list[str]) -> None:
    """Inside callgrind: warm up uninstrumented, then run COUNTED requests inside one call of
    functools.reduce, the function whose instructions callgrind is told to collect."""
    app, path = _targets()[key]
    for token in tokens:  # as under load: every user's token seen, every cache warm
        _request(app, path, token)
    subprocess.run(["callgrind_control", "-i", "on", str(os.getpid())], check=True)  # noqa: S603, S607
    functools.reduce(
        lambda _, n: _request(app, path, tokens[n % len(tokens)]), range(COUNTED), None
    )


def instructions_per_request(tokens_path: str) -> dict:
    """Thousands of instructions per request of each stage, one callgrind process each, as
    many at once as there are cores (counts do not depend on what else runs)."""
    keys = [*PATHS, "quickstart", "floor"]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        counts = pool.map(functools.partial(_count, tokens_path=tokens_path), keys)
        return dict(zip(keys, counts, strict=True))


def _count(key: str, tokens_path: str) -> float:
    with tempfile.TemporaryDirectory(prefix="tether-callgrind.") as work:
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            "--collect-atstart=no",
            "--toggle-collect=functools_reduce",
            f"--callgrind-out-file={work}/callgrind.out",
            sys.executable,
            "-m",
            "bench.stages.measure",
            "--count",
            key,
            tokens_path,
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    found = re.search(r"Collected : (\d+)", done.stderr)
    if not found or not int(found.group(1)):
        raise SystemExit(f"callgrind counted nothing for {key}:\n{done.stderr[-2000:]}")
    return int(found.group(1)) / COUNTED / 1000


def _tokens(path: str) -> list[str]:
    with open(path, encoding="ascii") as tokens_file:
        return tokens_file.read().split()


def main() -> None:
    args = sys.argv[1:]
    if args[0] == "--count":
        _counted_run(args[1], _tokens(args[2]))
        return
    if args[0] == "--instructions":
        print(json.dumps(instructions_per_request(args[1])))
        return
    tokens = _tokens(args[0])
    result = {key: cpu_per_request(app, path, tokens) for key, (app, path) in _targets().items()}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
