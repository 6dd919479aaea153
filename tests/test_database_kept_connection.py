"""A connection kept between requests is not health-checked: when the server has closed it,
the first read of the next request runs again, once, on a new connection."""

import time

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.db.utils import load_backend

from tests.live_server import free_port
from tests.tcp_proxy import freezable_proxy

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the retry is the PostgreSQL backend's"
)

DEADLINE = 0.5


def _wrapper(alias: str, **overrides):
    settings = {**connection.settings_dict, "CONN_HEALTH_CHECKS": False, **overrides}
    return load_backend(settings["ENGINE"]).DatabaseWrapper(settings, alias=alias)


@pytest.fixture
def kept(django_db_blocker):
    """A second connection to the test database, used by one request and kept for the next."""
    wrapper = _wrapper("kept")
    connections["kept"] = wrapper  # so that transaction.atomic(using="kept") finds it
    with django_db_blocker.unblock():
        _backend_pid(wrapper)
        wrapper.close_if_unusable_or_obsolete()  # the end of the first request
        yield wrapper
        wrapper.close()
    del connections["kept"]


def _backend_pid(wrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _terminate(wrapper, django_db_blocker) -> None:
    """The server ends the wrapper's session, as a restart or a session timeout would."""
    pid = wrapper.connection.info.backend_pid
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(100):
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.02)


def test_a_kept_connection_is_used_without_a_health_check(kept, django_db_blocker):
    before = kept.connection.info.backend_pid

    with django_db_blocker.unblock():
        kept.close_if_unusable_or_obsolete()  # the start of the next request
        assert _backend_pid(kept) == before  # one round trip: the query itself


def test_a_read_on_a_connection_the_server_closed_runs_again_on_a_new_one(kept, django_db_blocker):
    before = kept.connection.info.backend_pid
    _terminate(kept, django_db_blocker)

    with django_db_blocker.unblock():
        kept.close_if_unusable_or_obsolete()
        after = _backend_pid(kept)

    assert after != before
    assert not kept.errors_occurred


def test_a_write_on_a_closed_connection_is_not_run_again(kept, django_db_blocker):
    _terminate(kept, django_db_blocker)

    with django_db_blocker.unblock(), kept.cursor() as cursor, pytest.raises(OperationalError):
        cursor.execute("UPDATE django_migrations SET app = app WHERE false")


def test_a_read_in_a_transaction_is_not_run_again(kept, django_db_blocker):
    _terminate(kept, django_db_blocker)

    with (
        django_db_blocker.unblock(),
        pytest.raises(OperationalError),
        transaction.atomic(using="kept"),
        kept.cursor() as cursor,
    ):
        cursor.execute("SELECT 1")


def test_only_the_first_statement_of_a_request_may_run_again(kept, django_db_blocker):
    with django_db_blocker.unblock():
        kept.close_if_unusable_or_obsolete()
        _backend_pid(kept)  # the request's first statement
    _terminate(kept, django_db_blocker)

    with django_db_blocker.unblock(), pytest.raises(OperationalError):
        _backend_pid(kept)


def test_a_frozen_server_costs_one_deadline_not_two(django_db_blocker):
    settings = connection.settings_dict
    host, port = settings["HOST"] or "127.0.0.1", int(settings["PORT"] or 5432)
    with freezable_proxy(host, port) as proxy, django_db_blocker.unblock():
        wrapper = _wrapper(
            "frozen",
            HOST="127.0.0.1",
            PORT=str(proxy.port),
            OPTIONS={**settings["OPTIONS"], "deadline": DEADLINE},
        )
        _backend_pid(wrapper)
        wrapper.close_if_unusable_or_obsolete()
        proxy.freeze()
        started = time.perf_counter()
        with pytest.raises(OperationalError):
            _backend_pid(wrapper)
        elapsed = time.perf_counter() - started
        wrapper.breaker.reset()
        wrapper.close()

    assert elapsed < 2 * DEADLINE


def test_a_refused_reconnection_is_the_error_of_the_read(kept, django_db_blocker):
    """The server is gone for good: the read fails as it would have, as an OperationalError."""
    _terminate(kept, django_db_blocker)
    kept.settings_dict["PORT"] = str(free_port())

    with django_db_blocker.unblock(), pytest.raises(OperationalError):
        _backend_pid(kept)
