"""CPU time per request of each stage: ``python -m bench.stages.measure TOKENS_FILE``.

Run with the server's environment; prints one JSON object, microseconds by stage, the
quickstart's Flask app included. Each figure is the best of several passes, in CPU time of
this process, so that other processes on the machine barely move it.
"""

import io
import json
import os
import sys
import time

import django

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.stages.settings"
django.setup()

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402

from bench import floor  # noqa: E402
from bench.quickstart import app as quickstart  # noqa: E402
from bench.stages import STAGES  # noqa: E402

PASSES, REQUESTS = 5, 1000
PATHS = {key: f"/stage/{key}" for key in STAGES} | {"full": "/stage/full/token/twilio"}


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


def cpu_per_request(app, path: str, tokens: list[str]) -> float:
    """Microseconds of CPU per request, best of PASSES; every response must be a 200."""

    def start_response(status, headers):
        if not status.startswith("200"):
            raise SystemExit(f"{path} answered {status}")

    for n in range(200):  # warm up: connections, compiled queries, caches
        b"".join(app(_environ(path, tokens[n % len(tokens)]), start_response))
    best = float("inf")
    for _ in range(PASSES):
        started = time.process_time()
        for n in range(REQUESTS):
            b"".join(app(_environ(path, tokens[n % len(tokens)]), start_response))
        best = min(best, (time.process_time() - started) / REQUESTS)
    return best * 1e6


def main() -> None:
    with open(sys.argv[1], encoding="ascii") as tokens_file:
        tokens = tokens_file.read().split()
    django_app = WSGIHandler()
    result = {key: cpu_per_request(django_app, path, tokens) for key, path in PATHS.items()}
    result["quickstart"] = cpu_per_request(quickstart.wsgi_app, "/api/calls/token/twilio", tokens)
    result["floor"] = cpu_per_request(floor.application, "/api/calls/token/twilio", tokens)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
