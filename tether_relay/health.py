"""Health endpoints for load balancers and orchestrators; no authentication, no configuration.

``/healthz``: the process answers. ``/readyz``: the database answers and accepts writes, the
cache answers, and every migration is applied.
"""

import logging

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

_migrated = False  # once every migration is applied, it stays so for this code


@never_cache
@require_safe
def healthz(request) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request) -> JsonResponse:
    checks = {
        "database": _check(_database),
        "cache": _check(_cache),
        "migrations": _check(_migrations),
    }
    ready = all(value == "ok" for value in checks.values())
    response = JsonResponse(
        {"status": "ready" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )
    if not ready:
        response["Retry-After"] = "5"
    return response


def _check(probe) -> str:
    try:
        return "ok" if probe() else "pending"
    except Exception as error:  # noqa: BLE001 - any failure makes the instance not ready
        logger.warning("Readiness check %s failed (%s)", probe.__name__, type(error).__name__)
        return "fail"


def _database() -> bool:
    """The database answers, and takes writes: sign-in and refresh write, tokens only read.

    One round trip that reads whether the session is read-only: PostgreSQL's
    ``transaction_read_only`` (on for a standby, or with ``default_transaction_read_only``),
    SQLite's ``query_only``.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    query = _READ_ONLY.get(connection.vendor, "SELECT 0")
    with connection.cursor() as cursor:
        cursor.execute(query)
        if str(cursor.fetchone()[0]) in {"on", "1"}:
            raise ReadOnlyDatabase("the database accepts no writes")
    return True


_READ_ONLY = {
    "postgresql": "SELECT current_setting('transaction_read_only')",
    "sqlite": "PRAGMA query_only",
}


class ReadOnlyDatabase(Exception):
    """The database answers but takes no writes."""


def _cache() -> bool:
    cache.set("readyz", "1", timeout=5)
    return cache.get("readyz") == "1"


def _migrations() -> bool:
    global _migrated  # a per-process memo of a fact that cannot revert
    if not _migrated:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        _migrated = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return _migrated
