"""Django's PostgreSQL backend (psycopg 3), made to answer within a deadline.

A PostgreSQL that is frozen (its processes stopped while its kernel still acknowledges
packets), or behind a path that drops packets, never answers a query; neither TCP keepalives
nor ``tcp_user_timeout`` fire while the kernel acknowledges, and a request would wait until
gunicorn killed its worker. Here:

- every round trip on an open connection (query, commit, rollback) has a deadline: past it,
  the connection is closed and the call raises ``OperationalError``, which the views answer
  with a JSON 503 (``connect_timeout`` already bounds a new connection);
- after a failure that cost a wait (the deadline, a connection attempt that timed out, a
  round trip answered only after the server's ``statement_timeout`` (``OPTIONS["stall"]``), a
  plain read the server cancelled at its ``statement_timeout`` or ``lock_timeout``: a server
  too slow, or a table locked by a migration), a per-process circuit breaker
  (``calls.breaker``) answers every new cursor and connection with ``OperationalError`` at
  once for a few seconds, so that an outage costs one request per process and pause a wait,
  not every request; then one request probes the database, and the first round trip that
  succeeds closes the breaker. A failure that costs no wait (connection
  refused, a server shutting down) opens nothing: the next request may just try again.
- a connection kept from an earlier request is not checked with a ``SELECT 1`` first (that
  would double every request's round trips): if the server closed it meanwhile (a restart, a
  failover, a proxy or a session timeout), its first statement fails at once, and when that
  statement is a read outside a transaction it is run again, once, on a new connection.

- ``prepared_cursor()`` gives a cursor whose statements are bound on the server and prepared
  on the connection at their first use, so that a statement run on every request (the token
  endpoint's caller query) is parsed and planned once per connection, not on every request.
  Django's own cursors stay as they are (client-side binding, never prepared).

Use it as ``ENGINE = "tether_relay.postgresql"`` with ``OPTIONS["deadline"]`` in seconds and
``OPTIONS["prepared_statements"]`` (the host project's settings do, from
``DATABASE_STATEMENT_TIMEOUT_MS`` and ``DATABASE_PREPARED_STATEMENTS``).
"""

import time

import psycopg
from django.db import InterfaceError, OperationalError
from django.db.backends import utils
from django.db.backends.postgresql import base
from psycopg import errors

from calls.breaker import Breaker, breaker_for

# A failure that took this long cost a wait: worth not paying again for a while.
SLOW_FAILURE_SECONDS = 1.0
TRIPPED = "Database: answering 503"  # what a tripped breaker logs first
# psycopg's own default: ``prepare_threshold`` is set only for prepared_cursor()'s sake.
PREPARE_THRESHOLD = 5


class DeadlineConnection(psycopg.Connection):
    """A psycopg connection whose every wait on the server gives up after ``deadline`` s."""

    deadline: float | None = None
    # A round trip answered later than this (the server's statement timeout, which bounds its
    # own work) waited on the server or the network stalling: the breaker opens, though the
    # answer is used.
    stall: float | None = None
    breaker: Breaker | None = None

    def wait(self, gen, interval=0.1, timeout=None):
        started = time.perf_counter()
        try:
            result = super().wait(gen, interval=interval, timeout=timeout or self.deadline)
        except errors._WaitTimeout as error:  # psycopg's own signal that the timeout passed
            # The connection is mid-query and cannot be used again: drop it, as psycopg does
            # with a query that ignores its cancellation. The server rolls back what it
            # receives from it once it reads the connection's end.
            self.pgconn.finish()
            self._trip(error)
            raise errors.OperationalError(
                f"the database did not answer within {self.deadline:g} s; connection closed"
            ) from None
        except errors.Error as error:
            # The connection broke (as opposed to a statement failing), after a wait.
            if self.closed and time.perf_counter() - started >= SLOW_FAILURE_SECONDS:
                self._trip(error)
            raise
        if self.breaker is not None:
            if self.stall is not None and time.perf_counter() - started > self.stall:
                self._trip(errors.OperationalError("answered after its statement timeout"))
            else:
                self.breaker.succeeded()
        return result

    def _trip(self, error: Exception) -> None:
        if self.breaker is not None:
            self.breaker.trip(error, TRIPPED)


class _Driver:
    """psycopg, as Django's backend sees it, except that it connects with DeadlineConnection."""

    connect = DeadlineConnection.connect

    def __getattr__(self, name):
        return getattr(psycopg, name)


class PreparedCursor(base.ServerBindingCursor):
    """Django's server-binding cursor, whose every statement is prepared on its connection at
    first use (psycopg names it, keeps it, and executes it by name from then on)."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        prepare = prepare is not False
        try:
            return super().execute(query, params, prepare=prepare, binary=binary)
        except errors.FeatureNotSupported:
            # "cached plan must not change result type": a column the statement returns changed
            # type since it was prepared (a migration ran while this connection was open).
            # Outside a transaction nothing is lost by forgetting every statement prepared on
            # the connection (psycopg forgets its names on seeing DEALLOCATE ALL) and running
            # this one again, prepared anew.
            if not prepare or not self.connection.autocommit:
                raise
        super().execute("DEALLOCATE ALL", prepare=False)
        return super().execute(query, params, prepare=prepare, binary=binary)


class DatabaseOperations(base.DatabaseOperations):
    def last_executed_query(self, cursor, sql, params):
        if isinstance(cursor, PreparedCursor):
            # Bound on the server, as under Django's server_side_binding: the text that
            # connection.queries and the query log show is composed here.
            try:
                return self.compose_sql(sql, params)
            except errors.DataError:
                return None
        return super().last_executed_query(cursor, sql, params)


class _RetryFirstRead:
    """A cursor whose first statement on a kept connection is retried once on a new one, when
    that connection turns out closed and the statement is a read outside a transaction."""

    def execute(self, sql, params=None):
        db = self.db
        if not db.kept:
            return super().execute(sql, params)
        db.kept = False  # only the first statement: later ones run on a proven connection
        started = time.perf_counter()
        try:
            return super().execute(sql, params)
        except (OperationalError, InterfaceError):
            if not _retryable(db, sql, time.perf_counter() - started):
                raise
        prepared = isinstance(self.cursor, PreparedCursor)
        db.close()
        db.ensure_connection()  # the breaker and connect_timeout apply as to any connection
        with db.wrap_database_errors:
            self.cursor = db.create_cursor(prepared=prepared)
        result = super().execute(sql, params)
        db.errors_occurred = False  # the error was the old connection's
        return result


def _retryable(db, sql: str, elapsed: float) -> bool:
    """A read, outside a transaction, that failed at once because its connection is gone."""
    connection = db.connection
    gone = connection is None or connection.closed or connection.broken
    return (
        gone
        and elapsed < SLOW_FAILURE_SECONDS  # a wait means a frozen server: not asked again
        and _read_outside_a_transaction(db, sql)
    )


def _read_outside_a_transaction(db, sql) -> bool:
    return (
        not db.in_atomic_block
        and db.get_autocommit()
        and isinstance(sql, str)
        and sql.lstrip()[:6].upper() == "SELECT"
    )


class _TripOnCancelledRead:
    """A plain read that the server cancelled because it waited too long opens the breaker.

    Outside a transaction, a SELECT waits on no row lock (MVCC): only for a table-level lock
    that excludes readers, which DDL takes (a migration's ALTER TABLE, held or queued), or for a
    server too slow to run it within the statement timeout. Either holds every request that
    needs the database, so it is not asked again for a while. A write, or a statement in a
    transaction, cancelled by its lock timeout waited on its own rows or tables (another
    session's sign-in, an index being built): that request alone gets the 503.
    """

    def execute(self, sql, params=None):
        try:
            return super().execute(sql, params)
        except OperationalError as error:
            cause = error.__cause__
            if isinstance(cause, (errors.QueryCanceled, errors.LockNotAvailable)) and (
                _plain_read(self.db, sql)
            ):
                self.db.breaker.trip(cause, TRIPPED)
            raise


def _plain_read(db, sql) -> bool:
    # FOR UPDATE / SHARE: a read that locks rows, and may wait on them.
    return _read_outside_a_transaction(db, sql) and " FOR " not in sql.upper()


class RetryingCursorWrapper(_TripOnCancelledRead, _RetryFirstRead, utils.CursorWrapper):
    pass


class RetryingCursorDebugWrapper(_TripOnCancelledRead, _RetryFirstRead, utils.CursorDebugWrapper):
    pass


class DatabaseWrapper(base.DatabaseWrapper):
    Database = _Driver()
    ops_class = DatabaseOperations
    # Whether the open connection was kept from an earlier request and has not been used since.
    kept = False
    _preparing = False  # while prepared_cursor() opens its cursor

    def __init__(self, settings_dict, alias=None):
        super().__init__(settings_dict, alias)
        self.breaker = breaker_for(self.alias, kind="database")

    def get_connection_params(self):
        params = super().get_connection_params()
        params.pop("deadline", None)  # not libpq parameters
        params.pop("stall", None)
        if params.pop("prepared_statements", False) and params.get("prepare_threshold") is None:
            # psycopg prepares nothing while the threshold is None, even when asked to. Django's
            # own cursors bind on the client and never prepare, whatever the threshold.
            params["prepare_threshold"] = PREPARE_THRESHOLD
        return params

    def prepared_cursor(self):
        """A cursor as ``cursor()`` gives (retried, logged and counted the same) whose
        statements are bound on the server and prepared at their first use on each connection;
        ``cursor()`` itself when ``OPTIONS["prepared_statements"]`` is off.

        For statements run on every request, whose parameters PostgreSQL can type (plain
        ``column = %s`` comparisons): psycopg sends each parameter with its type instead of
        quoting it into the text.
        """
        if not self.settings_dict["OPTIONS"].get("prepared_statements"):
            return self.cursor()
        self._preparing = True
        try:
            return self.cursor()
        finally:
            self._preparing = False

    def connect(self):
        # A connection_created receiver's cursors are Django's own, even when prepared_cursor()
        # is what opens the connection.
        preparing, self._preparing = self._preparing, False
        try:
            super().connect()
        finally:
            self._preparing = preparing

    def create_cursor(self, name=None, *, prepared=None):
        if name or not (self._preparing if prepared is None else prepared):
            return super().create_cursor(name)
        cursor = PreparedCursor(self.connection)
        # What Django's create_cursor() does for its own cursors.
        tzloader = self.connection.adapters.get_loader(base.TIMESTAMPTZ_OID, base.Format.TEXT)
        if self.timezone != tzloader.timezone:
            base.register_tzloader(self.timezone, cursor)
        return cursor

    def get_new_connection(self, conn_params):
        self._refuse_while_open()  # a no-op for the thread that probes
        started = time.perf_counter()
        try:
            connection = super().get_new_connection(conn_params)
        except psycopg.OperationalError as error:
            if time.perf_counter() - started >= SLOW_FAILURE_SECONDS:
                self.breaker.trip(error, TRIPPED)
            raise
        connection.deadline = self.settings_dict["OPTIONS"].get("deadline")
        connection.stall = self.settings_dict["OPTIONS"].get("stall")
        connection.breaker = self.breaker
        return connection

    def _cursor(self, name=None):
        # Before the health check too: on a frozen server, that would wait out the deadline.
        self._refuse_while_open()
        return super()._cursor(name)

    def close_if_unusable_or_obsolete(self):
        # Run at each request's start and end: a connection that stays is a kept one.
        super().close_if_unusable_or_obsolete()
        self.kept = self.connection is not None

    def make_cursor(self, cursor):
        return RetryingCursorWrapper(cursor, self)

    def make_debug_cursor(self, cursor):
        return RetryingCursorDebugWrapper(cursor, self)

    def _refuse_while_open(self) -> None:
        if not self.breaker.allow():
            raise OperationalError(
                f"database {self.alias!r} failed moments ago; not asked again yet"
            )
