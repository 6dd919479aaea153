"""The processes a bench run starts: gunicorn servers and a private PostgreSQL 15.

Each is a context manager that stops what it started, however the run ends.
"""

import contextlib
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
TOKEN_PATH = "/api/calls/token/twilio"  # noqa: S105 - a URL path, not a password


def _stop(process: subprocess.Popen, grace: float = 10.0) -> None:
    """SIGTERM (gunicorn's graceful stop), then SIGKILL if it has not ended in time."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=grace)


def probe(port: int, token: str) -> int:
    """The status of one token request, or 0 when the server does not answer yet."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{TOKEN_PATH}", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


@contextlib.contextmanager
def gunicorn(app: str, port: int, env: dict, log: Path, token: str) -> Iterator[int]:
    """gunicorn with the project's configuration, serving ``app`` on 127.0.0.1:``port``."""
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    command = [str(VENV_BIN / "gunicorn"), "-c", "tether_relay/gunicorn.conf.py", app]
    with open(log, "ab") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)  # noqa: S603
    try:
        _wait_ready(process, port, token)
        yield process.pid
    finally:
        _stop(process)


def _wait_ready(process: subprocess.Popen, port: int, token: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn on port {port} exited with {process.returncode}")
        status = probe(port, token)
        if status == 200:
            return
        if status:
            raise RuntimeError(f"the server on port {port} answered {status}, not 200")
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn on port {port} did not answer within 30 s")


def _as_postgres(command: str) -> None:
    subprocess.run(["su", "postgres", "-c", command], check=True, stdout=subprocess.DEVNULL)  # noqa: S603, S607


@contextlib.contextmanager
def postgres(first_port: int) -> Iterator[str]:
    """A throwaway PostgreSQL 15 cluster on loopback; yields its base URL.

    Other runs on the machine may take a port between the check and the start, so a failed
    start moves on to the next free port, three times at most.
    """
    workdir = tempfile.mkdtemp(prefix="tether-bench-pg.")
    shutil.chown(workdir, "postgres", "postgres")
    data = f"{workdir}/data"
    try:
        _as_postgres(f"{PG_BIN}/initdb -D '{data}' -U postgres --auth=trust")
        port = _start_postgres(data, workdir, first_port)
        yield f"postgres://postgres@127.0.0.1:{port}"
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            _as_postgres(f"{PG_BIN}/pg_ctl -D '{data}' -m fast -w stop")
        shutil.rmtree(workdir, ignore_errors=True)


def _start_postgres(data: str, workdir: str, first_port: int) -> int:
    port = first_port
    for attempt in range(3):
        port = free_port(port)
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k '{workdir}'"
        log = f"{workdir}/log"
        try:
            _as_postgres(f"{PG_BIN}/pg_ctl -D '{data}' -l '{log}' -w -o \"{options}\" start")
            return port
        except subprocess.CalledProcessError:
            print(Path(log).read_text(errors="replace"), file=sys.stderr)
            if attempt == 2:
                raise
            port += 1
    raise AssertionError("unreachable")


def create_database(base_url: str, name: str) -> None:
    """An empty database on the private cluster."""
    host, port = base_url.rsplit("@", 1)[1].split(":")
    _as_postgres(f"{PG_BIN}/createdb -h {host} -p {port} -U postgres {name}")


def free_port(start: int) -> int:
    """The first port from ``start`` on that nothing listens on (other runs may share the host)."""
    for port in range(start, start + 200):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError(f"no free port in {start}..{start + 199}")


def python(args: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    """The project's Python with the run's environment; raises when it fails."""
    command = [str(VENV_BIN / "python"), *args]
    return subprocess.run(command, cwd=ROOT, env=env, check=True, **kwargs)  # noqa: S603
