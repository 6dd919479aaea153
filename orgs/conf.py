"""Settings of the orgs app, read lazily from Django settings under the ``ORGS_`` prefix."""

from django.conf import settings
from django.utils.module_loading import import_string
from twilio.http import HttpClient

DEFAULT_TWILIO_HTTP_CLIENT = "orgs.twilio_api.default_http_client"


class OrgsSettings:
    """Each property reads its Django setting on every access, so overrides apply at once."""

    prefix = "ORGS_"

    def _setting(self, name: str, default):
        return getattr(settings, self.prefix + name, default)

    @property
    def TWILIO_HTTP_CLIENT(self) -> str:
        """Dotted path of a callable without arguments that returns a ``twilio.http.HttpClient``.

        The credential check sends every request to Twilio through it.
        """
        return self._setting("TWILIO_HTTP_CLIENT", DEFAULT_TWILIO_HTTP_CLIENT)

    def twilio_http_client(self) -> HttpClient:
        """A new HTTP client made by ORGS_TWILIO_HTTP_CLIENT."""
        return import_string(self.TWILIO_HTTP_CLIENT)()


app_settings = OrgsSettings()
