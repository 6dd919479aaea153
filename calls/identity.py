"""The Twilio client identity of a caller: the one definition, for tokens and for ringing."""

import re

_E164 = re.compile(r"\A\+[1-9][0-9]{1,14}\Z")


class InvalidIdentity(ValueError):
    """The stored number is not E.164 and cannot be an identity."""


def voice_identity(phone_number: str) -> str:
    """The identity for a caller's Twilio number: the number itself in E.164 (``+14165550100``)."""
    if not _E164.match(phone_number):
        raise InvalidIdentity("the caller's Twilio number is not in E.164 form")
    return phone_number


def voice_identity_number(identity: str) -> str:
    """The Twilio number whose identity this is: the inverse of ``voice_identity``.

    Raises InvalidIdentity for anything ``voice_identity`` could not have made.
    """
    if not _E164.match(identity):
        raise InvalidIdentity("the identity is not one this service gives out")
    # While the identity is the number itself, the inverse is the same check.
    return identity
