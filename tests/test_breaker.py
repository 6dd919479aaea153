"""The per-process circuit breaker: only a probe, let through after the pause, closes it."""

import threading
import time

import pytest

from calls.breaker import PAUSE_SECONDS, Breaker


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    return now


def test_a_success_after_the_trip_in_the_same_request_keeps_it_open(clock):
    """A database's rollback after the statement that opened it, for instance."""
    breaker = Breaker("default", kind="database")
    breaker.trip(OSError("lock timeout"), "test")

    breaker.succeeded()

    assert not breaker.closed
    assert not breaker.allow()


def test_after_the_pause_one_probe_is_let_through_and_its_success_closes_it(clock):
    breaker = Breaker("default")
    breaker.trip(OSError("down"), "test")
    clock[0] += PAUSE_SECONDS

    assert breaker.allow()
    breaker.succeeded()

    assert breaker.closed
    assert breaker.allow()


def test_a_call_let_through_before_the_trip_does_not_close_it(clock):
    breaker = Breaker("default")
    assert breaker.allow()  # this thread's call starts while it is closed
    other = threading.Thread(target=breaker.trip, args=(OSError("down"), "test"))
    other.start()
    other.join()

    breaker.succeeded()  # ... and answers after another thread's call opened it

    assert not breaker.closed


def test_while_one_thread_probes_the_others_are_refused(clock):
    breaker = Breaker("default")
    breaker.trip(OSError("down"), "test")
    clock[0] += PAUSE_SECONDS
    assert breaker.allow()
    refused = []
    other = threading.Thread(target=lambda: refused.append(not breaker.allow()))
    other.start()
    other.join()

    assert refused == [True]
