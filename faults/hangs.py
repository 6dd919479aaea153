"""The phases where a dependency hangs rather than fails, or clients are slow.

PostgreSQL frozen, Redis frozen, packets to PostgreSQL dropped, 50 slow clients, a read-only
database, a table locked by a migration. Each lasts 15 s under 30 token requests a second,
timed from when each request was due, so that a request that waited for a free thread of the
load counts its wait. Each phase checks, for the token requests sent while the fault lasts,
that at least 95% are answered within 5 s (200, or the JSON 503 where the database is
needed), that nothing but JSON comes back and nothing is a 500; and that 200s resume within
5 s once the fault ends, with no restart. Sign-in, refresh and ``/readyz`` are probed during
and after each fault.
"""

import os
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from faults.checks import body, is_envelope
from faults.load import NO_RESPONSE, Record
from faults.phases import Drill, service

FAULT_SECONDS = 15.0  # how long each fault lasts
ANSWER_SECONDS = 5.0  # "answered": within this
ANSWERED_SHARE = 0.95
RESUME_SECONDS = 5.0  # 200s again within this once the fault ends
READYZ_SECONDS = 1.0  # /readyz answers within this whatever the cache does
SLOW_CLIENTS = 50
RATE = 30  # token requests per second, steady, over both servers
THREADS = 64  # enough that a request is sent when due, though many wait seconds for answers


@dataclass(frozen=True)
class Fault:
    """When the fault was in place and when it was undone (``time.monotonic()``)."""

    began: float
    ended: float

    def during(self, records: list[Record]) -> list[Record]:
        return [r for r in records if r.started >= self.began and r.started < self.ended]

    def after(self, records: list[Record]) -> list[Record]:
        return [r for r in records if r.started >= self.ended]


def _at_once(*probes):
    """Run the probes concurrently; their results, in order."""
    with ThreadPoolExecutor(len(probes)) as pool:
        return [future.result() for future in [pool.submit(probe) for probe in probes]]


def _faulted(drill: Drill, phase: str, group: str, *, start: str, stop: str, during, after):
    """Steady load; the fault for FAULT_SECONDS with ``during`` probing it; then ``after``."""
    limit = int(RATE * (FAULT_SECONDS + 16))
    with drill.load(phase, group, per_second=RATE, threads=THREADS, limit=limit):
        time.sleep(2)
        began = service(start)
        time.sleep(2)
        seen_during = during()
        time.sleep(max(0.0, began + FAULT_SECONDS - time.monotonic()))
        ended = service(stop)
        time.sleep(RESUME_SECONDS + 2)
        seen_after = after()
        time.sleep(1)
    return Fault(began, ended), seen_during, seen_after


def _database_fault(drill: Drill, phase: str, group: str, *, start: str, stop: str):
    """Steady load while ``start`` .. ``stop`` breaks the database, with sign-in, refresh and
    /readyz probed during the fault and after it (the refreshes retried as a client does)."""
    return _faulted(
        drill, phase, group, start=start, stop=stop,
        during=lambda: _database_probes(drill, phase, group),
        after=lambda: _database_probes(drill, phase, group, retry=True),
    )  # fmt: skip


def postgres_frozen(drill: Drill, phase: str) -> None:
    """PostgreSQL's processes stopped (SIGSTOP): the kernel accepts, nothing answers."""
    fault, down, up = _database_fault(drill, phase, "pg_frozen", start="pg_freeze", stop="pg_thaw")
    _expect_database_fault(drill, phase, fault, down, up)


def postgres_dropped(drill: Drill, phase: str) -> None:
    """Every packet to and from PostgreSQL dropped (nftables), as a broken path does."""
    fault, down, up = _database_fault(drill, phase, "pg_dropped", start="pg_drop", stop="pg_undrop")
    _expect_database_fault(drill, phase, fault, down, up)
    _expect_no_orphaned_sessions(drill, phase, fault)


def read_only(drill: Drill, phase: str) -> None:
    """The database takes no writes: tokens still minted; sign-in and refresh a JSON 503."""
    fault, down, up = _database_fault(
        drill, phase, "read_only", start="pg_read_only", stop="pg_read_write"
    )
    mints = drill.mints(phase)
    _expect_answered(drill, phase, fault.during(mints), allowed=(200,))
    _expect_resumed(drill, phase, fault, mints)
    _expect_probes(drill, phase, down, up, check="database")


def table_locked(drill: Drill, phase: str) -> None:
    """The users table held by another session (ACCESS EXCLUSIVE, as a migration's ALTER TABLE
    holds it): every statement that reads it waits; the server cancels it at its lock timeout
    (1 s), and that opens each process's database breaker as a frozen server does."""
    fault, down, up = _database_fault(drill, phase, "locked", start="pg_lock", stop="pg_unlock")
    mints = drill.mints(phase)
    _expect_answered(drill, phase, fault.during(mints), allowed=(200, 503))
    _expect_resumed(drill, phase, fault, mints)
    # /readyz reads no user: it answers 200, or 503 from a process whose breaker is open.
    _expect_probes(drill, phase, down, up, check=None)


def redis_frozen(drill: Drill, phase: str) -> None:
    """Redis stopped (SIGSTOP): tokens minted at the full rate, the throttle failing open."""
    fault, down, up = _faulted(
        drill, phase, "redis_frozen", start="redis_freeze", stop="redis_thaw",
        during=lambda: drill.probe(phase, "/readyz"),
        after=lambda: drill.probe(phase, "/readyz"),
    )  # fmt: skip
    mints, expect = drill.mints(phase), drill.verdict.expect
    during = fault.during(mints)
    _expect_answered(drill, phase, during, allowed=(200,))
    within_a_second = sum(r.status == 200 and r.elapsed <= 1.0 for r in during)
    expect(
        within_a_second >= ANSWERED_SHARE * len(during),
        f"{phase}: {within_a_second} of {len(during)} tokens during the fault minted within 1 s",
    )
    _expect_resumed(drill, phase, fault, mints)
    _expect_readiness(drill, phase, "cache", down, up)


def slow_clients(drill: Drill, phase: str) -> None:
    """50 connections through nginx that never finish their headers, or send nothing at all."""
    stop = threading.Event()
    closed_by_server: list[float] = []

    def start() -> float:
        for i in range(SLOW_CLIENTS):
            server = drill.servers[i % len(drill.servers)]
            threading.Thread(
                target=_slow_client, args=(server, i % 2 == 0, stop, closed_by_server),
                daemon=True,
            ).start()  # fmt: skip
        return time.monotonic()

    limit = int(RATE * (FAULT_SECONDS + 16))
    with drill.load(phase, "slow_clients", per_second=RATE, threads=THREADS, limit=limit):
        time.sleep(2)
        began = start()
        time.sleep(2)
        down = _database_probes(drill, phase, None)
        time.sleep(max(0.0, began + FAULT_SECONDS - time.monotonic()))
        stop.set()
        ended = time.monotonic()
        time.sleep(RESUME_SECONDS + 2)
        up = _database_probes(drill, phase, None)
    fault, mints = Fault(began, ended), drill.mints(phase)
    _expect_answered(drill, phase, fault.during(mints), allowed=(200,))
    _expect_resumed(drill, phase, fault, mints)
    drill.verdict.expect(
        all(r.status == 200 for r in down + up),
        f"{phase}: /readyz and sign-in 200 during and after",
    )
    drill.verdict.expect(
        len(closed_by_server) == SLOW_CLIENTS and max(closed_by_server) < 7.0,
        f"{phase}: nginx closed all {len(closed_by_server)} of {SLOW_CLIENTS} slow connections, "
        f"each within {max(closed_by_server, default=0):.1f} s (client_header_timeout 5 s)",
    )


def _slow_client(server: str, trickle: bool, stop: threading.Event, closed: list) -> None:
    """One connection that sends part of a request line, a byte a second (or nothing)."""
    host, port = server.rsplit(":", 1)
    opened = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=1) as sock:
        if trickle:
            sock.sendall(b"GET /api/calls/token/twilio HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        while not stop.is_set():
            try:
                if sock.recv(1024) == b"":  # the server closed it
                    closed.append(time.monotonic() - opened)
                    return
            except TimeoutError:
                if trickle:
                    sock.sendall(b"x")
            except OSError:
                closed.append(time.monotonic() - opened)
                return


def _database_probes(drill: Drill, phase: str, group: str | None, *, retry=False):
    """/readyz, a sign-in and (given a group) a refresh on every server, all at once; with
    ``retry``, each refresh retried as a client does while it is answered 503."""
    probes = [lambda: drill.probe(phase, "/readyz"), lambda: drill.login(phase)]
    if group and retry:
        probes.append(lambda: drill.refresh_as_a_client_does(phase, group))
    elif group:
        probes.append(lambda: drill.refresh(phase, group))
    return [record for records in _at_once(*probes) for record in records]


def _expect_database_fault(drill, phase, fault: Fault, down: list, up: list) -> None:
    mints = drill.mints(phase)
    _expect_answered(drill, phase, fault.during(mints), allowed=(200, 503))
    _expect_resumed(drill, phase, fault, mints)
    _expect_probes(drill, phase, down, up, check="database")


def _expect_answered(drill: Drill, phase: str, during: list[Record], *, allowed) -> None:
    """At least 95% answered within 5 s with an allowed status (503: the JSON envelope)."""

    def good(r: Record) -> bool:
        if r.status == NO_RESPONSE or r.elapsed > ANSWER_SECONDS or r.status not in allowed:
            return False
        return r.status == 200 or is_envelope(r, 503, "service_unavailable")

    answered = sum(good(r) for r in during)
    share = answered / len(during) if during else 0.0
    statuses = " or ".join(map(str, allowed))
    drill.verdict.expect(
        len(during) >= 5 * RATE and share >= ANSWERED_SHARE,
        f"{phase}: {answered} of {len(during)} token requests during the fault answered "
        f"{statuses} within {ANSWER_SECONDS:.0f} s ({share:.1%}; {ANSWERED_SHARE:.0%} needed)",
    )


def _expect_resumed(drill: Drill, phase: str, fault: Fault, mints: list[Record]) -> None:
    after = fault.after(mints)
    first = min((r.finished for r in after if r.status == 200), default=None)
    settled = [r for r in after if r.started >= fault.ended + RESUME_SECONDS]
    took = f"{first - fault.ended:.2f} s" if first is not None else "never"
    drill.verdict.expect(
        first is not None
        and first - fault.ended <= RESUME_SECONDS
        and len(settled) >= 20
        and all(r.status == 200 for r in settled),
        f"{phase}: first 200 {took} after the fault ended; all {len(settled)} requests from "
        f"{RESUME_SECONDS:.0f} s after it are 200, no server restarted",
    )


def _expect_probes(drill: Drill, phase: str, down: list, up: list, *, check: str) -> None:
    """During: /readyz, sign-in and refresh JSON 503s within 5 s; after: all 200, and the
    refresh tokens tried during the fault are accepted (nothing was half done with them)."""
    drill.verdict.expect(
        all(
            r.path == "/readyz"
            or (
                r.elapsed <= ANSWER_SECONDS and r.status == 503 and body(r) is not None
                and r.headers.get("retry-after", "").isdigit()
            )
            for r in down
        ),
        f"{phase}: sign-in and refresh JSON 503 with Retry-After within "
        f"{ANSWER_SECONDS:.0f} s during ({_slowest(down)})",
    )  # fmt: skip
    _expect_readiness(drill, phase, check, down, up)
    retried = [r for r in up if r.path != "/readyz"]
    drill.verdict.expect(
        all(r.status == 200 for r in retried),
        f"{phase}: sign-in 200 after, and each refresh token tried during the fault "
        f"exchanged (200) when retried after Retry-After ({_statuses(retried)})",
    )


def _expect_readiness(drill: Drill, phase: str, check: str | None, down: list, up: list) -> None:
    """/readyz 503 naming ``check`` during the fault (None: 200 or 503, JSON, in time), 200
    after it."""
    during = [r for r in down if r.path == "/readyz"]
    after = [r for r in up if r.path == "/readyz"]
    if check is None:
        drill.verdict.expect(
            all(r.status in (200, 503) and body(r) and r.elapsed <= ANSWER_SECONDS for r in during)
            and all(r.status == 200 for r in after),
            f"{phase}: /readyz JSON within {ANSWER_SECONDS:.0f} s during "
            f"({_slowest(during)}), 200 after",
        )
        return
    limit = READYZ_SECONDS if check == "cache" else ANSWER_SECONDS
    drill.verdict.expect(
        all(
            r.status == 503 and (body(r) or {}).get("checks", {}).get(check) == "fail"
            and r.elapsed <= limit
            for r in during
        )
        and all(r.status == 200 for r in after),
        f"{phase}: /readyz 503 ({check}: fail) within {limit:.0f} s during "
        f"({_slowest(during)}), 200 after",
    )  # fmt: skip


def _statuses(records: list[Record]) -> str:
    return ", ".join(f"{r.path} {r.status} {r.body[:80]!r}" for r in records if r.status != 200)


def _slowest(records: list[Record]) -> str:
    return f"slowest {max((r.elapsed for r in records), default=0):.2f} s"


def _expect_no_orphaned_sessions(drill: Drill, phase: str, fault: Fault) -> None:
    """PostgreSQL ends the sessions whose client vanished while packets were dropped."""
    import psycopg  # the drill's own connection, not the app's

    allowed = len(drill.servers) * int(os.environ["GUNICORN_WORKERS"])
    allowed *= int(os.environ.get("GUNICORN_THREADS", "1"))
    query = (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = 'tether_relay'"
        " AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
    )
    url = f"host=127.0.0.1 port={os.environ['FAULTS_PG_PORT']} user=postgres dbname=tether_relay"
    counts = []
    for _ in range(60):
        with psycopg.connect(url, connect_timeout=3) as connection:
            counts.append(connection.execute(query).fetchone()[0])
        if counts[-1] <= allowed:
            break
        time.sleep(0.5)
    settled = time.monotonic() - fault.ended
    drill.verdict.expect(
        counts[-1] <= allowed,
        f"{phase}: sessions of the app on PostgreSQL {counts[0]} when checked, {counts[-1]} "
        f"{settled:.0f} s after the fault (at most {allowed}, one per worker)",
    )
