"""Per-user rate limit of the token endpoint, counted in a shared Django cache."""

import logging

from django.core.cache import caches
from rest_framework.throttling import UserRateThrottle

from calls.conf import app_settings

logger = logging.getLogger(__name__)


class VoiceTokenRateThrottle(UserRateThrottle):
    """At most ``CALLS_TOKEN_THROTTLE_RATE`` token requests per user.

    When the cache cannot be reached the request is let through (fail open) and a warning is
    logged: the caller is already authenticated, and a cache outage must not stop every
    softphone in every organization from registering.
    """

    scope = "voice_token"

    def __init__(self):
        self.cache = caches[app_settings.THROTTLE_CACHE]
        super().__init__()

    def get_rate(self) -> str:
        return app_settings.TOKEN_THROTTLE_RATE

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception as error:  # noqa: BLE001 - any cache failure means the same here
            # The class name only: a cache client's message may carry its URL and password.
            logger.warning(
                "Token throttle cache unreachable (%s); request allowed", type(error).__name__
            )
            return True
