"""A fake Twilio REST API: answers as Twilio does for the accounts it knows, records requests."""

import itertools
import json
import logging
import re
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import parse_qsl, urlencode, urlsplit

from twilio.http import HttpClient
from twilio.http.response import Response

_PATH = re.compile(
    r"\A/2010-04-01/Accounts/(?P<account>\w+)"
    r"(?:/(?P<kind>Keys|Applications|IncomingPhoneNumbers)(?:/(?P<sid>\w+))?)?\.json\Z"
)
_CREDENTIAL_PATH = re.compile(r"\A/v1/Credentials/(?P<sid>CR\w+)\Z")
_SIDS = itertools.count(1)
# The public address the fake's accounts are wired to by default; tests that verify the wiring
# set TWILIO_WEBHOOK_BASE_URL to it.
PUBLIC_BASE_URL = "https://relay.example.com"
OUTBOUND_URL = PUBLIC_BASE_URL + "/api/webhook/calls/twilio/outbound"
INBOUND_URL = PUBLIC_BASE_URL + "/api/webhook/calls/twilio/inbound"
STATUS_URL = PUBLIC_BASE_URL + "/api/webhook/calls/twilio/status"
# A new application's settings, as Twilio gives them when it is created without them.
_NEW_APPLICATION = {
    "friendly_name": "",
    "voice_url": "",
    "voice_method": "POST",
    "status_callback": "",
    "status_callback_method": "POST",
}
# The kind of push credential each Organization field needs: Conversations' type and sandbox.
# Twilio's documented bodies give ``sandbox`` as the strings "True" and "False".
_PUSH_KINDS = {
    "twilio_push_credential_sid_ios": ("apn", "False"),
    "twilio_push_credential_sid_ios_sandbox": ("apn", "True"),
    "twilio_push_credential_sid_android": ("fcm", "False"),
    "twilio_push_credential_sid": ("apn", "False"),
}


def new_sid(prefix: str) -> str:
    """A well-formed SID the fake has not given out before."""
    return f"{prefix}{next(_SIDS):032x}"


@dataclass(frozen=True)
class Sent:
    """One request the code under test made."""

    method: str
    url: str
    auth: tuple[str, str] | None
    data: dict | None = None
    params: dict | None = None


@dataclass
class Account:
    """A Twilio account as the fake knows it. Standard keys may not read /Accounts or /Keys."""

    sid: str
    auth_token: str = field(repr=False)
    keys: dict[str, str] = field(repr=False)
    applications: set[str]
    status: str = "active"
    standard_keys: bool = False
    # The settings of each application (its VoiceUrl, StatusCallback, ...), and the account's
    # numbers by SID: what Twilio's resources hold, as Twilio names the fields.
    application_settings: dict[str, dict] = field(default_factory=dict)
    numbers: dict[str, dict] = field(default_factory=dict)
    push_credentials: dict[str, dict] = field(default_factory=dict)  # by SID: type, sandbox

    def number(self, phone_number: str, **settings) -> str:
        """Give the account a number (its calls to this service unless told); its SID."""
        sid = new_sid("PN")
        self.numbers[sid] = {
            "phone_number": phone_number,
            "voice_url": INBOUND_URL,
            "voice_method": "POST",
            "voice_application_sid": None,
            "trunk_sid": None,
        }
        self.numbers[sid].update(settings)
        return sid

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
    failures: list[tuple[str, int | str | BaseException]] = field(default_factory=list)
    # Twilio pages lists by PageSize, at most 1000; lower, to page with a few numbers.
    max_page_size: int = 1000
    # Seconds each request takes on ``clock``, for tests that patch time.monotonic with it.
    clock: float = 0.0
    seconds_per_request: float = 0.0

    def __post_init__(self):
        super().__init__(logger=logging.getLogger(__name__), is_async=False)

    def knows(self, organization, **options) -> Account:
        """Make the organization's stored credentials the right ones for its account."""
        app = organization.twilio_twiml_app_sid
        account = Account(
            sid=organization.twilio_account_sid,
            auth_token=_plain(organization.twilio_auth_token),
            keys={organization.twilio_api_key_sid: _plain(organization.twilio_api_key_secret)},
            applications={app},
            application_settings={
                app: {**_NEW_APPLICATION, "voice_url": OUTBOUND_URL, "status_callback": STATUS_URL}
            },
            push_credentials={
                sid: {"type": kind, "sandbox": sandbox}
                for name, (kind, sandbox) in _PUSH_KINDS.items()
                if (sid := getattr(organization, name))
            },
            **options,
        )
        self.accounts[account.sid] = account
        return account

    def knows_account(self, organization) -> Account:
        """Only the organization's account and Auth Token: no key, no TwiML App yet."""
        account = self.knows(organization)
        account.keys.clear()
        account.applications.clear()
        account.application_settings.clear()
        return account

    def fail(self, url_pattern: str, answer: int | str | BaseException) -> None:
        """Matching URLs answer this error status, raise this exception, or answer 200 with
        this body."""
        self.failures.append((url_pattern, answer))

    def request(self, method, uri, params=None, data=None, headers=None, auth=None, **kwargs):
        self.sent.append(
            Sent(method, uri, auth, dict(data) if data else None, dict(params) if params else None)
        )
        self.clock += self.seconds_per_request
        # A next page's URL carries its parameters in its query string.
        params = {**dict(parse_qsl(urlsplit(uri).query)), **(params or {})}
        for pattern, answer in self.failures:
            if re.search(pattern, uri):
                if isinstance(answer, BaseException):
                    raise answer
                if isinstance(answer, str):
                    return Response(HTTPStatus.OK, answer)
                return _error(answer)
        return self._answer(method, urlsplit(uri).path, auth, params, data or {})

    def _answer(self, method: str, path: str, auth, params: dict, data: dict) -> Response:
        if credential := _CREDENTIAL_PATH.match(path):
            return self._push_credential(credential["sid"], auth)
        match = _PATH.match(path)
        account = self.accounts.get(match["account"]) if match else None
        role = account.role(auth) if account else None
        kind = match["kind"] if match else None
        if role is None or (role == "standard" and kind in (None, "Keys")):
            return _error(HTTPStatus.UNAUTHORIZED)
        if kind is None:
            return _ok({"sid": account.sid, "status": account.status})
        if kind == "Keys":
            return self._keys(method, account, match["sid"], data)
        if kind == "Applications":
            return self._applications(method, account, match["sid"], data)
        return self._numbers(method, account, match["sid"], params, data)

    def _push_credential(self, sid: str, auth) -> Response:
        """Conversations' Credential resource, as any key or token of its account sees it."""
        account = next((a for a in self.accounts.values() if a.role(auth)), None)
        if account is None:
            return _error(HTTPStatus.UNAUTHORIZED)
        if sid not in account.push_credentials:
            return _error(HTTPStatus.NOT_FOUND)
        return _ok({"sid": sid, "account_sid": account.sid, **account.push_credentials[sid]})

    def _keys(self, method, account: Account, sid, data) -> Response:
        if method == "POST" and sid is None:  # a new Standard key; its secret shown once
            sid, secret = new_sid("SK"), new_sid("")[-32:]
            account.keys[sid] = secret
            return _ok({"sid": sid, "secret": secret, "friendly_name": data.get("FriendlyName")})
        return _ok({"sid": sid}) if sid in account.keys else _error(HTTPStatus.NOT_FOUND)

    def _applications(self, method, account: Account, sid, data) -> Response:
        if method == "POST" and sid is None:
            sid = new_sid("AP")
            account.applications.add(sid)
        if sid not in account.applications:
            return _error(HTTPStatus.NOT_FOUND)
        settings = account.application_settings.setdefault(sid, dict(_NEW_APPLICATION))
        if method == "POST":
            settings.update(_snake(data))
        return _ok({"sid": sid, "account_sid": account.sid, **settings})

    def _numbers(self, method, account: Account, sid, params, data) -> Response:
        if sid is None:  # the list, filtered as Twilio filters it: on any part of the number
            wanted = params.get("PhoneNumber", "")
            found = [
                {"sid": number_sid, "account_sid": account.sid, **number}
                for number_sid, number in account.numbers.items()
                if wanted in number["phone_number"]
            ]
            return self._page(account, found, params)
        if sid not in account.numbers:
            return _error(HTTPStatus.NOT_FOUND)
        if method == "POST":
            changes = _snake(data)
            for cleared in ("voice_application_sid", "trunk_sid"):
                if changes.get(cleared) == "":  # Twilio clears it
                    changes[cleared] = None
            account.numbers[sid].update(changes)
        return _ok({"sid": sid, "account_sid": account.sid, **account.numbers[sid]})

    def _page(self, account: Account, found: list[dict], params: dict) -> Response:
        """One page of the numbers list, shaped as Twilio's 2010 API pages it."""
        size = min(int(params.get("PageSize", 50)), self.max_page_size)
        page = int(params.get("Page", 0))
        uri = f"/2010-04-01/Accounts/{account.sid}/IncomingPhoneNumbers.json"
        more = len(found) > (page + 1) * size
        next_uri = f"{uri}?{urlencode({'PageSize': size, 'Page': page + 1})}" if more else None
        return _ok(
            {
                "incoming_phone_numbers": found[page * size : (page + 1) * size],
                "page": page,
                "page_size": size,
                "start": page * size,
                "end": min(len(found), (page + 1) * size) - 1,
                "uri": f"{uri}?{urlencode({'PageSize': size, 'Page': page})}",
                "first_page_uri": f"{uri}?{urlencode({'PageSize': size, 'Page': 0})}",
                "next_page_uri": next_uri,
                "previous_page_uri": None,
            }
        )


def _snake(data: dict) -> dict:
    """Twilio's form parameters (VoiceUrl) as its JSON names them (voice_url)."""
    return {re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower(): value for name, value in data.items()}


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
