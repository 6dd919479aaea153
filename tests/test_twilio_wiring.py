"""*Verify Twilio credentials* also checks that Twilio is wired to this service."""

import pytest

from orgs.twilio_checks import twilio_credentials_verify
from orgs.twilio_setup import twilio_voice_set_up
from tests.factories import OrganizationFactory, UserFactory
from tests.twilio_fake import INBOUND_URL, OUTBOUND_URL, STATUS_URL, FakeTwilio

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_base_url")]


@pytest.fixture
def member(org):
    return UserFactory(organization=org, twilio_phone_number="+14165550111")


@pytest.fixture
def account(org, fake, member):
    account = fake.accounts[org.twilio_account_sid]
    account.number(member.twilio_phone_number.as_e164)
    return account


def _failures(org, fake) -> dict[str, str]:
    report = twilio_credentials_verify(organization=org, http_client=fake)
    return {check.name: check.message for check in report.failures}


def test_a_wired_organization_passes_every_check(org, fake, account):
    report = twilio_credentials_verify(organization=org, http_client=fake)

    assert report.passed, report.summary()
    assert "Numbers" in [check.name for check in report.checks]
    app = next(check for check in report.checks if check.name == "TwiML App Voice URL")
    assert "it is told how they end" in app.message


def test_a_twiml_app_pointing_elsewhere_is_named_exactly(org, fake, account):
    account.application_settings[org.twilio_twiml_app_sid]["voice_url"] = "https://old.example/"

    failures = _failures(org, fake)

    assert list(failures) == ["TwiML App Voice URL"]
    assert "https://old.example/" in failures["TwiML App Voice URL"]
    assert OUTBOUND_URL in failures["TwiML App Voice URL"]
    assert "Set up Twilio voice" in failures["TwiML App Voice URL"]


@pytest.mark.parametrize(
    ("callback", "method", "named"),
    [
        ("", "POST", "(none)"),
        ("https://old.example/status", "POST", "https://old.example/status (POST)"),
        (STATUS_URL, "GET", f"{STATUS_URL} (GET)"),
    ],
)
def test_a_status_callback_not_this_services_is_a_warning_calls_still_work(
    org, fake, account, callback, method, named
):
    account.application_settings[org.twilio_twiml_app_sid].update(
        status_callback=callback, status_callback_method=method
    )

    report = twilio_credentials_verify(organization=org, http_client=fake)

    assert report.passed, report.summary()
    (warning,) = report.warnings
    assert warning.name == "TwiML App Voice URL"
    assert warning.message == (
        f"Calls from softphones work, but the status callback is {named}, not {STATUS_URL} "
        "(POST): the call log misses the end of calls placed by softphones. Run *Set up Twilio "
        "voice*, or in the Twilio Console: Voice > TwiML Apps > the app > Voice Configuration > "
        "Status Callback URL."
    )


def test_a_twiml_app_wrong_in_both_names_both(org, fake, account):
    account.application_settings[org.twilio_twiml_app_sid].update(
        voice_url="https://old.example/", status_callback=""
    )

    message = _failures(org, fake)["TwiML App Voice URL"]

    assert message.startswith("The TwiML App's Voice URL is https://old.example/ (POST), not ")
    assert f"Its status callback is (none), not {STATUS_URL} (POST)" in message
    assert message.endswith("Voice > TwiML Apps > the app > Voice Configuration.")


def test_a_number_whose_calls_go_elsewhere_is_named_exactly(org, fake, account, member):
    (number,) = account.numbers.values()
    number["voice_url"] = "https://demo.twilio.com/welcome/voice/"

    failures = _failures(org, fake)

    assert list(failures) == ["Numbers"]
    assert failures["Numbers"].startswith("+14165550111: incoming calls go to https://demo.twilio")
    assert INBOUND_URL in failures["Numbers"]


def test_a_number_outside_the_account_is_named(org, fake, account):
    UserFactory(organization=org, twilio_phone_number="+14165550999")

    failures = _failures(org, fake)

    assert list(failures) == ["Numbers"]
    assert "+14165550999 is not a number of this account" in failures["Numbers"]


def test_a_push_credential_of_the_wrong_kind_is_named(org, fake, account):
    org.twilio_push_credential_sid_ios = "CR" + "1" * 32
    org.twilio_push_credential_sid_android = "CR" + "2" * 32
    account.push_credentials["CR" + "1" * 32] = {"type": "apn", "sandbox": "True"}

    failures = _failures(org, fake)

    assert list(failures) == ["Push credentials"]
    assert "iOS: CR111" in failures["Push credentials"]
    assert (
        "is APNs sandbox, but this platform needs APNs production" in failures["Push credentials"]
    )
    assert "Android: Twilio found no push credential CR222" in failures["Push credentials"]


@pytest.mark.parametrize("production", ["False", "false", False])
@pytest.mark.parametrize("sandbox", ["True", "true", True])
def test_push_credentials_of_the_right_kind_pass_however_twilio_spells_sandbox(
    org, fake, account, production, sandbox
):
    """Twilio documents ``sandbox`` as the strings "True" and "False"."""
    org.twilio_push_credential_sid_ios = "CR" + "1" * 32
    org.twilio_push_credential_sid_ios_sandbox = "CR" + "2" * 32
    org.twilio_push_credential_sid_android = "CR" + "3" * 32
    account.push_credentials.update(
        {
            "CR" + "1" * 32: {"type": "apn", "sandbox": production},
            "CR" + "2" * 32: {"type": "apn", "sandbox": sandbox},
            "CR" + "3" * 32: {"type": "fcm", "sandbox": "False"},
        }
    )

    report = twilio_credentials_verify(organization=org, http_client=fake)

    assert report.passed, report.summary()
    assert "Push credentials" in [check.name for check in report.checks]


def test_a_number_whose_webhook_method_is_get_is_named_with_its_method(org, fake, account, member):
    (number,) = account.numbers.values()
    number["voice_method"] = "GET"

    failures = _failures(org, fake)

    assert failures["Numbers"].startswith(
        f"+14165550111: incoming calls go to {INBOUND_URL} (GET), not to {INBOUND_URL} (POST)"
    )


def test_a_number_on_a_sip_trunk_is_not_wired(org, fake, account, member):
    (number,) = account.numbers.values()
    number["trunk_sid"] = "TK" + "5" * 32

    failures = _failures(org, fake)

    assert failures["Numbers"].startswith("+14165550111: incoming calls go to (the SIP trunk TK555")


def test_without_the_public_url_the_wiring_is_reported_unchecked(org, fake, account, settings):
    settings.TWILIO_WEBHOOK_BASE_URL = ""

    failures = _failures(org, fake)

    assert list(failures) == ["Webhooks"]
    assert "TWILIO_WEBHOOK_BASE_URL is not set" in failures["Webhooks"]


def test_set_up_then_verify_passes_from_only_an_account_sid_and_auth_token():
    org = OrganizationFactory(only_account=True)
    UserFactory(organization=org, twilio_phone_number="+14165550222")
    fake = FakeTwilio()
    fake.knows_account(org).number("+14165550222", voice_url="")

    setup = twilio_voice_set_up(organization=org, apply=True, http_client=fake)
    org.refresh_from_db()
    report = twilio_credentials_verify(organization=org, http_client=fake)

    assert not setup.failed
    assert report.passed, report.summary()


def test_the_numbers_are_checked_with_one_listing_however_many_members(org, fake, account):
    for n in range(5):
        number = f"+1416555060{n}"
        UserFactory(organization=org, twilio_phone_number=number)
        account.number(number)

    report = twilio_credentials_verify(organization=org, http_client=fake)

    assert report.passed, report.summary()
    listings = [s for s in fake.sent if "IncomingPhoneNumbers" in s.url]
    assert len(listings) == 1
    assert listings[0].params == {"PageSize": 1000}


def test_a_number_routed_to_a_twiml_app_is_not_wired_whatever_its_url(org, fake, account):
    (number,) = account.numbers.values()
    number["voice_application_sid"] = "AP" + "9" * 32

    failures = _failures(org, fake)

    assert list(failures) == ["Numbers"]
    assert "incoming calls go to (the TwiML App AP999" in failures["Numbers"]


def test_verify_sends_nothing_after_its_deadline_and_says_so(org, fake, account):
    report = twilio_credentials_verify(organization=org, http_client=fake, deadline=0.0)

    assert fake.sent == []
    assert not report.passed
    assert "this page's time with Twilio was up" in report.summary()


def _numbers_on_pages(org, account, fake, members: int) -> None:
    """``members`` members, each with a number of the account, listed two to a page."""
    fake.max_page_size = 2
    for n in range(members):
        number = f"+1416555070{n}"
        UserFactory(organization=org, twilio_phone_number=number)
        account.number(number)


def test_numbers_on_later_pages_of_twilios_list_are_found(org, fake, account):
    _numbers_on_pages(org, account, fake, members=5)  # and the member's own: 3 pages

    report = twilio_credentials_verify(organization=org, http_client=fake)

    assert report.passed, report.summary()
    assert len([s for s in fake.sent if "IncomingPhoneNumbers" in s.url]) == 3


def test_no_page_of_the_number_list_starts_after_the_deadline(org, fake, account, monkeypatch):
    _numbers_on_pages(org, account, fake, members=5)
    fake.seconds_per_request = 1.0
    monkeypatch.setattr("orgs.twilio_api.time.monotonic", lambda: fake.clock)
    # The credentials' four requests and the first page of numbers start within the 5 s.
    report = twilio_credentials_verify(organization=org, http_client=fake, deadline=5.0)

    assert len([s for s in fake.sent if "IncomingPhoneNumbers" in s.url]) == 1
    assert {check.name: check.message for check in report.failures} == {
        "Numbers": "Not checked: this page's time with Twilio was up. Verify fewer at once, or "
        "run `manage.py verify_twilio_credentials`, which has no time limit."
    }


def test_with_a_refused_key_the_wiring_is_still_checked_with_the_auth_token(org, fake, account):
    org.twilio_api_key_secret = "Wr0ngS3cr3tWr0ngS3cr3tWr0ngS3cr3"
    account.application_settings[org.twilio_twiml_app_sid]["voice_url"] = "https://old.example/"

    failures = _failures(org, fake)

    assert list(failures) == ["API key", "TwiML App Voice URL"]
    assert "tick *Remove the stored API key secret*" in failures["API key"]
    assert "https://old.example/" in failures["TwiML App Voice URL"]


def test_with_a_refused_key_and_no_auth_token_nothing_more_is_asked(org, fake, account):
    org.twilio_api_key_secret = "Wr0ngS3cr3tWr0ngS3cr3tWr0ngS3cr3"
    org.twilio_auth_token = ""

    failures = _failures(org, fake)

    assert list(failures) == ["API key", "Auth Token"]
    assert len(fake.sent) == 1
