"""End to end over HTTP: gunicorn in production mode serves signed webhooks, refuses forged."""

import json
import urllib.request
from dataclasses import dataclass
from http import HTTPStatus
from types import SimpleNamespace
from urllib.error import HTTPError
from urllib.parse import urlencode

import pytest

from tests.live_server import free_port, gunicorn, production_env, run
from tests.webhooks import (
    FORM,
    INBOUND_PATH,
    OUTBOUND_PATH,
    assert_dials_client,
    assert_dials_number,
    assert_forbidden,
    inbound_params,
    outbound_params,
    sign,
)

DESTINATION = "+12025550100"


@dataclass(frozen=True)
class LiveResponse:
    """What the assertions of tests.webhooks read from a response, from urllib's."""

    status_code: int
    headers: dict[str, str]
    content: bytes

    def __getitem__(self, name: str) -> str:
        return self.headers[name.lower()]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The running server's base URL and the seeded account; stopped after the module."""
    work = tmp_path_factory.mktemp("webhook-live")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = production_env(
        DATABASE_URL=f"sqlite:///{work / 'db.sqlite3'}", TWILIO_WEBHOOK_BASE_URL=base_url
    )
    seeded = json.loads(run("-m", "tests.webhook_seed", env=env).stdout)
    log = work / "server.log"
    with gunicorn(env=env, port=port, log=log):
        yield SimpleNamespace(url=base_url, log=log, **seeded)


def _post(url: str, params: dict, signature: str | None) -> LiveResponse:
    headers = {"Content-Type": FORM}
    if signature is not None:
        headers["X-Twilio-Signature"] = signature
    request = urllib.request.Request(  # noqa: S310 - a loopback http URL of our own
        url, data=urlencode(params).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return LiveResponse(response.status, _lower(response.headers), response.read())
    except HTTPError as error:
        with error:
            return LiveResponse(error.code, _lower(error.headers), error.read())


def _lower(headers) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def _org(server) -> SimpleNamespace:
    return SimpleNamespace(
        twilio_account_sid=server.account_sid, twilio_twiml_app_sid=server.application_sid
    )


def _outbound(server, caller: str | None = None) -> dict:
    return outbound_params(_org(server), caller or server.member_number, DESTINATION)


def test_a_signed_outbound_call_is_dialled(server):
    params = _outbound(server)
    url = server.url + OUTBOUND_PATH

    response = _post(url, params, sign(server.auth_token, url, params))

    assert_dials_number(
        response, number=DESTINATION, caller_id=server.member_number, origin=server.url
    )


def test_a_signed_inbound_call_rings_the_member(server):
    params = inbound_params(_org(server), server.member_number)
    url = server.url + INBOUND_PATH

    response = _post(url, params, sign(server.auth_token, url, params))

    assert_dials_client(response, identity=server.member_number, origin=server.url)


@pytest.mark.parametrize("path", [OUTBOUND_PATH, INBOUND_PATH])
def test_unsigned_and_forged_requests_are_forbidden(server, path):
    params = _outbound(server) if path == OUTBOUND_PATH else inbound_params(_org(server), "+1")
    url = server.url + path
    forged = sign("0" * 32, url, params)

    assert_forbidden(_post(url, params, None))
    assert_forbidden(_post(url, params, forged))


def test_a_request_replayed_to_another_url_is_forbidden(server):
    params = _outbound(server)
    inbound = sign(server.auth_token, server.url + INBOUND_PATH, params)
    other_host = sign(server.auth_token, server.url.replace("127.0.0.1", "localhost"), params)

    assert_forbidden(_post(server.url + OUTBOUND_PATH, params, inbound))
    assert_forbidden(_post(server.url + OUTBOUND_PATH, params, other_host))


def test_a_caller_of_another_tenant_is_forbidden(server):
    params = _outbound(server, caller=server.other_tenant_number)
    url = server.url + OUTBOUND_PATH

    assert_forbidden(_post(url, params, sign(server.auth_token, url, params)))


def test_the_server_log_names_the_refusal_and_no_secret(server):
    params = _outbound(server)
    url = server.url + OUTBOUND_PATH
    forged = sign("f" * 32, url, params)

    assert_forbidden(_post(url, params, forged))

    log = server.log.read_text()
    assert f"bad_signature (AccountSid {server.account_sid}" in log
    assert server.auth_token not in log
    assert forged not in log


def test_only_post_is_served(server):
    with pytest.raises(HTTPError) as raised:
        urllib.request.urlopen(server.url + INBOUND_PATH, timeout=10)  # noqa: S310

    with raised.value as error:
        assert error.code == HTTPStatus.METHOD_NOT_ALLOWED
