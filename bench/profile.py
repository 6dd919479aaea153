"""Profile the token endpoint in-process: ``python -m bench.profile TOKENS_FILE [REQUESTS]``.

Calls the WSGI application directly (no network, no gunicorn) with the server's environment
and prints cProfile's top functions by own time and by cumulative time, and the mean time
per request without the profiler. For the live server under load use py-spy instead:
``py-spy record --pid <worker> --format speedscope`` while ``make bench`` drives it.
"""

import cProfile
import io
import os
import pstats
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tether_relay.settings")
django.setup()

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402

PATH = "/api/calls/token/twilio"


def _environ(token: str) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": PATH,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_AUTHORIZATION": f"Bearer {token}",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
    }


def run(app, tokens: list[str], count: int) -> float:
    """Mean CPU seconds of this process per request over ``count`` requests.

    CPU time rather than wall time: other processes on a busy machine barely move it.
    """
    statuses = []
    started = time.process_time()
    for n in range(count):
        body = app(_environ(tokens[n % len(tokens)]), lambda s, h: statuses.append(s))
        b"".join(body)
    elapsed = time.process_time() - started
    if any(not status.startswith("200") for status in statuses):
        raise SystemExit(f"not every response was a 200: {set(statuses)}")
    return elapsed / count


def main() -> None:
    tokens = open(sys.argv[1], encoding="ascii").read().split()  # noqa: SIM115
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    app = WSGIHandler()
    run(app, tokens, 200)  # warm up: connection, imports, caches
    print(f"mean CPU time per request: {run(app, tokens, count) * 1e6:.0f} µs")
    profiler = cProfile.Profile()
    profiler.runcall(run, app, tokens, count)
    for order in ("tottime", "cumulative"):
        pstats.Stats(profiler).sort_stats(order).print_stats(30)


if __name__ == "__main__":
    main()
