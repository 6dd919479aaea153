"""The Twilio credential check: what each answer from Twilio means to an administrator."""

import pytest
import requests
from cryptography.fernet import Fernet

from orgs.models import Organization
from orgs.twilio_checks import twilio_credentials_verify
from tests.factories import OrganizationFactory, UserFactory
from tests.twilio_fake import FakeTwilio

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_base_url")]


ALL_CHECKS = [
    "Credentials",
    "API key",
    "Account",
    "TwiML App",
    "Auth Token",
    "TwiML App Voice URL",
    "Numbers",
]


def _verify(org, fake):
    return twilio_credentials_verify(organization=org, http_client=fake)


def _results(report) -> dict[str, bool]:
    return {check.name: check.passed for check in report.checks}


def _message(report, name: str) -> str:
    return next(check.message for check in report.checks if check.name == name)


def test_all_checks_pass(org, fake):
    report = _verify(org, fake)

    assert report.passed
    assert [check.name for check in report.checks] == ALL_CHECKS
    assert report.summary() == f"{org.name}: verified with Twilio ({', '.join(ALL_CHECKS)})."


def test_requests_go_to_the_organization_account_with_the_right_credentials(org, fake):
    _verify(org, fake)

    base = f"https://api.twilio.com/2010-04-01/Accounts/{org.twilio_account_sid}"
    key = (org.twilio_api_key_sid, org.twilio_api_key_secret.reveal())
    token = (org.twilio_account_sid, org.twilio_auth_token.reveal())
    assert [(sent.method, sent.url, sent.auth) for sent in fake.sent] == [
        ("GET", f"{base}/Applications/{org.twilio_twiml_app_sid}.json", key),
        ("GET", f"{base}/Keys/{org.twilio_api_key_sid}.json", key),
        ("GET", f"{base}.json", key),
        ("GET", f"{base}.json", token),
    ]


def test_a_standard_api_key_passes_though_twilio_hides_the_account_from_it(org):
    fake = FakeTwilio()
    fake.knows(org, standard_keys=True)
    org.twilio_auth_token = ""

    report = _verify(org, fake)

    assert [check.name for check in report.failures] == ["Auth Token"]  # calls need it
    assert _results(report)["Account"] is True
    assert _message(report, "Account") == (
        "Twilio accepts the API key for this account, so it is active."
    )


def test_a_wrong_secret_is_refused(org, fake, caplog):
    org.twilio_api_key_secret = "Wr0ngS3cr3tWr0ngS3cr3tWr0ngS3cr3"

    with caplog.at_level("INFO", logger="orgs"):
        report = _verify(org, fake)

    # The Auth Token still reads the TwiML App and the wiring, which are checked with it.
    assert _results(report) == {
        "Credentials": True,
        "API key": False,
        "Auth Token": True,
        "TwiML App": True,
        "TwiML App Voice URL": True,
        "Numbers": True,
    }
    assert _message(report, "API key").startswith("Twilio refused the API key SID and secret")
    assert report.summary().startswith(f"{org.name}: API key: Twilio refused")
    assert caplog.messages == [
        "Twilio answered HTTP 401 (error 20003) to the TwiML App request "
        f"for organization {org.pk}."
    ]


def test_an_unknown_api_key(org, fake):
    fake.fail("/Keys/", 404)

    report = _verify(org, fake)

    assert not _results(report)["API key"]
    assert _message(report, "API key") == (
        f"Twilio found no API key {org.twilio_api_key_sid} in this account. Run *Set up Twilio "
        "voice*: it creates a new one."
    )
    assert [check.name for check in report.failures] == ["API key"]


def test_a_missing_twiml_app(org, fake):
    fake.accounts[org.twilio_account_sid].applications.clear()

    report = _verify(org, fake)

    assert [check.name for check in report.failures] == ["TwiML App"]
    assert _message(report, "TwiML App") == (
        f"Twilio found no TwiML App {org.twilio_twiml_app_sid} in this account. Run *Set up "
        "Twilio voice*: it creates a new one."
    )


@pytest.mark.parametrize("status", ["suspended", "closed"])
def test_an_inactive_account(org, status):
    fake = FakeTwilio()
    fake.knows(org, status=status)

    report = _verify(org, fake)

    assert [check.name for check in report.failures] == ["Account"]
    assert _message(report, "Account").startswith(f"The Twilio account is {status}")


def test_a_wrong_auth_token(org, fake):
    org.twilio_auth_token = "0" * 32

    report = _verify(org, fake)

    assert [check.name for check in report.failures] == ["Auth Token"]
    assert _message(report, "Auth Token").startswith("Twilio refused the Auth Token")


def test_no_auth_token_fails_verify_without_asking_twilio_about_it(fake):
    """Tokens need no Auth Token, but the voice webhooks refuse every call without it."""
    org = OrganizationFactory(twilio_auth_token="")
    fake.knows(org)

    report = _verify(org, fake)

    assert [check.name for check in report.failures] == ["Auth Token"]
    assert _message(report, "Auth Token").startswith("Not set: the voice webhooks check")
    assert "Twilio Console, Account Info" in _message(report, "Auth Token")
    assert all(sent.auth[0] != org.twilio_account_sid for sent in fake.sent)


def test_missing_credentials_send_nothing_to_twilio():
    org = OrganizationFactory(twilio_api_key_secret="", twilio_twiml_app_sid="")
    fake = FakeTwilio()

    report = _verify(org, fake)

    assert fake.sent == []
    assert _results(report) == {"Credentials": False}
    assert _message(report, "Credentials") == (
        "Not set: API key secret, TwiML App SID. Nothing was sent to Twilio. Run *Set up "
        "Twilio voice*: it creates what is missing."
    )


def test_without_an_account_sid_verify_says_where_to_find_it():
    org = OrganizationFactory(twilio_account_sid="", twilio_auth_token="")

    report = _verify(org, FakeTwilio())

    assert _message(report, "Credentials").endswith(
        "Enter the Account SID and the Auth Token (Twilio Console, Account Info), then run "
        "*Set up Twilio voice*."
    )


def test_a_network_error_stops_at_the_first_request(org, fake):
    fake.fail(".", requests.ConnectionError("connection refused"))

    report = _verify(org, fake)

    assert len(fake.sent) == 1
    assert _results(report) == {"Credentials": True, "Connection": False}
    assert "could not be reached" in _message(report, "Connection")


def test_a_later_network_error_fails_only_its_check(org, fake):
    fake.fail("/Keys/", requests.Timeout("read timed out"))

    report = _verify(org, fake)

    assert [check.name for check in report.failures] == ["API key"]
    assert _message(report, "API key") == (
        "Twilio did not answer (network error or timeout). Try again later."
    )


@pytest.mark.parametrize(
    ("status", "said"),
    [
        (503, "Twilio answered with HTTP error 503, a fault on its side. Try again later."),
        (429, "Twilio answered 429, too many requests. Try again later."),
        (400, "Twilio answered with HTTP error 400."),
    ],
)
def test_an_error_on_the_first_request_is_twilios_not_the_keys(org, fake, status, said):
    fake.fail("/Applications/", status)

    report = _verify(org, fake)

    assert [check.name for check in report.failures] == ["Twilio"]
    assert _message(report, "Twilio") == said


def test_an_answer_that_is_not_json_is_said_to_be_unreadable(org, fake, caplog):
    fake.fail("/Keys/", "not json")

    report = _verify(org, fake)

    assert [check.name for check in report.failures] == ["API key"]
    assert _message(report, "API key") == (
        "Twilio's answer could not be read (it was not JSON). Try again later."
    )
    assert "Unreadable answer from Twilio to the API key request" in caplog.text


def test_an_undecryptable_secret_is_reported_and_not_sent(org, fake, settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    org = Organization.objects.get(pk=org.pk)

    report = _verify(org, fake)

    assert fake.sent == []
    assert _results(report) == {"Credentials": True, "API key": False, "Auth Token": False}
    assert "cannot be decrypted" in _message(report, "API key")


@pytest.mark.parametrize(("status", "said"), [(503, "HTTP error 503"), (429, "429, too many")])
def test_an_error_status_on_a_page_of_numbers_is_named_not_taken_for_no_answer(
    org, fake, settings, status, said
):
    settings.TWILIO_WEBHOOK_BASE_URL = "https://relay.example.com"
    UserFactory(organization=org, twilio_phone_number="+14165550111")
    fake.accounts[org.twilio_account_sid].number("+14165550111")
    fake.fail(r"IncomingPhoneNumbers\.json", status)

    report = _verify(org, fake)

    assert [check.name for check in report.failures] == ["Numbers"]
    assert said in _message(report, "Numbers")
