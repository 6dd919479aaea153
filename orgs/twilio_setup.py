"""Setting Twilio up for an organization: an API key, the TwiML App, the numbers' webhooks.

From an Account SID and an Auth Token, ``twilio_voice_set_up`` makes what voice tokens and
calls need, through Twilio's REST API: a Standard API key when none is stored, the TwiML App
whose Voice URL is this service's outbound webhook and whose status callback is its status
webhook (for the call log), and the inbound webhook on every number an active member holds.
Run with ``apply=False`` it only reads, and says what it would change. It changes nothing that
is already right, so a second run changes nothing.
"""

import logging
from dataclasses import dataclass

from django.views.decorators.debug import sensitive_variables
from twilio.http import HttpClient

from calls.webhooks.public import WebhookBaseUrlUnusable, WebhookUrls, webhook_urls
from orgs.conf import app_settings
from orgs.crypto import SecretDecryptionError
from orgs.models import Organization
from orgs.resolvers import member_numbers_get
from orgs.twilio_api import (
    OUT_OF_TIME,
    Answer,
    ask,
    ask_pages,
    rest_client,
    transient,
    trouble,
)

logger = logging.getLogger(__name__)

KEY_NAME = "Tether Relay voice"
APP_NAME = "Tether Relay voice"
VOICE_METHOD = "POST"
STATUS_METHOD = "POST"
NUMBERS_PAGE = 1000  # the account's numbers are listed once, a request per thousand

# What a step does: create, update, keep (already right), leave (nothing to do), missing (a
# member's number outside the account: left alone, but it needs the administrator), fail.
CREATE, UPDATE, KEEP, LEAVE, MISSING, FAIL = (
    "create", "update", "keep", "leave", "missing", "fail"
)  # fmt: skip


class TwilioSetupRefused(Exception):
    """Nothing can be set up: the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class SetupStep:
    """One thing set up: what, the change, and how to say it before (``planned``) and after
    (``done``) it is made."""

    subject: str
    change: str
    planned: str
    done: str

    def sentence(self, *, applied: bool) -> str:
        return f"{self.subject}: {self.done if applied else self.planned}"


@dataclass(frozen=True, slots=True)
class SetupReport:
    organization: str
    applied: bool
    steps: tuple[SetupStep, ...]

    @property
    def changes(self) -> tuple[SetupStep, ...]:
        return tuple(step for step in self.steps if step.change in (CREATE, UPDATE))

    @property
    def failed(self) -> bool:
        return any(step.change == FAIL for step in self.steps)

    @property
    def needs_attention(self) -> bool:
        """Set up as far as it goes, but a member's number is not in the account."""
        return any(step.change == MISSING for step in self.steps)

    def lines(self) -> list[str]:
        return [step.sentence(applied=self.applied) for step in self.steps]

    def summary(self) -> str:
        if self.failed:
            head = "stopped"
        elif not self.changes:
            head = "already set up; nothing changed" if self.applied else "nothing to change"
        else:
            head = "set up" if self.applied else "would change"
        if self.needs_attention and not self.failed:
            head += ", but a member's number needs attention"
        return f"{self.organization}: {head}. " + " ".join(self.lines())


def twilio_voice_set_up(
    *,
    organization: Organization,
    apply: bool,
    http_client: HttpClient | None = None,
    deadline: float | None = None,
) -> SetupReport:
    """Set Twilio up for the organization (``apply``), or say what that would change.

    Raises TwilioSetupRefused before any request when the webhooks' public URL is unusable or
    the Account SID or Auth Token is missing. Twilio's errors become a failed step, not an
    exception; steps after a failure are not made. No request starts after ``deadline`` (a
    ``time.monotonic()``, see ``twilio_api.deadline_after``): each has its client's timeout. What is
    created is stored at once, so that an interrupted run loses nothing.
    """
    try:
        urls = webhook_urls()
    except WebhookBaseUrlUnusable as error:
        raise TwilioSetupRefused(str(error)) from None
    if not organization.twilio_account_sid or not organization.twilio_auth_token:
        raise TwilioSetupRefused(
            f"{organization}: set the Account SID and the Auth Token first (Twilio Console, "
            "Account Info)."
        )
    setup = _Setup(
        organization,
        urls,
        apply=apply,
        http_client=http_client or app_settings.twilio_http_client(),
        deadline=deadline,
    )
    return SetupReport(organization=str(organization), applied=apply, steps=tuple(setup.run()))


class _Setup:
    """The requests of one set-up, with the Auth Token: it alone may create keys."""

    def __init__(self, organization, urls: WebhookUrls, *, apply, http_client, deadline):
        self.organization = organization
        self.urls = urls
        self.apply = apply
        self.http_client = http_client
        self.deadline = deadline

    def run(self) -> list[SetupStep]:
        try:
            self.account = self._account()
        except SecretDecryptionError:
            why = "it cannot be decrypted with FIELD_ENCRYPTION_KEYS; enter it again."
            return [_failed("Auth Token", why)]
        # First, whether Twilio takes the Auth Token here (and in this Region) at all.
        found = self._ask("account", self.account.fetch)
        if not found.ok:
            about_the_token = found.refused or found.not_found
            return [_failed("Auth Token" if about_the_token else "Twilio", _why(found))]
        steps = []
        for step in (self._api_key, self._twiml_app):
            steps.append(step())
            if steps[-1].change == FAIL:
                return steps
        return steps + self._numbers()

    @sensitive_variables()
    def _account(self):
        client = rest_client(
            username=self.organization.twilio_account_sid,
            password=self.organization.twilio_auth_token.reveal(),
            account_sid=self.organization.twilio_account_sid,
            region=self.organization.twilio_region,
            http_client=self.http_client,
        )
        return client.api.v2010.accounts(self.organization.twilio_account_sid)

    def _ask(self, what: str, call) -> Answer:
        return ask(call, what=what, organization_id=self.organization.pk, deadline=self.deadline)

    def _store(self, **fields) -> None:
        """Keep what Twilio just made, before anything else can fail."""
        for name, value in fields.items():
            setattr(self.organization, name, value)
        self.organization.save(update_fields=[*fields, "updated_at"])
        logger.info(
            "Twilio set up for organization %s: %s stored",
            self.organization.pk,
            ", ".join(fields),
        )

    @sensitive_variables()
    def _api_key(self) -> SetupStep:
        org = self.organization
        planned = "a new Standard API key will be created and stored (its secret encrypted)."
        # A key replaced while Twilio still has it stays usable there until deleted.
        replaced = org.twilio_api_key_sid
        if org.twilio_api_key_sid and org.twilio_api_key_secret and _decrypts(org):
            # Whether Twilio still has the key (the Auth Token may read any key of the account);
            # its secret only Twilio knows, and Verify tries it.
            found = self._ask("API key", self.account.keys(org.twilio_api_key_sid).fetch)
            if found.ok:
                kept = f"{org.twilio_api_key_sid} is stored and Twilio has it; kept."
                return SetupStep("API key", KEEP, kept, kept)
            if not found.not_found:
                return _failed("API key", _why(found))
            replaced = ""
            planned = (
                f"{org.twilio_api_key_sid} is stored but no longer in this Twilio account (deleted "
                "in the Console?): a new Standard API key will be created and stored in its place "
                "(its secret encrypted)."
            )
        elif org.twilio_api_key_sid and org.twilio_api_key_secret:
            planned = (
                f"the stored secret of {org.twilio_api_key_sid} cannot be decrypted with "
                "FIELD_ENCRYPTION_KEYS: a new Standard API key will be created and stored in its "
                "place (its secret encrypted)."
            )
        if not self.apply:
            return SetupStep("API key", CREATE, planned, planned)
        made = self._ask(
            "new API key", lambda: self.account.new_keys.create(friendly_name=KEY_NAME)
        )
        if not made.ok:
            return _failed("API key", _why(made))
        self._store(
            twilio_api_key_sid=made.resource.sid, twilio_api_key_secret=made.resource.secret
        )
        done = f"created {made.resource.sid} and stored it (its secret encrypted)."
        if replaced:
            done += (
                f" The previous key {replaced} still works in Twilio: delete it in the Twilio "
                "Console (Account > API keys & tokens) unless something else uses it."
            )
        return SetupStep("API key", CREATE, planned, done)

    def _twiml_app(self) -> SetupStep:
        sid = self.organization.twilio_twiml_app_sid
        wanted = {
            "voice_url": self.urls.outbound,
            "voice_method": VOICE_METHOD,
            "status_callback": self.urls.status,
            "status_callback_method": STATUS_METHOD,
        }
        if sid:
            found = self._ask("TwiML App", self.account.applications(sid).fetch)
            if found.ok:
                return self._app_updated(found.resource, wanted)
            if not found.not_found:
                return _failed("TwiML App", _why(found))
        wiring = (
            f"Voice URL {self.urls.outbound} (POST) and status callback {self.urls.status} (POST)"
        )
        planned = f"a TwiML App will be created with {wiring}, so that calls are logged."
        if not self.apply:
            return SetupStep("TwiML App", CREATE, planned, planned)
        made = self._ask(
            "new TwiML App",
            lambda: self.account.applications.create(friendly_name=APP_NAME, **wanted),
        )
        if not made.ok:
            return _failed("TwiML App", _why(made))
        self._store(twilio_twiml_app_sid=made.resource.sid)
        done = f"created {made.resource.sid} with {wiring}."
        return SetupStep("TwiML App", CREATE, planned, done)

    def _app_updated(self, app, wanted: dict) -> SetupStep:
        subject = f"TwiML App {app.sid}"
        changes = _app_changes(app, self.urls)
        if not changes:
            same = (
                f"its Voice URL is already {self.urls.outbound} (POST) and its status callback "
                f"{self.urls.status} (POST)."
            )
            return SetupStep(subject, KEEP, same, same)
        planned = "; ".join(before for before, _ in changes) + "."
        if not self.apply:
            return SetupStep(subject, UPDATE, planned, planned)
        answer = self._ask(
            "TwiML App update", lambda: self.account.applications(app.sid).update(**wanted)
        )
        if not answer.ok:
            return _failed(subject, _why(answer))
        return SetupStep(subject, UPDATE, planned, "; ".join(after for _, after in changes) + ".")

    def _numbers(self) -> list[SetupStep]:
        numbers = member_numbers_get(organization_id=self.organization.pk)
        if not numbers:
            none = "no active member holds a number yet; run this again once they do."
            return [SetupStep("Numbers", LEAVE, none, none)]
        listed = ask_pages(
            lambda: self.account.incoming_phone_numbers.page(page_size=NUMBERS_PAGE),
            what="number list",
            organization_id=self.organization.pk,
            deadline=self.deadline,
        )
        if not listed.ok:
            return [_failed("Numbers", _why(listed))]
        # Twilio's PhoneNumber filter matches parts of numbers: only an exact match is theirs.
        in_account = {found.phone_number: found for found in listed.resource}
        steps = []
        for number in numbers:
            steps.append(self._number(number, in_account.get(number)))
            if steps[-1].change == FAIL:
                break
        return steps

    def _number(self, number: str, found) -> SetupStep:
        subject = f"Number {number}"
        if found is None:
            absent = (
                "not a number of this Twilio account; not touched. Buy or port it into the "
                "account, or give the member a number of the account."
            )
            return SetupStep(subject, MISSING, absent, absent)
        if number_is_wired(found, self.urls):
            same = "calls to it already come to this service."
            return SetupStep(subject, KEEP, same, same)
        routing = number_routing(found)
        planned = f"its incoming-call webhook {routing} will become {self.urls.inbound} (POST)."
        if not self.apply:
            return SetupStep(subject, UPDATE, planned, planned)
        # A TwiML App or a SIP trunk on the number would take its calls whatever its URL says.
        detach = {"voice_application_sid": ""}
        if getattr(found, "trunk_sid", None):
            detach["trunk_sid"] = ""
        answer = self._ask(
            "number update",
            lambda: self.account.incoming_phone_numbers(found.sid).update(
                voice_url=self.urls.inbound, voice_method=VOICE_METHOD, **detach
            ),
        )
        if not answer.ok:
            return _failed(subject, _why(answer))
        return SetupStep(
            subject, UPDATE, planned, f"calls to it now come to {self.urls.inbound} (POST)."
        )


def _decrypts(organization) -> bool:
    """Whether the stored API key secret can be read with FIELD_ENCRYPTION_KEYS."""
    try:
        organization.twilio_api_key_secret.reveal()
    except SecretDecryptionError:
        return False
    return True


def app_voice_is_wired(app, urls: WebhookUrls) -> bool:
    """Whether a TwiML App (Twilio's resource) sends the calls softphones place to this service."""
    return (app.voice_url, (app.voice_method or "").upper()) == (urls.outbound, VOICE_METHOD)


def app_status_is_wired(app, urls: WebhookUrls) -> bool:
    """Whether a TwiML App tells this service how the calls softphones place progress and end."""
    method = (app.status_callback_method or "").upper()
    return (app.status_callback, method) == (urls.status, STATUS_METHOD)


def app_status_callback(app) -> str:
    """A TwiML App's status callback as an administrator reads it: URL and method, or (none)."""
    if not app.status_callback:
        return "(none)"
    return f"{app.status_callback} ({app.status_callback_method})"


def _app_changes(app, urls: WebhookUrls) -> list[tuple[str, str]]:
    """What set-up changes on a TwiML App, each as planned and as done; empty if it is right."""
    changes = []
    if not app_voice_is_wired(app, urls):
        changes.append(
            (
                f"its Voice URL {app.voice_url or '(none)'} ({app.voice_method}) will become "
                f"{urls.outbound} (POST)",
                f"Voice URL set to {urls.outbound} (POST)",
            )
        )
    if not app_status_is_wired(app, urls):
        changes.append(
            (
                f"its status callback {app_status_callback(app)} will become {urls.status} "
                "(POST), so that calls are logged",
                f"status callback set to {urls.status} (POST), so that calls are logged",
            )
        )
    return changes


def number_is_wired(number, urls: WebhookUrls) -> bool:
    """Whether calls to a number of the account (Twilio's resource) come to this service.

    A TwiML App or SIP trunk on the number takes its calls whatever its Voice URL says.
    """
    if getattr(number, "voice_application_sid", None) or getattr(number, "trunk_sid", None):
        return False
    return (number.voice_url, (number.voice_method or "").upper()) == (urls.inbound, VOICE_METHOD)


def number_routing(number) -> str:
    if sid := getattr(number, "voice_application_sid", None):
        return f"(the TwiML App {sid})"
    if sid := getattr(number, "trunk_sid", None):
        return f"(the SIP trunk {sid})"
    if not number.voice_url:
        return "(none)"
    return f"{number.voice_url} ({(number.voice_method or 'POST').upper()})"


def _failed(subject: str, why: str) -> SetupStep:
    return SetupStep(subject, FAIL, why, why)


def _why(answer: Answer) -> str:
    if answer.status == OUT_OF_TIME:
        return (
            "stopped here: this page's time with Twilio is up. Run it again, or run "
            "`manage.py set_up_twilio_voice` for an organization with many numbers."
        )
    if answer.refused:
        return (
            "Twilio refused the Account SID and Auth Token (wrong, replaced in the Console, or "
            "from another Twilio Region); nothing after this was done."
        )
    later = " Try again later." if transient(answer) else ""
    return f"{trouble(answer)}; nothing after this was done.{later}"
