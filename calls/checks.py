"""System checks of the calls app: bad ``CALLS_`` settings stop start-up, not the first request."""

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning
from django.utils.module_loading import import_string

from calls.conf import app_settings
from calls.throttling import VoiceTokenRateThrottle
from orgs.voice import TOKEN_TTL_MAX, TOKEN_TTL_MIN

_RESOLVERS = {
    "CALLER_RESOLVER": "f(*, user_id) -> orgs.voice.VoiceCaller | None",
    "NUMBER_HOLDERS_RESOLVER": "f(*, phone_number, with_numbers_of=None) -> "
    "list[orgs.voice.NumberHolder]",
}


def check_caller_resolver(app_configs=None, **kwargs) -> list[CheckMessage]:
    """CALLS_CALLER_RESOLVER and CALLS_NUMBER_HOLDERS_RESOLVER name callables that import.

    A number-holders resolver left at its default, in a host without the users app, is only a
    warning: such a host may never mount the voice webhooks that use it.
    """
    errors = []
    for name, signature in _RESOLVERS.items():
        found = _check_resolver(f"CALLS_{name}", getattr(app_settings, name), signature)
        if found and name == "NUMBER_HOLDERS_RESOLVER" and not _is_set(name):
            found = [Warning(found[0].msg, hint=found[0].hint, id="calls.W001")]
        errors += found
    return errors


def _is_set(name: str) -> bool:
    return hasattr(settings, f"CALLS_{name}")


def _check_resolver(setting: str, path: str, signature: str) -> list[Error]:
    try:
        resolver = import_string(path)
    except Exception as error:  # noqa: BLE001 - whatever stops the import, the setting is wrong
        return [
            Error(
                f"{setting} {path!r} cannot be imported ({type(error).__name__}: {error}).",
                hint=f"Set it to the dotted path of {signature}.",
                id="calls.E001",
            )
        ]
    if not callable(resolver):
        return [
            Error(
                f"{setting} {path!r} is not callable.",
                hint=f"Point it at a function, {signature}.",
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
