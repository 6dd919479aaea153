"""The host project's settings with the straightforward endpoint's URLs and DRF defaults.

Same database, middleware, cache, logging and persistent connections as the real service;
authentication is SimpleJWT's stock ``JWTAuthentication``, throttling DRF's ``UserRateThrottle``.
"""

from tether_relay.settings import *  # noqa: F403
from tether_relay.settings import REST_FRAMEWORK, env

ROOT_URLCONF = "bench.plain_drf.urls"

REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"user": env("TOKEN_THROTTLE_RATE", default="60/minute")},
}
