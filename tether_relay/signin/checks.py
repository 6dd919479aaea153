"""Deployment checks of the host project: counters that every process shares."""

from django.conf import settings
from django.core.checks import Error

# Caches that no fleet can count in: each process's own, none, each machine's own files, and
# the database cache (shared, but its increment is a read then a write, not atomic).
_NOT_SHARED = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
    "django.core.cache.backends.db.DatabaseCache",
}


def check_shared_cache(app_configs=None, **kwargs) -> list[Error]:
    """In production the default cache is shared: it counts token requests and failed sign-ins.

    A local-memory cache counts in each process alone (each worker would grant the full rate), a
    file cache on each machine alone, a dummy cache not at all, and the database cache's
    increment is not atomic.
    """
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if settings.DEBUG or backend not in _NOT_SHARED:
        return []
    return [
        Error(
            f"The default cache is {backend.rsplit('.', 1)[-1]}, which the servers and their "
            "processes cannot count in together: the token throttle and the sign-in limits "
            "would each grant more than their limit.",
            hint="Set CACHE_URL to a cache every server shares, such as redis://host:6379/0.",
            id="tether_relay.E001",
        )
    ]
