"""Validators for Twilio identifiers and secrets."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator


def _sid_validator(prefix: str, what: str) -> RegexValidator:
    return RegexValidator(
        regex=rf"\A{prefix}[0-9a-f]{{32}}\Z",
        message=f"A {what} is {prefix} followed by 32 lowercase hexadecimal characters.",
        code=f"invalid_{prefix.lower()}_sid",
    )


validate_account_sid = _sid_validator("AC", "Twilio Account SID")
validate_api_key_sid = _sid_validator("SK", "Twilio API key SID")
validate_twiml_app_sid = _sid_validator("AP", "TwiML App SID")
validate_push_credential_sid = _sid_validator("CR", "Twilio push credential SID")

validate_api_key_secret = RegexValidator(
    regex=r"\A[A-Za-z0-9]{32}\Z",
    message="An API key secret is 32 letters and digits, as Twilio shows it when the key is made.",
    code="invalid_api_key_secret",
)

validate_auth_token = RegexValidator(
    regex=r"\A[0-9a-f]{32}\Z",
    message="An Auth Token is 32 lowercase hexadecimal characters, as the Twilio Console shows it.",
    code="invalid_auth_token",
)

validate_e164 = RegexValidator(
    regex=r"\A\+[1-9][0-9]{1,14}\Z",
    message="Enter the number in E.164: a + and the country code, then digits only, such as "
    "+14165550100.",
    code="invalid_e164",
)
"""For a host's own number field (``orgs.resolvers``): the form the token identity needs."""


def validate_spoken_text(value: str) -> None:
    """Text that TwiML's <Say> can carry: no control characters but tab and line breaks (XML
    allows no others; a word processor's manual line break is one)."""
    if any((ord(c) < 32 and c not in "\t\n\r") or 0xFFFE <= ord(c) <= 0xFFFF for c in value):
        raise ValidationError(
            "Remove the control characters (such as a pasted manual line break): they cannot "
            "be spoken.",
            code="control_characters",
        )
