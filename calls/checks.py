"""System checks of the calls app: bad ``CALLS_`` settings stop start-up, not the first request."""

from django.core.checks import Error
from django.utils.module_loading import import_string

from calls.conf import app_settings
from calls.throttling import VoiceTokenRateThrottle
from orgs.voice import TOKEN_TTL_MAX, TOKEN_TTL_MIN


def check_caller_resolver(app_configs=None, **kwargs) -> list[Error]:
    """CALLS_CALLER_RESOLVER names a function that imports and can be called."""
    path = app_settings.CALLER_RESOLVER
    try:
        resolver = import_string(path)
    except Exception as error:  # noqa: BLE001 - whatever stops the import, the setting is wrong
        return [
            Error(
                f"CALLS_CALLER_RESOLVER {path!r} cannot be imported "
                f"({type(error).__name__}: {error}).",
                hint="Set it to the dotted path of f(*, user_id) -> orgs.voice.VoiceCaller | None.",
                id="calls.E001",
            )
        ]
    if not callable(resolver):
        return [
            Error(
                f"CALLS_CALLER_RESOLVER {path!r} is not callable.",
                hint="Point it at a function, f(*, user_id) -> orgs.voice.VoiceCaller | None.",
                id="calls.E002",
            )
        ]
    return []


def check_default_token_ttl(app_configs=None, **kwargs) -> list[Error]:
    """CALLS_DEFAULT_TOKEN_TTL is a whole number of seconds that Twilio accepts."""
    ttl = app_settings.DEFAULT_TOKEN_TTL
    # bool is an int to Python, but True seconds is a mistake, not a lifetime.
    if isinstance(ttl, int) and not isinstance(ttl, bool) and TOKEN_TTL_MIN <= ttl <= TOKEN_TTL_MAX:
        return []
    return [
        Error(
            f"CALLS_DEFAULT_TOKEN_TTL must be a whole number of seconds from {TOKEN_TTL_MIN} "
            f"to {TOKEN_TTL_MAX}; it is {ttl!r}.",
            hint="Twilio refuses access tokens that live longer than 24 hours.",
            id="calls.E003",
        )
    ]


def check_token_throttle_rate(app_configs=None, **kwargs) -> list[Error]:
    """CALLS_TOKEN_THROTTLE_RATE is a rate that the endpoint's DRF throttle can parse."""
    rate = app_settings.TOKEN_THROTTLE_RATE
    # The throttle's own parser, without __init__: that would also open the throttle's cache.
    throttle = VoiceTokenRateThrottle.__new__(VoiceTokenRateThrottle)
    try:
        throttle.parse_rate(rate)
    except (AttributeError, TypeError, ValueError, KeyError, IndexError):
        return [
            Error(
                f"CALLS_TOKEN_THROTTLE_RATE {rate!r} is not a rate that DRF understands.",
                hint="Use requests/period, such as '60/minute' (period: second, minute, hour, "
                "day), or None for no limit.",
                id="calls.E004",
            )
        ]
    return []
