"""What Twilio's answers mean: checks with sentences an administrator can act on."""

from dataclasses import dataclass

from orgs.twilio_api import OUT_OF_TIME, Answer, transient, trouble
from orgs.voice import MissingCredentials

_LABELS = {
    "account_sid": "Account SID",
    "api_key_sid": "API key SID",
    "api_key_secret": "API key secret",
    "twiml_app_sid": "TwiML App SID",
}


@dataclass(frozen=True, slots=True)
class CredentialCheck:
    """One thing checked: its name, whether it passed, and a sentence for an administrator.

    ``warning``: it passed, calls work, but something short of that needs attention.
    """

    name: str
    passed: bool
    message: str
    warning: bool = False


PRESENT = CredentialCheck("Credentials", True, "All four credentials are set.")


def missing(unset: MissingCredentials, *, can_set_up: bool) -> CredentialCheck:
    """``can_set_up``: the Account SID and the Auth Token are stored, so *Set up Twilio voice*
    can make the rest."""
    names = unset.names()
    labels = ", ".join(_LABELS[name] for name in names)
    if can_set_up:
        fix = "Run *Set up Twilio voice*: it creates what is missing."
    else:
        fix = (
            "Enter the Account SID and the Auth Token (Twilio Console, Account Info), then run "
            "*Set up Twilio voice*."
        )
    return CredentialCheck(
        "Credentials", False, f"Not set: {labels}. Nothing was sent to Twilio. {fix}"
    )


def undecryptable(name: str, what: str) -> CredentialCheck:
    if name == "API key":
        fix = "Run *Set up Twilio voice*: it replaces the key."
    else:
        fix = f"Enter the {what} again (Twilio Console, Account Info)."
    return CredentialCheck(
        name,
        False,
        f"The stored {what} cannot be decrypted with the keys in FIELD_ENCRYPTION_KEYS. {fix}",
    )


AUTH_TOKEN_MISSING = CredentialCheck(
    "Auth Token",
    False,
    "Not set: the voice webhooks check Twilio's signatures with it and refuse every call until "
    "it is set. Enter it (Twilio Console, Account Info).",
)


def unreachable() -> CredentialCheck:
    return CredentialCheck(
        "Connection", False, "Twilio could not be reached (network error or timeout). Try later."
    )


def unexpected(name: str, answer: Answer) -> CredentialCheck:
    if answer.status == OUT_OF_TIME:
        return CredentialCheck(
            name,
            False,
            "Not checked: this page's time with Twilio was up. Verify fewer at once, or run "
            "`manage.py verify_twilio_credentials`, which has no time limit.",
        )
    later = " Try again later." if transient(answer) else ""
    return CredentialCheck(name, False, f"{trouble(answer)}.{later}")


def key_refused(answer: Answer) -> CredentialCheck:
    if not answer.refused:
        return unexpected("Twilio", answer)
    return CredentialCheck(
        "API key",
        False,
        "Twilio refused the API key SID and secret for this account. The secret may be wrong, "
        "the key deleted or made in another account or Twilio Region, or the account closed. "
        "For a new key: tick *Remove the stored API key secret* on the organization's page, "
        "save, and run *Set up Twilio voice*; for another Region, correct the Twilio Region.",
    )


def api_key(answer: Answer, sid: str) -> CredentialCheck:
    if answer.ok:
        return CredentialCheck("API key", True, "The API key belongs to this account.")
    if answer.refused:
        # Only Main keys may read /Keys; a Standard key was already accepted for this account.
        return CredentialCheck("API key", True, "Twilio accepts the API key for this account.")
    if answer.not_found:
        return CredentialCheck(
            "API key",
            False,
            f"Twilio found no API key {sid} in this account. Run *Set up Twilio voice*: it "
            "creates a new one.",
        )
    return unexpected("API key", answer)


def account(by_key: Answer, by_token: Answer | None) -> CredentialCheck:
    for answer in (by_key, by_token):
        if answer is not None and answer.ok:
            return _account_status(answer.resource.status)
    if by_key.not_found or (by_token is not None and by_token.not_found):
        return CredentialCheck(
            "Account",
            False,
            "Twilio found no account with this Account SID. Check it (Twilio Console, Account "
            "Info).",
        )
    if by_key.refused:
        # Only Main keys may read the account, and Twilio accepts no key for a closed or
        # suspended one: the Standard key it accepted shows the account is active.
        return CredentialCheck(
            "Account", True, "Twilio accepts the API key for this account, so it is active."
        )
    return unexpected("Account", by_key)


def _account_status(status: str) -> CredentialCheck:
    if status == "active":
        return CredentialCheck("Account", True, "The Twilio account is active.")
    return CredentialCheck(
        "Account", False, f"The Twilio account is {status}: no calls until it is active again."
    )


def twiml_app(answer: Answer, sid: str) -> CredentialCheck:
    if answer.ok:
        return CredentialCheck("TwiML App", True, "The TwiML App exists in this account.")
    if answer.not_found:
        return CredentialCheck(
            "TwiML App",
            False,
            f"Twilio found no TwiML App {sid} in this account. Run *Set up Twilio voice*: it "
            "creates a new one.",
        )
    return unexpected("TwiML App", answer)


def auth_token(answer: Answer) -> CredentialCheck:
    if answer.ok:
        return CredentialCheck("Auth Token", True, "Twilio accepts the Auth Token.")
    if answer.refused:
        return CredentialCheck(
            "Auth Token",
            False,
            "Twilio refused the Auth Token for this account. It may be wrong, or replaced by "
            "a newer one in the Twilio Console: enter the current one (Account Info).",
        )
    if answer.not_found:
        return CredentialCheck(
            "Auth Token",
            False,
            "Twilio found no account with this Account SID. Check it (Twilio Console, Account "
            "Info).",
        )
    return unexpected("Auth Token", answer)
