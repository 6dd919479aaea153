"""Frozen values that describe a caller of Twilio Voice: credentials, options, identity.

These are what a caller resolver returns (``CALLS_CALLER_RESOLVER``); the ``calls`` app reads
nothing else.
"""

from dataclasses import dataclass, field, fields, replace
from typing import ClassVar

from orgs.fields import SealedSecret

# Bounds of an access token's lifetime in seconds. They live here, in a module without models,
# so that the calls app can use them without importing orgs.models.
TOKEN_TTL_MIN = 60
TOKEN_TTL_MAX = 86_400  # Twilio caps an access token's lifetime at 24 hours.
TOKEN_TTL_DEFAULT = 3_600
# How long a member's softphone rings before a call counts as unanswered (Twilio's <Dial
# timeout> allows 5 to 600), and the longest voicemail (<Record maxLength>).
RING_SECONDS_MIN = 5
RING_SECONDS_MAX = 120
RING_SECONDS_DEFAULT = 20
VOICEMAIL_SECONDS_MIN = 10
VOICEMAIL_SECONDS_MAX = 600
VOICEMAIL_SECONDS_DEFAULT = 120

# The platforms a token may be asked for, and the credential field each mobile one pushes with.
# ``web`` carries no push credential; no platform at all carries ``push_credential_sid``.
PLATFORM_PUSH_FIELDS = {
    "web": None,
    "ios": "push_credential_sid_ios",
    "ios-sandbox": "push_credential_sid_ios_sandbox",
    "android": "push_credential_sid_android",
}
# The Voice SDKs' ``edge`` that matches each Twilio Region a token may be pinned to.
REGION_EDGES = {"ie1": "dublin", "au1": "sydney"}


@dataclass(frozen=True, slots=True)
class MissingCredentials:
    """Which of the four credentials a token needs are unset (``True`` means unset).

    ``push_credential_sid`` is None unless a mobile platform was asked for: then it says
    whether that platform's push credential is unset.
    """

    account_sid: bool
    api_key_sid: bool
    api_key_secret: bool
    twiml_app_sid: bool
    push_credential_sid: bool | None = None

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
    push_credential_sid_ios: str = ""
    push_credential_sid_ios_sandbox: str = ""
    push_credential_sid_android: str = ""

    @property
    def missing(self) -> MissingCredentials:
        """The one place that decides what is missing."""
        return MissingCredentials(
            account_sid=not self.account_sid,
            api_key_sid=not self.api_key_sid,
            api_key_secret=self.api_key_secret is None,
            twiml_app_sid=not self.twiml_app_sid,
        )

    def missing_for(self, platform: str | None) -> MissingCredentials:
        """What is missing for a token for ``platform`` (a key of PLATFORM_PUSH_FIELDS, or None):
        a mobile platform also needs its own push credential."""
        if PLATFORM_PUSH_FIELDS.get(platform) is None:
            return self.missing
        return replace(self.missing, push_credential_sid=not self.push_credential_for(platform))

    def push_credential_for(self, platform: str | None) -> str:
        """The push credential SID a token for ``platform`` carries; blank for none."""
        if platform is None:
            return self.push_credential_sid
        name = PLATFORM_PUSH_FIELDS[platform]
        return getattr(self, name) if name else ""

    @property
    def edge(self) -> str | None:
        """The Voice SDK edge that matches the token's region, for regions that have one."""
        return REGION_EDGES.get(self.region)


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
    # Where calls from outside go when the softphone does not answer; E.164, None for nowhere.
    forwarding_number: str | None = None
