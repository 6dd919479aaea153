"""A fake Twilio REST API: answers as Twilio does for the accounts it knows, records requests."""

import json
import logging
import re
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import urlsplit

from twilio.http import HttpClient
from twilio.http.response import Response

_PATH = re.compile(
    r"\A/2010-04-01/Accounts/(?P<account>\w+)(?:/(?P<kind>Keys|Applications)/(?P<sid>\w+))?\.json\Z"
)


@dataclass(frozen=True)
class Sent:
    """One request the code under test made."""

    method: str
    url: str
    auth: tuple[str, str] | None


@dataclass
class Account:
    """A Twilio account as the fake knows it. Standard keys may not read /Accounts or /Keys."""

    sid: str
    auth_token: str = field(repr=False)
    keys: dict[str, str] = field(repr=False)
    applications: set[str]
    status: str = "active"
    standard_keys: bool = False

    def role(self, auth: tuple[str, str] | None) -> str | None:
        """Who the credentials are for this account: "token", "main", "standard" or None."""
        if auth is None:
            return None
        username, password = auth
        if username == self.sid and password == self.auth_token:
            return "token"
        if username in self.keys and self.keys[username] == password:
            return "standard" if self.standard_keys else "main"
        return None


@dataclass
class FakeTwilio(HttpClient):
    """An HttpClient for twilio.rest.Client; ``fail`` makes matching URLs answer otherwise."""

    accounts: dict[str, Account] = field(default_factory=dict)
    sent: list[Sent] = field(default_factory=list)
    failures: list[tuple[str, int | BaseException]] = field(default_factory=list)

    def __post_init__(self):
        super().__init__(logger=logging.getLogger(__name__), is_async=False)

    def knows(self, organization, **options) -> Account:
        """Make the organization's stored credentials the right ones for its account."""
        account = Account(
            sid=organization.twilio_account_sid,
            auth_token=_plain(organization.twilio_auth_token),
            keys={organization.twilio_api_key_sid: _plain(organization.twilio_api_key_secret)},
            applications={organization.twilio_twiml_app_sid},
            **options,
        )
        self.accounts[account.sid] = account
        return account

    def fail(self, url_pattern: str, answer: int | BaseException) -> None:
        self.failures.append((url_pattern, answer))

    def request(self, method, uri, params=None, data=None, headers=None, auth=None, **kwargs):
        self.sent.append(Sent(method, uri, auth))
        for pattern, answer in self.failures:
            if re.search(pattern, uri):
                if isinstance(answer, BaseException):
                    raise answer
                return _error(answer)
        return self._answer(urlsplit(uri).path, auth)

    def _answer(self, path: str, auth) -> Response:
        match = _PATH.match(path)
        account = self.accounts.get(match["account"]) if match else None
        role = account.role(auth) if account else None
        kind = match["kind"] if match else None
        if role is None or (role == "standard" and kind in (None, "Keys")):
            return _error(HTTPStatus.UNAUTHORIZED)
        if kind is None:
            return _ok({"sid": account.sid, "status": account.status})
        known = account.keys if kind == "Keys" else account.applications
        return _ok({"sid": match["sid"]}) if match["sid"] in known else _error(HTTPStatus.NOT_FOUND)


def _plain(sealed) -> str:
    return sealed.reveal() if sealed else ""


def _ok(body: dict) -> Response:
    return Response(HTTPStatus.OK, json.dumps(body))


def _error(status: int) -> Response:
    codes = {HTTPStatus.UNAUTHORIZED: 20003, HTTPStatus.NOT_FOUND: 20404}
    body = {
        "code": codes.get(status, 20500),
        "message": HTTPStatus(status).phrase,
        "status": status,
    }
    return Response(status, json.dumps(body))


installed: FakeTwilio | None = None


def installed_client() -> FakeTwilio:
    """For ORGS_TWILIO_HTTP_CLIENT: the fake a test installed, so that nothing reaches Twilio."""
    if installed is None:
        raise RuntimeError("This test sent a request to Twilio without installing a fake.")
    return installed
