"""Gunicorn settings for production; every knob comes from the environment.

Run with ``gunicorn -c tether_relay/gunicorn.conf.py tether_relay.wsgi`` (``make serve``).
"""

import gc
import json
import os

from gunicorn import util


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _cpus() -> int:
    """The CPUs this process may run on (its affinity, as taskset or a container's cpuset sets
    it), not all the machine's. A CPU quota (cgroups' cpu.max) is not seen: set
    GUNICORN_WORKERS there."""
    counted = getattr(os, "process_cpu_count", None)  # Python 3.13
    if counted is not None:
        return counted() or 1
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:2212")
# One sync worker per core serves the most (the requests are CPU-bound; README, Scaling), and
# at least 2, so that a request waiting out a database deadline never stops the whole server.
workers = _int("GUNICORN_WORKERS", max(2, _cpus()))
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
# A request that takes longer than this is killed; token requests take milliseconds.
timeout = _int("GUNICORN_TIMEOUT", 30)
# On SIGTERM or SIGHUP, workers finish what they are doing for up to this long.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then, staggered, so that no leak can grow without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 10_000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 1_000)
preload_app = True
# Addresses of the proxies whose X-Forwarded-* headers gunicorn may trust.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# Whatever nginx passes on (its header buffers of 8000 bytes: deploy/nginx/proxy.conf), with
# what it appends (X-Forwarded-For), gunicorn takes: a request line or header field of up to
# 8190 bytes (its most), and up to 1000 fields.
limit_request_line = 8190
limit_request_field_size = 8190
limit_request_fields = 1000
# Only the scheme header nginx sets; nginx also removes the other two gunicorn knows, which a
# client could send to contradict it.
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# Path without the query string, and no request headers: never the Authorization header.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'


def pre_fork(server, worker):
    """Before each worker is forked from the master, which has loaded the app (preload_app):
    the app's objects move to the collector's permanent generation, as Python's documentation
    advises for a fork without exec. Workers' collections then never walk them (nor write to
    their pages, which stay shared between workers instead of being copied into each)."""
    gc.freeze()


def _json_error(sock, status_int, reason, mesg):
    """What gunicorn answers for a request it cannot parse (a control character in a header, a
    malformed chunk) or when the app fails outside Django: JSON like the app's and nginx's own
    answers, instead of gunicorn's HTML page; the reason, never what the client sent."""
    server_side = status_int >= 500 and status_int != 501
    text = "Internal server error" if server_side else "Malformed request"
    code = "server_error" if server_side else "bad_request"
    body = json.dumps({"success": False, "error": text, "detail": text, "code": code})
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
        "Content-Type: application/json\r\nCache-Control: no-store\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, (head + body).encode("latin-1"))


# gunicorn's workers write their own error answers with util.write_error, and with nothing else.
util.write_error = _json_error
