"""Checking an organization's Twilio credentials against Twilio's REST API."""

from dataclasses import dataclass

from django.views.decorators.debug import sensitive_variables
from twilio.http import HttpClient
from twilio.rest import Client

from calls.webhooks.public import WebhookBaseUrlUnusable, webhook_urls
from orgs import twilio_findings as findings
from orgs import twilio_wiring as wiring
from orgs.conf import app_settings
from orgs.crypto import SecretDecryptionError
from orgs.fields import SealedSecret
from orgs.models import Organization
from orgs.resolvers import member_numbers_get
from orgs.selectors import twilio_credentials_of
from orgs.twilio_api import NO_ANSWER, Answer, ask, ask_pages, rest_client
from orgs.twilio_findings import CredentialCheck
from orgs.twilio_setup import NUMBERS_PAGE
from orgs.voice import TwilioCredentials

__all__ = ["CredentialCheck", "VerificationReport", "twilio_credentials_verify"]


@dataclass(frozen=True, slots=True)
class VerificationReport:
    """Every check made for one organization, in a stable order."""

    organization: str
    checks: tuple[CredentialCheck, ...]

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def failures(self) -> tuple[CredentialCheck, ...]:
        return tuple(check for check in self.checks if not check.passed)

    @property
    def warnings(self) -> tuple[CredentialCheck, ...]:
        return tuple(check for check in self.checks if check.passed and check.warning)

    def summary(self) -> str:
        """One line for the admin: what was verified, or what failed and why."""
        if self.passed:
            names = ", ".join(check.name for check in self.checks)
            warned = "".join(f" {check.name}: {check.message}" for check in self.warnings)
            return f"{self.organization}: verified with Twilio ({names}).{warned}"
        failed = " ".join(f"{check.name}: {check.message}" for check in self.failures)
        return f"{self.organization}: {failed}"


@sensitive_variables()
def twilio_credentials_verify(
    *,
    organization: Organization,
    http_client: HttpClient | None = None,
    deadline: float | None = None,
) -> VerificationReport:
    """Ask Twilio whether the organization's credentials work; no request if any is missing.

    ``http_client`` defaults to a new one from ORGS_TWILIO_HTTP_CLIENT. Twilio's errors and
    network failures become failed checks; they are not raised. No request starts after
    ``deadline`` (a ``time.monotonic()``); what it did not reach is a failed check that says so.
    """
    credentials = twilio_credentials_of(organization)
    if missing := credentials.missing:
        can_set_up = bool(organization.twilio_account_sid and organization.twilio_auth_token)
        return _report(organization, [findings.missing(missing, can_set_up=can_set_up)])
    client = http_client or app_settings.twilio_http_client()
    checks = _Checker(organization, credentials, client, deadline).run()
    return _report(organization, [findings.PRESENT, *checks])


def _report(organization: Organization, checks: list[CredentialCheck]) -> VerificationReport:
    return VerificationReport(organization=str(organization), checks=tuple(checks))


class _Checker:
    """The requests of one verification, and what their answers mean together."""

    def __init__(
        self,
        organization: Organization,
        credentials: TwilioCredentials,
        http_client: HttpClient,
        deadline: float | None,
    ):
        self.organization = organization
        self.credentials = credentials
        self.http_client = http_client
        self.deadline = deadline

    def run(self) -> list[CredentialCheck]:
        try:
            client = self._client(self.credentials.api_key_sid, self.credentials.api_key_secret)
        except SecretDecryptionError:
            return [
                findings.undecryptable("API key", "API key secret"),
                *self._without_the_key(),
            ]
        account = client.api.v2010.accounts(self.credentials.account_sid)
        # Any API key may read the TwiML App, but only a Main key may read the account or its
        # keys: this first answer alone says whether Twilio accepts the key for the account.
        app = self._ask("TwiML App", account.applications(self.credentials.twiml_app_sid).fetch)
        if app.status == NO_ANSWER:
            return [findings.unreachable()]
        if app.refused:
            return [findings.key_refused(app), *self._without_the_key()]
        if not (app.ok or app.not_found):
            return [findings.key_refused(app)]  # Twilio's own trouble: nothing to learn yet
        key = self._ask("API key", account.keys(self.credentials.api_key_sid).fetch)
        by_key = self._ask("account", account.fetch)
        token_checks, by_token = self._auth_token()
        return [
            findings.api_key(key, self.credentials.api_key_sid),
            findings.account(by_key, by_token),
            findings.twiml_app(app, self.credentials.twiml_app_sid),
            *token_checks,
            *self._wiring(client, account, app),
        ]

    def _wiring(self, client: Client, account, app: Answer) -> list[CredentialCheck]:
        """Whether the TwiML App, the members' numbers and the push credentials fit."""
        checks = []
        try:
            urls = webhook_urls()
        except WebhookBaseUrlUnusable as reason:
            checks.append(wiring.base_url_unusable(str(reason)))
        else:
            if app.ok:
                checks.append(wiring.twiml_app_voice_url(app.resource, urls))
            numbers = member_numbers_get(organization_id=self.organization.pk)
            if numbers:
                # One listing of the account's numbers (a request per thousand), however many
                # members there are.
                listed = ask_pages(
                    lambda: account.incoming_phone_numbers.page(page_size=NUMBERS_PAGE),
                    what="number list",
                    organization_id=self.organization.pk,
                    deadline=self.deadline,
                )
            checks.append(wiring.numbers(numbers, listed if numbers else None, urls))
        stored = {
            field: sid for field in wiring.PUSH_KINDS if (sid := getattr(self.organization, field))
        }
        pushed = {
            field: (
                sid,
                self._ask("push credential", client.conversations.v1.credentials(sid).fetch),
            )
            for field, sid in stored.items()
        }
        if push := wiring.push_credentials(pushed):
            checks.append(push)
        return checks

    def _without_the_key(self) -> list[CredentialCheck]:
        """With the API key unusable: the Auth Token's check, and, when Twilio accepts the
        token, the TwiML App and the wiring read with it, so that they can be put right
        meanwhile."""
        checks, by_token = self._auth_token()
        if by_token is None or not by_token.ok:
            return checks
        client = self._client(self.credentials.account_sid, self.organization.twilio_auth_token)
        account = client.api.v2010.accounts(self.credentials.account_sid)
        app = self._ask("TwiML App", account.applications(self.credentials.twiml_app_sid).fetch)
        return [
            *checks,
            findings.twiml_app(app, self.credentials.twiml_app_sid),
            *self._wiring(client, account, app),
        ]

    def _auth_token(self) -> tuple[list[CredentialCheck], Answer | None]:
        token = self.organization.twilio_auth_token
        if token is None:
            return [findings.AUTH_TOKEN_MISSING], None
        try:
            client = self._client(self.credentials.account_sid, token)
        except SecretDecryptionError:
            return [findings.undecryptable("Auth Token", "Auth Token")], None
        account = client.api.v2010.accounts(self.credentials.account_sid)
        answer = self._ask("Auth Token", account.fetch)
        return [findings.auth_token(answer)], answer

    def _client(self, username: str, secret: SealedSecret) -> Client:
        """A REST client for the account, with these credentials."""
        return rest_client(
            username=username,
            password=secret.reveal(),
            account_sid=self.credentials.account_sid,
            region=self.credentials.region,
            http_client=self.http_client,
        )

    def _ask(self, what: str, fetch) -> Answer:
        return ask(fetch, what=what, organization_id=self.organization.pk, deadline=self.deadline)
