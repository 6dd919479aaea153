"""Concurrent refreshes of one token against live servers: one exchange, never two branches.

Two gunicorn servers with two workers each share one database: a fresh SQLite file, or, when
the suite runs on PostgreSQL (DATABASE_URL), a fresh database on that server. Eight threads
send the same refresh token at once, across both servers, in several trials.
"""

import json
import os
import secrets
import threading
import urllib.error
import urllib.request
from contextlib import ExitStack, contextmanager
from http import HTTPStatus
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.live_server import free_port, gunicorn, production_env, run

THREADS = 8
TRIALS = 5
PASSWORD = "correct-horse-battery-staple"


@contextmanager
def _database(tmp_path):
    """A database URL for the servers: PostgreSQL when the suite runs there, else SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'db.sqlite3'}"
        return
    import psycopg

    name = f"tether_signin_race_{secrets.token_hex(4)}"
    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    work = tmp_path_factory.mktemp("signin-race")
    with ExitStack() as stack:
        database = stack.enter_context(_database(work))
        env = production_env(DATABASE_URL=database, DATABASE_CONN_MAX_AGE="0")
        username = json.loads(run("-m", "tests.signin_seed", env=env).stdout)["username"]
        urls = [
            stack.enter_context(
                gunicorn(env=env, port=free_port(), log=work / f"server{n}.log", workers=2)
            )
            for n in range(2)
        ]
        yield urls, username, work


def _post(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 - a loopback URL of our own
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def _race(urls: list[str], token: str) -> list[tuple[int, dict]]:
    start = threading.Barrier(THREADS)
    results: list[tuple[int, dict] | None] = [None] * THREADS

    def refresh(n: int) -> None:
        start.wait()
        results[n] = _post(urls[n % len(urls)] + "/api/auth/token/refresh", {"refresh": token})

    threads = [threading.Thread(target=refresh, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_one_refresh_token_is_exchanged_once_whatever_the_concurrency(servers):
    urls, username, work = servers
    status, pair = _post(urls[0] + "/api/auth/token", {"username": username, "password": PASSWORD})
    assert status == HTTPStatus.OK, pair

    for _ in range(TRIALS):
        results = _race(urls, pair["refresh"])

        granted = [body for status, body in results if status == HTTPStatus.OK]
        refused = [body for status, body in results if status != HTTPStatus.OK]
        # One exchange: every success is the very same pair, so there is one branch at most.
        assert granted, results
        assert len({(body["access"], body["refresh"]) for body in granted}) == 1
        assert {body["code"] for body in refused} <= {"token_reused"}, refused
        pair = granted[0]

    # The branch that came out of the last race still works, from either server.
    status, body = _post(urls[1] + "/api/auth/token/refresh", {"refresh": pair["refresh"]})
    assert status == HTTPStatus.OK, body
    for log in work.glob("server*.log"):
        assert "Traceback" not in log.read_text()
