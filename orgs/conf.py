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

    @property
    def USER_ORGANIZATION_FIELD(self) -> str:
        """Lookup from the user model to its organization, for ``orgs.resolvers``.

        A foreign key to ``orgs.Organization`` on the user (``organization``) or across a
        relation (``profile__organization``).
        """
        return self._setting("USER_ORGANIZATION_FIELD", "organization")

    @property
    def USER_NUMBER_FIELD(self) -> str:
        """Lookup from the user model to its Twilio number in E.164, for ``orgs.resolvers``."""
        return self._setting("USER_NUMBER_FIELD", "twilio_phone_number")

    @property
    def USER_FORWARDING_NUMBER_FIELD(self) -> str:
        """Lookup from the user model to its forwarding number in E.164, for ``orgs.resolvers``.

        Blank (the default): the host's users have none, and unanswered calls follow the
        organization's choice.
        """
        return self._setting("USER_FORWARDING_NUMBER_FIELD", "")

    def twilio_http_client(self) -> HttpClient:
        """A new HTTP client made by ORGS_TWILIO_HTTP_CLIENT."""
        return import_string(self.TWILIO_HTTP_CLIENT)()


app_settings = OrgsSettings()
