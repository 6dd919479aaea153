"""Deployment checks of the host project: counters that every process shares."""

from django.conf import settings
from django.core.checks import Error

_PER_PROCESS = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


def check_shared_cache(app_configs=None, **kwargs) -> list[Error]:
    """In production the default cache is shared: it counts token requests and failed sign-ins.

    A local-memory cache counts in each process alone (each worker would grant the full rate);
    a dummy cache counts nothing.
    """
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if settings.DEBUG or backend not in _PER_PROCESS:
        return []
    return [
        Error(
            f"The default cache is {backend.rsplit('.', 1)[-1]}, which each process keeps to "
            "itself: the token throttle and the sign-in limits would count per process.",
            hint="Set CACHE_URL to a cache every server shares, such as redis://host:6379/0.",
            id="tether_relay.E001",
        )
    ]
