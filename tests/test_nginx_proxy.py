"""deploy/nginx/proxy.conf, run by Debian's nginx exactly as `make faults` runs it.

Its answers when the app cannot answer are JSON; the client's address reaches the app as the
last X-Forwarded-For entry; a client that does not finish its headers never reaches the app.
"""

import contextlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.contract import ROOT
from tests.live_server import BIN, free_port, production_env, wait_until_healthy


def _nginx_or_skip() -> None:
    if shutil.which("nginx"):
        return
    missing = "nginx is not installed (apt-get install nginx-light)."
    if os.environ.get("CI"):
        pytest.fail(missing)
    pytest.skip(missing)


class _Echo(BaseHTTPRequestHandler):
    """Answers every request with the headers it received, as JSON."""

    seen: list[dict] = []

    def do_GET(self):
        headers = {k.lower(): v for k, v in self.headers.items()}
        _Echo.seen.append(headers)
        body = json.dumps(headers).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def echo():
    _Echo.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def _nginx(tmp_path: Path, upstream_port: int):
    """nginx with the repository's proxy.conf on a free port, in front of ``upstream_port``."""
    _nginx_or_skip()
    port = free_port()
    env = {**os.environ, "FAULTS_NGINX_DIR": str(tmp_path)}
    subprocess.run(  # noqa: S603 - the drill's own script, fixed arguments
        ["bash", "faults/services.sh", "nginx_start", str(port), f"127.0.0.1:{upstream_port}"],  # noqa: S607
        cwd=ROOT, env=env, check=True, timeout=30,
    )  # fmt: skip
    return port, tmp_path / str(port) / "nginx.pid"


@pytest.fixture
def proxy_to(tmp_path):
    started = []

    def start(upstream_port: int) -> int:
        port, pidfile = _nginx(tmp_path, upstream_port)
        started.append(pidfile)
        return port

    yield start
    for pidfile in started:
        if pidfile.exists():
            os.kill(int(pidfile.read_text()), 15)


def _get(port: int, path: str, headers=None, body=None, method="GET"):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def test_an_app_server_that_is_down_is_a_json_503_for_every_client(proxy_to):
    port = proxy_to(free_port())  # nothing listens there

    status, headers, body = _get(port, "/api/calls/token/twilio")

    assert status == 503
    assert headers["content-type"] == "application/json"
    assert headers["retry-after"] == "5"
    assert headers["cache-control"] == "no-store"
    # Both error shapes at once: the token endpoint's and the sign-in endpoints'.
    assert json.loads(body) == {
        "success": False,
        "error": "Service temporarily unavailable; try again shortly",
        "detail": "Service temporarily unavailable; try again shortly",
        "code": "service_unavailable",
    }
    assert b"nginx" not in body


def test_a_body_over_the_limit_is_a_json_413(proxy_to, echo):
    port = proxy_to(echo)

    status, headers, body = _get(
        port, "/api/auth/token", method="POST", body=b"x" * (1024 * 1024 + 1),
        headers={"Content-Type": "application/json"},
    )  # fmt: skip

    assert status == 413
    assert headers["content-type"] == "application/json"
    assert json.loads(body)["code"] == "request_too_large"
    assert _Echo.seen == []


def test_the_client_address_is_the_last_forwarded_entry_whatever_the_client_claims(proxy_to, echo):
    port = proxy_to(echo)

    status, _, body = _get(port, "/api/calls/token/twilio", {"X-Forwarded-For": "203.0.113.9"})

    assert status == 200
    seen = json.loads(body)
    # DJANGO_NUM_PROXIES=1: the app takes the last entry, the one nginx added.
    assert seen["x-forwarded-for"].split(",")[-1].strip() == "127.0.0.1"
    assert seen["x-forwarded-proto"] == "http"


def test_a_client_that_never_finishes_its_headers_is_dropped_without_reaching_the_app(
    proxy_to, echo
):
    port = proxy_to(echo)

    with socket.create_connection(("127.0.0.1", port), timeout=10) as slow:
        slow.sendall(b"GET /api/calls/token/twilio HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        opened = time.monotonic()
        with contextlib.suppress(ConnectionResetError):  # reset_timedout_connection
            while slow.recv(1024):
                pass  # until nginx drops it (client_header_timeout)
        waited = time.monotonic() - opened

    assert 4 < waited < 8
    assert _Echo.seen == []


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"TRACE / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 405),
        (b"G@T / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400),
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET / HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n", 505),
        (b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        (b"GET /_tether_relay/unavailable HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 404),
    ],
)
def test_what_nginx_refuses_itself_is_json_too(proxy_to, echo, request_bytes, status):
    port = proxy_to(echo)

    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        client.sendall(request_bytes)
        received = b""
        while chunk := client.recv(4096):
            received += chunk
            if b"\r\n\r\n" in received and received.rstrip().endswith(b"}"):
                break
    head, _, body = received.partition(b"\r\n\r\n")

    assert head.split(b"\r\n")[0].split(b" ")[1] == str(status).encode()
    assert b"Content-Type: application/json" in head
    assert json.loads(body)["success"] is False
    assert _Echo.seen == []


@pytest.fixture
def app_behind_nginx(proxy_to, tmp_path):
    """gunicorn with the project's configuration, in production mode, behind nginx."""
    port = free_port()
    env = production_env(
        GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="1", GUNICORN_ACCESS_LOG="/dev/null"
    )
    command = [str(BIN / "gunicorn"), "-c", "tether_relay/gunicorn.conf.py", "tether_relay.wsgi"]
    with (tmp_path / "gunicorn.log").open("w") as log:
        server = subprocess.Popen(  # noqa: S603 - gunicorn from this virtualenv, fixed arguments
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            wait_until_healthy(f"http://127.0.0.1:{port}", server)
            yield proxy_to(port)
        finally:
            server.terminate()
            server.wait(timeout=30)


def _raw(port: int, request: bytes) -> tuple[int, bytes, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        client.sendall(request)
        received = b""
        while chunk := client.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), head, body


def _token_request(*headers: bytes, target: bytes = b"/api/calls/token/twilio") -> bytes:
    lines = [b"GET " + target + b" HTTP/1.1", b"Host: 127.0.0.1", b"Connection: close"]
    return b"\r\n".join([*lines, *headers, b"", b""])


@pytest.mark.parametrize(
    "request_bytes",
    [
        # A request line of 5 KB: gunicorn's own limit was 4 KB, nginx's is 8 KB.
        _token_request(target=b"/api/calls/token/twilio?x=" + b"a" * 5000),
        # 120 header fields: gunicorn's own limit was 100; nginx has none but its buffers.
        _token_request(*(b"X-H%d: v" % i for i in range(120))),
        # Scheme headers gunicorn would find contradicting X-Forwarded-Proto: nginx drops them.
        _token_request(b"X-Forwarded-Ssl: on", b"X-Forwarded-Protocol: ssl"),
        # The longest X-Forwarded-For nginx takes, with the address nginx appends to it.
        _token_request(b"X-Forwarded-For: " + b"1" * 7975),
    ],
    ids=[
        "long request line",
        "many header fields",
        "contradicting scheme headers",
        "longest forwarded-for",
    ],
)
def test_what_nginx_passes_on_reaches_the_app(app_behind_nginx, request_bytes):
    status, head, body = _raw(app_behind_nginx, request_bytes)

    # The app's own answer to a request without a bearer token.
    assert status == 401
    assert b"Content-Type: application/json" in head
    assert json.loads(body)["code"] == "not_authenticated"


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (_token_request(b"X-Note: a\x01b"), 400),  # refused by gunicorn, not by nginx
        (_token_request(b"Authorization: Bearer a\x7fb"), 400),
        (_token_request(target=b"/api/calls/token/twilio?x=" + b"a" * 9000), 400),  # nginx: 414
        (_token_request(b"X-Big: " + b"a" * 8100), 400),  # nginx: a field over its buffer
    ],
    ids=[
        "control character",
        "delete in a bearer token",
        "request line over 8000 bytes",
        "header field over 8000 bytes",
    ],
)
def test_what_gunicorn_or_nginx_refuses_is_json_not_an_html_page(
    app_behind_nginx, request_bytes, status
):
    got, head, body = _raw(app_behind_nginx, request_bytes)

    assert got == status
    assert b"Content-Type: application/json" in head
    assert json.loads(body) == {
        "success": False,
        "error": "Malformed request",
        "detail": "Malformed request",
        "code": "bad_request",
    }
