"""Minting Twilio Voice access tokens."""

import logging
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import jwt
from django.core.validators import RegexValidator
from django.views.decorators.debug import sensitive_variables
from twilio.jwt.access_token import AccessToken
from twilio.jwt.access_token.grants import VoiceGrant

from calls.conf import app_settings
from calls.exceptions import NoTwilioNumber, TokenGenerationFailed, TwilioCredentialsMissing
from calls.identity import InvalidIdentity, voice_identity
from orgs import validators
from orgs.crypto import SecretDecryptionError
from orgs.voice import TwilioCredentials, VoiceCaller

logger = logging.getLogger(__name__)


def _pattern(validator: RegexValidator) -> re.Pattern:
    """The validator's own pattern, compiled once: a RegexValidator reaches it through a lazy
    object on every call, which on this path costs more than the match."""
    if validator.inverse_match:
        raise ValueError("Only validators that accept what their pattern matches.")
    return re.compile(validator.regex.pattern, validator.regex.flags)


_SID_PATTERNS = {
    "account_sid": _pattern(validators.validate_account_sid),
    "api_key_sid": _pattern(validators.validate_api_key_sid),
    "twiml_app_sid": _pattern(validators.validate_twiml_app_sid),
}
_PUSH_CREDENTIAL_SID = _pattern(validators.validate_push_credential_sid)


@dataclass(frozen=True, slots=True)
class MintedToken:
    """A signed Twilio AccessToken and what the client needs to know about it."""

    token: str = field(repr=False)
    identity: str
    user_id: str
    expires_at: datetime
    jti: str
    edge: str | None = None


# Error reporters that honour Django's marker (its own, and those built on it) leave every
# local of the minting code out of their reports: the secret and the token live there.
@sensitive_variables()
def voice_token_mint(
    *, caller: VoiceCaller, platform: str | None = None, now: float | None = None
) -> MintedToken:
    """A Voice access token for the caller, shaped by the organization's voice options.

    ``platform`` (``web``, ``ios``, ``ios-sandbox``, ``android``, or None for the
    organization's default) picks the push credential. Credentials, that one included, are
    checked before the phone number. Raises TwilioCredentialsMissing, NoTwilioNumber, or
    TokenGenerationFailed when stored data cannot make a valid token.
    """
    credentials = caller.credentials
    if missing := credentials.missing_for(platform):
        raise TwilioCredentialsMissing(missing)
    if not caller.phone_number:
        raise NoTwilioNumber()
    push_credential_sid = credentials.push_credential_for(platform)
    _check_sids(caller, credentials, push_credential_sid)
    try:
        identity = voice_identity(caller.phone_number)
    except InvalidIdentity:
        logger.error("User %s has a Twilio number that is not E.164.", caller.user_id)
        raise TokenGenerationFailed() from None
    issued_at = int(time.time() if now is None else now)
    expires_at = issued_at + _lifetime(credentials)
    token = AccessToken(
        credentials.account_sid,
        credentials.api_key_sid,
        _reveal_secret(caller, credentials),
        identity=identity,
        # No nbf, as Twilio's other helper libraries: a server clock ahead of Twilio's would
        # make a fresh token "not yet valid" (error 20105).
        nbf=None,
        valid_until=expires_at,
        region=credentials.region or None,
    )
    token.add_grant(
        VoiceGrant(
            outgoing_application_sid=credentials.twiml_app_sid,
            incoming_allow=credentials.incoming_allow,
            push_credential_sid=push_credential_sid or None,
        )
    )
    payload = token.payload
    return MintedToken(
        token=_encode(token, payload),
        identity=identity,
        user_id=caller.user_id,
        expires_at=datetime.fromtimestamp(expires_at, tz=UTC),
        jti=payload["jti"],
        edge=credentials.edge,
    )


@sensitive_variables()
def _encode(token: AccessToken, payload: dict) -> str:
    # Sign the very payload whose jti is reported, rather than letting to_jwt() build another.
    return jwt.encode(payload, token.secret_key, algorithm=token.algorithm, headers=token.headers)


def _lifetime(credentials: TwilioCredentials) -> int:
    """The organization's token TTL, or the host's CALLS_DEFAULT_TOKEN_TTL when it has none."""
    if credentials.token_ttl is None:
        return app_settings.DEFAULT_TOKEN_TTL
    return credentials.token_ttl


def _check_sids(caller: VoiceCaller, credentials: TwilioCredentials, push: str) -> None:
    """Stored SIDs that Twilio would refuse make a server-side error, named in the log."""
    checks = [
        (name, pattern, getattr(credentials, name)) for name, pattern in _SID_PATTERNS.items()
    ]
    if push:
        checks.append(("push_credential_sid", _PUSH_CREDENTIAL_SID, push))
    for name, pattern, value in checks:
        # As RegexValidator tests a value: its text searched with the pattern.
        if not pattern.search(str(value)):
            logger.error("Organization %s has a malformed Twilio %s.", caller.organization_id, name)
            raise TokenGenerationFailed()


@sensitive_variables()
def _reveal_secret(caller: VoiceCaller, credentials: TwilioCredentials) -> str:
    try:
        return credentials.api_key_secret.reveal()
    except SecretDecryptionError:
        logger.error(
            "The Twilio API key secret of organization %s cannot be decrypted with any key "
            "in FIELD_ENCRYPTION_KEYS.",
            caller.organization_id,
        )
        raise TokenGenerationFailed() from None
