"""A real server for end-to-end tests: gunicorn in production mode over a fresh SQLite database.

Everything runs in child processes with the same environment, as ``make contract`` does: the
migration, the seeding script and gunicorn, on a free loopback port.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography.fernet import Fernet

from tests.contract import ROOT

BIN = Path(sys.executable).parent
_PROJECT_VARIABLES = ("DJANGO_", "DATABASE_", "FIELD_ENCRYPTION_KEYS", "JWT_", "CACHE_URL")
_PROJECT_VARIABLES += (
    "TOKEN_THROTTLE_RATE",
    "HISTORY_THROTTLE_RATE",
    "CALL_LOG_",
    "TWILIO_WEBHOOK_",
)


def production_env(**extra: str) -> dict[str, str]:
    """This process's environment without the project's variables, plus production mode."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(_PROJECT_VARIABLES)}
    return {
        **base,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "live-server-" + Fernet.generate_key().decode() * 2,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_LOG_LEVEL": "INFO",
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "JWT_SIGNING_KEY": "live-server-jwt-" + Fernet.generate_key().decode(),
        "DATABASE_URL": "sqlite:///:memory:",
        **extra,
    }


def run(*args: str, env: dict[str, str], succeed: bool = True) -> subprocess.CompletedProcess:
    """Run this interpreter with ``args`` in the project directory, expecting it to succeed."""
    result = subprocess.run(  # noqa: S603 - the test's own interpreter, fixed arguments
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (result.returncode == 0) == succeed, result.stderr
    return result


def free_port() -> int:
    """A loopback port nothing listens on now (the kernel's choice, released at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(*, env: dict[str, str], port: int, log: Path, workers: int = 1) -> Iterator[str]:
    """Serve the project on ``127.0.0.1:port`` until the block ends; yields the base URL."""
    base_url = f"http://127.0.0.1:{port}"
    command = [str(BIN / "gunicorn"), "tether_relay.wsgi:application"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning"]
    with log.open("w") as output:
        server = subprocess.Popen(  # noqa: S603 - gunicorn from this virtualenv, fixed arguments
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            wait_until_healthy(base_url, server)
            yield base_url
        finally:
            server.terminate()
            server.wait(timeout=30)


def wait_until_healthy(base_url: str, server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn exited before it served /healthz"
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=1) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"gunicorn did not answer /healthz within {timeout} s")
