"""Whether Twilio is wired to this service: what the TwiML App, numbers and push credentials say.

The findings of *Verify Twilio credentials* beyond the credentials themselves; each failed
check says what is wrong and what to do.
"""

from calls.webhooks.public import WebhookUrls
from orgs.twilio_api import Answer
from orgs.twilio_findings import CredentialCheck, unexpected
from orgs.twilio_setup import (
    app_status_callback,
    app_status_is_wired,
    app_voice_is_wired,
    number_is_wired,
    number_routing,
)

SET_UP = "Run *Set up Twilio voice*"
CONSOLE_CREDENTIALS = "Twilio Console: Account > Keys & Credentials > Credentials"

# Each stored push credential, and the kind of Twilio credential its platform needs: its
# ``type`` and, for APNs, whether it is for Apple's sandbox.
PUSH_KINDS = {
    "twilio_push_credential_sid_ios": ("iOS", "apn", "false"),
    "twilio_push_credential_sid_ios_sandbox": ("iOS sandbox", "apn", "true"),
    "twilio_push_credential_sid_android": ("Android", "fcm", None),
    "twilio_push_credential_sid": ("Default", None, None),
}
_KIND_NAMES = {
    ("apn", "false"): "APNs production",
    ("apn", "true"): "APNs sandbox",
    ("fcm", None): "FCM",
}


def base_url_unusable(reason: str) -> CredentialCheck:
    return CredentialCheck(
        "Webhooks", False, f"{reason} Without it the wiring to this service cannot be checked."
    )


def twiml_app_voice_url(app, urls: WebhookUrls) -> CredentialCheck:
    """The TwiML App's Voice URL, and its status callback, which keeps the call log."""
    voice, status = app_voice_is_wired(app, urls), app_status_is_wired(app, urls)
    if voice and status:
        return CredentialCheck(
            "TwiML App Voice URL",
            True,
            "Calls from softphones come to this service, and it is told how they end.",
        )
    problems = []
    if not voice:
        problems.append(
            f"The TwiML App's Voice URL is {app.voice_url or '(none)'} ({app.voice_method}), "
            f"not {urls.outbound} (POST): calls from softphones fail (Twilio error 11200)."
        )
    if not status:
        # The calls still connect: only the call log is short of their end.
        problems.append(
            f"{'Calls from softphones work, but the' if voice else 'Its'} status callback is "
            f"{app_status_callback(app)}, not {urls.status} (POST): the call log misses the end "
            "of calls placed by softphones."
        )
    where = "Voice Configuration" + (" > Status Callback URL" if voice else "")
    return CredentialCheck(
        "TwiML App Voice URL",
        voice,  # a status callback alone: calls work, the call log needs attention
        f"{' '.join(problems)} {SET_UP}, or in the Twilio Console: Voice > TwiML Apps > the app "
        f"> {where}.",
        warning=voice,
    )


def numbers(members: list[str], listed: Answer | None, urls: WebhookUrls) -> CredentialCheck:
    """``members``: the active members' numbers; ``listed``: Twilio's list of the account's."""
    if not members:
        return CredentialCheck("Numbers", True, "No active member holds a number yet.")
    if not listed.ok:
        return unexpected("Numbers", listed)
    in_account = {number.phone_number: number for number in listed.resource}
    problems = []
    for member in members:
        found = in_account.get(member)
        if found is None:
            problems.append(
                f"{member} is not a number of this account (caller ID refused: Twilio error "
                "13214): buy or port it into the account, or give the member one of its numbers."
            )
        elif not number_is_wired(found, urls):
            problems.append(
                f"{member}: incoming calls go to {number_routing(found)}, not to "
                f"{urls.inbound} (POST), so they never ring. {SET_UP}, or in the Twilio "
                "Console: Phone Numbers > Active numbers > the number > 'A call comes in'."
            )
    if problems:
        return CredentialCheck("Numbers", False, " ".join(problems))
    return CredentialCheck(
        "Numbers", True, f"All {len(members)} members' numbers send their calls to this service."
    )


def push_credentials(found: dict[str, tuple[str, Answer]]) -> CredentialCheck | None:
    """``found``: each stored push credential's field, its SID and Twilio's answer."""
    if not found:
        return None
    problems = []
    for field, (sid, answer) in found.items():
        label, kind, sandbox = PUSH_KINDS[field]
        if answer.not_found:
            problems.append(
                f"{label}: Twilio found no push credential {sid} in this account and Region. "
                f"Store the SID of one of its credentials ({CONSOLE_CREDENTIALS})."
            )
        elif not answer.ok:
            problems.append(f"{label}: {unexpected('Push credentials', answer).message}")
        elif kind and (answer.resource.type, _sandbox(answer.resource)) != (kind, sandbox):
            have = _kind(answer.resource)
            problems.append(
                f"{label}: {sid} is {have}, but this platform needs "
                f"{_KIND_NAMES[(kind, sandbox)]}: incoming calls are never pushed to the app. "
                f"Store the right credential ({CONSOLE_CREDENTIALS})."
            )
    if problems:
        return CredentialCheck("Push credentials", False, " ".join(problems))
    return CredentialCheck(
        "Push credentials", True, "Every stored push credential exists and is of the right kind."
    )


def _sandbox(credential) -> str | None:
    """Twilio's ``sandbox`` for an APNs credential, as "true" or "false" (Twilio documents the
    strings "True" and "False"; a JSON boolean reads the same); None for any other kind."""
    return str(credential.sandbox).lower() if credential.type == "apn" else None


def _kind(credential) -> str:
    return _KIND_NAMES.get((credential.type, _sandbox(credential)), f"of type {credential.type}")
