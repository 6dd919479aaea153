"""System checks of the calls app: bad ``CALLS_`` settings stop start-up, not the first request."""

import sys
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.checks import CheckMessage, Error
from django.utils.module_loading import import_string

import orgs
from calls import conf
from calls.conf import app_settings
from calls.throttling import VoiceTokenRateThrottle
from orgs.voice import TOKEN_TTL_MAX, TOKEN_TTL_MIN

_RESOLVERS = {
    "CALLER_RESOLVER": "f(*, user_id) -> orgs.voice.VoiceCaller | None",
    "NUMBER_HOLDERS_RESOLVER": "f(*, phone_number, with_numbers_of=None) -> "
    "list[orgs.voice.NumberHolder]",
}
# The folder that holds this distribution's apps (calls, orgs and users side by side).
_DISTRIBUTION = Path(orgs.__file__).resolve().parent.parent


def check_caller_resolver(app_configs=None, **kwargs) -> list[CheckMessage]:
    """CALLS_CALLER_RESOLVER and CALLS_NUMBER_HOLDERS_RESOLVER name callables that import.

    Their defaults read the bundled users app's User; with another AUTH_USER_MODEL a default
    is an error for both, since the README's URLs mount the webhooks that use the second.
    The resolvers of ``orgs.resolvers`` also need their field settings to fit the user model.
    """
    errors = []
    for name, signature in _RESOLVERS.items():
        setting = f"CALLS_{name}"
        path = getattr(app_settings, name)
        if path == getattr(conf, f"DEFAULT_{name}") and not _bundled_user_model_in_use():
            errors.append(_default_without_bundled_users(setting, path))
            continue
        errors += _check_resolver(setting, path, signature)
    if not errors and any(
        str(getattr(app_settings, name)).startswith("orgs.resolvers.") for name in _RESOLVERS
    ):
        from orgs.resolvers import user_field_errors

        errors += user_field_errors()
    return errors


def _bundled_user_model_in_use() -> bool:
    """Whether AUTH_USER_MODEL is the User of this distribution's users app.

    A host's own app may also be labelled ``users`` with a model named User: what tells the
    two apart is where the model's module lives, beside this distribution's orgs package.
    """
    try:
        model = apps.get_model(settings.AUTH_USER_MODEL)
    except (LookupError, ValueError):
        return False
    module = sys.modules.get(model.__module__)
    return (
        model.__module__ == "users.models"
        and module is not None
        and Path(module.__file__).resolve().parent.parent == _DISTRIBUTION
    )


def _default_without_bundled_users(setting: str, path: str) -> Error:
    return Error(
        f"{setting} is not set, and its default {path!r} works only with the bundled users "
        f"app's User model; AUTH_USER_MODEL {settings.AUTH_USER_MODEL!r} is another model.",
        hint="With a user model of your own, set both CALLS_CALLER_RESOLVER and "
        "CALLS_NUMBER_HOLDERS_RESOLVER: to 'orgs.resolvers.voice_caller_get' and "
        "'orgs.resolvers.number_holders_get' with ORGS_USER_ORGANIZATION_FIELD and "
        "ORGS_USER_NUMBER_FIELD, or to functions of your own (README: Mounting in your project).",
        id="calls.E005",
    )


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
    """CALLS_TOKEN_THROTTLE_RATE and CALLS_HISTORY_THROTTLE_RATE are rates that DRF's throttle
    can parse."""
    errors = []
    for setting, rate in (
        ("CALLS_TOKEN_THROTTLE_RATE", app_settings.TOKEN_THROTTLE_RATE),
        ("CALLS_HISTORY_THROTTLE_RATE", app_settings.HISTORY_THROTTLE_RATE),
    ):
        # The throttle's own parser, without __init__: that would also open the throttle's cache.
        throttle = VoiceTokenRateThrottle.__new__(VoiceTokenRateThrottle)
        try:
            throttle.parse_rate(rate)
        except (AttributeError, TypeError, ValueError, KeyError, IndexError):
            errors.append(
                Error(
                    f"{setting} {rate!r} is not a rate that DRF understands.",
                    hint="Use requests/period, such as '60/minute' (period: second, minute, "
                    "hour, day), or None for no limit.",
                    id="calls.E004",
                )
            )
    return errors


def check_call_log_retention(app_configs=None, **kwargs) -> list[Error]:
    """CALLS_CALL_LOG_RETENTION_DAYS is a whole number of days, at least one."""
    days = app_settings.CALL_LOG_RETENTION_DAYS
    if isinstance(days, int) and not isinstance(days, bool) and days >= 1:
        return []
    return [
        Error(
            f"CALLS_CALL_LOG_RETENTION_DAYS must be a whole number of days, at least 1; it is "
            f"{days!r}.",
            hint="manage.py delete_old_calls deletes the call records older than this.",
            id="calls.E006",
        )
    ]
