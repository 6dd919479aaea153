"""Steady, bounded HTTP load on the app servers, recording every response."""

import http.client
import itertools
import json
import threading
import time
from dataclasses import dataclass, field

MINT_PATH = "/api/calls/token/twilio"
# A hung server shows up as a slow failure in the table rather than as a stuck drill.
REQUEST_TIMEOUT = 10.0
NO_RESPONSE = 0  # the status of a request that got no HTTP response at all


@dataclass(frozen=True)
class Record:
    """One request and its response; times are ``time.monotonic()`` seconds."""

    phase: str
    server: str
    path: str
    user: str
    started: float
    finished: float
    status: int
    headers: dict = field(repr=False)
    body: str = field(repr=False)

    @property
    def elapsed(self) -> float:
        return self.finished - self.started

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


def fetch(server: str, path: str, bearer=None, payload=None) -> tuple[int, dict, str]:
    """GET http://server/path, or POST ``payload`` as JSON.

    Returns (status, lower-cased headers, body); status 0 when no response came.
    """
    host, port = server.rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=REQUEST_TIMEOUT)
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    method, data = ("GET", None) if payload is None else ("POST", json.dumps(payload))
    if data is not None:
        headers["Content-Type"] = "application/json"
    try:
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    except (OSError, http.client.HTTPException) as error:
        return NO_RESPONSE, {}, type(error).__name__
    finally:
        connection.close()


class Recorder:
    """Every request the drill sends, in the order they finished."""

    def __init__(self):
        self.records: list[Record] = []
        self._lock = threading.Lock()

    def get(self, phase, server, *, user="", bearer=None, path=MINT_PATH, payload=None, due=None):
        """Send one request (a token request unless told otherwise) and record it. ``due``: when
        it should have been sent, if earlier than now (its time waiting for a free thread is
        then counted in its elapsed time, as a client on its own schedule would see it)."""
        started = time.monotonic() if due is None else min(due, time.monotonic())
        status, headers, body = fetch(server, path, bearer, payload)
        record = Record(phase, server, path, user, started, time.monotonic(), status, headers, body)
        with self._lock:
            self.records.append(record)
        return record

    def of(self, phase: str) -> list[Record]:
        with self._lock:
            return [record for record in self.records if record.phase == phase]


class Load:
    """Token requests from a pool of users on threads, alternating between the servers.

    ``per_second`` paces the whole load (None: as fast as the threads go). It stops when
    stopped or after ``limit`` requests, whichever comes first. User ``i`` of the pool is
    labelled ``"<label>#i"`` in the records.
    """

    def __init__(self, recorder, phase, servers, tokens, *, label, per_second, threads, limit):
        self._recorder, self._phase, self._servers = recorder, phase, servers
        self._tokens, self._label = tokens, label
        self._per_second, self._limit = per_second, limit
        self._counter = itertools.count()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]
        self._began = 0.0

    def __enter__(self) -> "Load":
        self._began = time.monotonic()
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self.join()

    def join(self) -> None:
        for thread in self._threads:
            thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                i = next(self._counter)
            if i >= self._limit:
                return
            due = self._began + i / self._per_second if self._per_second else None
            if due is not None and self._stop.wait(max(0.0, due - time.monotonic())):
                return
            # Consecutive requests of one user go to different servers.
            server = self._servers[i % len(self._servers)]
            user = (i // len(self._servers)) % len(self._tokens)
            self._recorder.get(
                self._phase, server, user=f"{self._label}#{user}", bearer=self._tokens[user],
                due=due,
            )  # fmt: skip
