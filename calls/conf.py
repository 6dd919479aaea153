"""Settings of the calls app, read lazily from Django settings under the ``CALLS_`` prefix."""

from collections.abc import Callable

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from orgs.voice import TOKEN_TTL_DEFAULT, NumberHolder, VoiceCaller

DEFAULT_CALLER_RESOLVER = "users.selectors.voice_caller_get"
DEFAULT_NUMBER_HOLDERS_RESOLVER = "users.selectors.number_holders_get"


class CallsSettings:
    """Each property reads its Django setting on first use, and again after any change to it
    (``override_settings``, the test ``settings`` fixture: Django's ``setting_changed``), as
    DRF's and SimpleJWT's settings do. Read on every access, a setting the host does not define
    costs an exception inside Django's settings object, several on each token request. As with
    DRF's, a value assigned to ``django.conf.settings`` directly, which sends no signal, is not
    seen: change settings with ``override_settings``.
    """

    prefix = "CALLS_"

    def __init__(self):
        self._values: dict[str, object] = {}

    def _setting(self, name: str, default):
        try:
            return self._values[name]
        except KeyError:
            value = self._values[name] = getattr(settings, self.prefix + name, default)
            return value

    def reload(self) -> None:
        self._values.clear()

    @property
    def CALLER_RESOLVER(self) -> str:
        """Dotted path of ``f(*, user_id) -> VoiceCaller | None``, the only way to the data."""
        return self._setting("CALLER_RESOLVER", DEFAULT_CALLER_RESOLVER)

    @property
    def NUMBER_HOLDERS_RESOLVER(self) -> str:
        """Dotted path of ``f(*, phone_number, with_numbers_of=None) -> list[NumberHolder]``."""
        return self._setting("NUMBER_HOLDERS_RESOLVER", DEFAULT_NUMBER_HOLDERS_RESOLVER)

    @property
    def DEFAULT_TOKEN_TTL(self) -> int:
        """Token lifetime in seconds (60 to 86400) when the caller's credentials carry none."""
        return self._setting("DEFAULT_TOKEN_TTL", TOKEN_TTL_DEFAULT)

    @property
    def TOKEN_THROTTLE_RATE(self) -> str:
        """Token requests allowed per user, in DRF's rate format (``60/minute``)."""
        return self._setting("TOKEN_THROTTLE_RATE", "60/minute")

    @property
    def THROTTLE_CACHE(self) -> str:
        """Alias of the Django cache that counts token requests; shared by every process."""
        return self._setting("THROTTLE_CACHE", "default")

    @property
    def CALL_LOG_RETENTION_DAYS(self) -> int:
        """Days a call's record is kept; ``manage.py delete_old_calls`` deletes older ones."""
        return self._setting("CALL_LOG_RETENTION_DAYS", 90)

    @property
    def HISTORY_THROTTLE_RATE(self) -> str:
        """Call-history and voicemail requests allowed per user, in DRF's rate format."""
        return self._setting("HISTORY_THROTTLE_RATE", "120/minute")

    @property
    def RECORDING_HTTP_SESSION(self) -> str:
        """Dotted path of a callable without arguments that returns a ``requests.Session``,
        through which voicemails are fetched from Twilio."""
        return self._setting("RECORDING_HTTP_SESSION", "requests.Session")

    def recording_http_session(self):
        """A new session made by CALLS_RECORDING_HTTP_SESSION."""
        return _import(self.RECORDING_HTTP_SESSION)()

    @property
    def caller_resolver(self) -> Callable[..., VoiceCaller | None]:
        """The resolver function itself."""
        return _import(self.CALLER_RESOLVER)

    @property
    def number_holders_resolver(self) -> Callable[..., list[NumberHolder]]:
        """The voice webhooks' way to the users who hold numbers."""
        return _import(self.NUMBER_HOLDERS_RESOLVER)


_imported: dict[str, Callable] = {}


def _import(path: str) -> Callable:
    if path not in _imported:
        _imported[path] = import_string(path)
    return _imported[path]


app_settings = CallsSettings()


@receiver(setting_changed)
def _reload_app_settings(*, setting: str, **kwargs) -> None:
    if setting.startswith(CallsSettings.prefix):
        app_settings.reload()
