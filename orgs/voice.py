"""Frozen values that describe a caller of Twilio Voice: credentials, options, identity.

These are what a caller resolver returns (``CALLS_CALLER_RESOLVER``); the ``calls`` app reads
nothing else.
"""

from dataclasses import dataclass, field, fields
from typing import ClassVar

from orgs.fields import SealedSecret

# Bounds of an access token's lifetime in seconds. They live here, in a module without models,
# so that the calls app can use them without importing orgs.models.
TOKEN_TTL_MIN = 60
TOKEN_TTL_MAX = 86_400  # Twilio caps an access token's lifetime at 24 hours.
TOKEN_TTL_DEFAULT = 3_600


@dataclass(frozen=True, slots=True)
class MissingCredentials:
    """Which of the four credentials a token needs are unset (``True`` means unset)."""

    account_sid: bool
    api_key_sid: bool
    api_key_secret: bool
    twiml_app_sid: bool

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def names(self) -> list[str]:
        """The unset credentials' field names, in a stable order."""
        return [f.name for f in fields(self) if getattr(self, f.name)]


@dataclass(frozen=True, slots=True)
class TwilioCredentials:
    """An organization's Twilio credentials and voice options; blank means unset.

    ``token_ttl`` None leaves the token's lifetime to the host's ``CALLS_DEFAULT_TOKEN_TTL``.
    """

    account_sid: str = ""
    api_key_sid: str = ""
    api_key_secret: SealedSecret | None = field(default=None, repr=False)
    twiml_app_sid: str = ""
    token_ttl: int | None = None
    incoming_allow: bool = True
    region: str = ""
    push_credential_sid: str = ""

    @property
    def missing(self) -> MissingCredentials:
        """The one place that decides what is missing."""
        return MissingCredentials(
            account_sid=not self.account_sid,
            api_key_sid=not self.api_key_sid,
            api_key_secret=self.api_key_secret is None,
            twiml_app_sid=not self.twiml_app_sid,
        )


NO_CREDENTIALS = TwilioCredentials()


@dataclass(frozen=True, slots=True)
class VoiceCaller:
    """The authenticated caller as the token endpoint sees it.

    It stands in for ``request.user`` on the token endpoint, as SimpleJWT's ``TokenUser`` does.
    """

    user_id: str
    is_active: bool
    phone_number: str | None
    organization_id: str | None
    credentials: TwilioCredentials

    is_authenticated: ClassVar[bool] = True
    is_anonymous: ClassVar[bool] = False

    @property
    def pk(self) -> str:
        return self.user_id

    @property
    def id(self) -> str:
        return self.user_id


@dataclass(frozen=True, slots=True)
class NumberHolder:
    """A user who holds a Twilio number, as the voice webhooks see them."""

    user_id: int
    organization_id: int | None
    is_active: bool
    phone_number: str
