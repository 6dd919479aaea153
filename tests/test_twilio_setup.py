"""Setting Twilio up from an Account SID and an Auth Token, against a stateful fake Twilio."""

import pytest
from cryptography.fernet import Fernet

from orgs.models import Organization
from orgs.twilio_checks import twilio_credentials_verify
from orgs.twilio_setup import CREATE, FAIL, KEEP, MISSING, UPDATE, TwilioSetupRefused
from orgs.twilio_setup import twilio_voice_set_up as set_up
from tests import twilio_fake
from tests.factories import OrganizationFactory, UserFactory
from tests.twilio_fake import FakeTwilio

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_base_url")]

OUTBOUND, INBOUND = twilio_fake.OUTBOUND_URL, twilio_fake.INBOUND_URL
STATUS = twilio_fake.STATUS_URL


@pytest.fixture
def new_org():
    """An organization with only an Account SID and an Auth Token, and two members."""
    org = OrganizationFactory(only_account=True)
    UserFactory(organization=org, twilio_phone_number="+14165550101")
    UserFactory(organization=org, twilio_phone_number="+14165550102")
    UserFactory(organization=org, twilio_phone_number="+14165550103", is_active=False)
    return org


@pytest.fixture
def twilio(new_org) -> FakeTwilio:
    fake = FakeTwilio()
    fake.knows_account(new_org).number("+14165550101", voice_url="https://elsewhere.example/")
    return fake


def _resource(url: str) -> str:
    """The part of a REST URL after /Accounts/AC...: ".json" for the account itself."""
    return url.split("/Accounts/", 1)[1][34:]


def _changes(report) -> list[tuple[str, str]]:
    return [(step.subject, step.change) for step in report.steps]


def test_a_dry_run_says_what_it_would_do_and_changes_nothing(new_org, twilio):
    report = set_up(organization=new_org, apply=False, http_client=twilio)

    assert _changes(report) == [
        ("API key", CREATE),
        ("TwiML App", CREATE),
        ("Number +14165550101", UPDATE),
        ("Number +14165550102", MISSING),
    ]
    assert all(sent.method == "GET" for sent in twilio.sent)
    new_org.refresh_from_db()
    assert not new_org.twilio_api_key_sid
    assert not new_org.twilio_twiml_app_sid
    assert "will be created" in report.summary()
    assert f"and status callback {STATUS} (POST), so that calls are logged." in report.summary()


def test_set_up_creates_the_key_and_app_and_points_the_numbers_here(new_org, twilio, caplog):
    caplog.set_level("DEBUG")
    report = set_up(organization=new_org, apply=True, http_client=twilio)

    assert not report.failed
    account = twilio.accounts[new_org.twilio_account_sid]
    (number_sid,) = account.numbers
    assert [(s.method, _resource(s.url), s.data, s.params) for s in twilio.sent] == [
        ("GET", ".json", None, None),
        ("POST", "/Keys.json", {"FriendlyName": "Tether Relay voice"}, None),
        (
            "POST",
            "/Applications.json",
            {
                "FriendlyName": "Tether Relay voice",
                "VoiceUrl": OUTBOUND,
                "VoiceMethod": "POST",
                "StatusCallback": STATUS,
                "StatusCallbackMethod": "POST",
            },
            None,
        ),
        ("GET", "/IncomingPhoneNumbers.json", None, {"PageSize": 1000}),
        (
            "POST",
            f"/IncomingPhoneNumbers/{number_sid}.json",
            {"VoiceUrl": INBOUND, "VoiceMethod": "POST", "VoiceApplicationSid": ""},
            None,
        ),
    ]
    new_org.refresh_from_db()
    assert account.keys[new_org.twilio_api_key_sid] == new_org.twilio_api_key_secret.reveal()
    app = account.application_settings[new_org.twilio_twiml_app_sid]
    assert (app["voice_url"], app["voice_method"]) == (OUTBOUND, "POST")
    assert (app["status_callback"], app["status_callback_method"]) == (STATUS, "POST")
    assert [n["voice_url"] for n in account.numbers.values()] == [INBOUND]
    secret = new_org.twilio_api_key_secret.reveal()
    assert secret not in report.summary()
    assert secret not in caplog.text
    assert new_org.twilio_auth_token.reveal() not in caplog.text


def test_a_second_run_changes_nothing_and_says_so(new_org, twilio):
    set_up(organization=new_org, apply=True, http_client=twilio)
    twilio.sent.clear()

    again = set_up(organization=new_org, apply=True, http_client=twilio)

    assert [change for _, change in _changes(again)] == [KEEP, KEEP, KEEP, MISSING]
    assert [(sent.method, _resource(sent.url)) for sent in twilio.sent] == [
        ("GET", ".json"),
        ("GET", f"/Keys/{new_org.twilio_api_key_sid}.json"),
        ("GET", f"/Applications/{new_org.twilio_twiml_app_sid}.json"),
        ("GET", "/IncomingPhoneNumbers.json"),
    ]
    assert "already set up; nothing changed" in again.summary()
    assert f"its status callback {STATUS} (POST)." in again.summary()


def test_a_stored_app_pointing_elsewhere_is_updated_not_replaced(new_org, twilio):
    set_up(organization=new_org, apply=True, http_client=twilio)
    new_org.refresh_from_db()
    app = new_org.twilio_twiml_app_sid
    twilio.accounts[new_org.twilio_account_sid].application_settings[app]["voice_url"] = (
        "https://old.example.com/"
    )

    report = set_up(organization=new_org, apply=True, http_client=twilio)

    assert (f"TwiML App {app}", UPDATE) in _changes(report)
    new_org.refresh_from_db()
    assert new_org.twilio_twiml_app_sid == app
    assert (
        twilio.accounts[new_org.twilio_account_sid].application_settings[app]["voice_url"]
        == OUTBOUND
    )


@pytest.fixture
def app_without_status_callback(new_org, twilio) -> dict:
    """The organization set up, then its TwiML App's status callback removed in the Console."""
    set_up(organization=new_org, apply=True, http_client=twilio)
    new_org.refresh_from_db()
    app = twilio.accounts[new_org.twilio_account_sid].application_settings[
        new_org.twilio_twiml_app_sid
    ]
    app["status_callback"] = ""
    twilio.sent.clear()
    return app


def test_a_right_voice_url_without_the_status_callback_is_an_update(
    new_org, twilio, app_without_status_callback
):
    subject = f"TwiML App {new_org.twilio_twiml_app_sid}"

    plan = set_up(organization=new_org, apply=False, http_client=twilio)

    assert (subject, UPDATE) in _changes(plan)
    assert (
        f"{subject}: its status callback (none) will become {STATUS} (POST), so that calls are "
        "logged." in plan.summary()
    )
    assert "Voice URL" not in plan.steps[1].planned
    assert all(sent.method == "GET" for sent in twilio.sent)
    assert app_without_status_callback["status_callback"] == ""


def test_the_update_sends_the_status_callback_and_a_second_run_keeps_it(
    new_org, twilio, app_without_status_callback
):
    app_sid = new_org.twilio_twiml_app_sid

    report = set_up(organization=new_org, apply=True, http_client=twilio)

    (update,) = [sent for sent in twilio.sent if sent.method == "POST"]
    assert _resource(update.url) == f"/Applications/{app_sid}.json"
    assert update.data["StatusCallback"] == STATUS
    assert update.data["StatusCallbackMethod"] == "POST"
    assert app_without_status_callback["status_callback"] == STATUS
    assert app_without_status_callback["status_callback_method"] == "POST"
    assert (
        f"TwiML App {app_sid}: status callback set to {STATUS} (POST), so that calls are logged."
        in report.summary()
    )
    twilio.sent.clear()
    again = set_up(organization=new_org, apply=True, http_client=twilio)
    assert (f"TwiML App {app_sid}", KEEP) in _changes(again)
    assert all(sent.method == "GET" for sent in twilio.sent)


@pytest.mark.parametrize(
    ("callback", "method", "named"),
    [
        ("https://old.example.com/status", "POST", "https://old.example.com/status (POST)"),
        (STATUS, "GET", f"{STATUS} (GET)"),
    ],
)
def test_another_status_callback_is_named_and_replaced(
    new_org, twilio, app_without_status_callback, callback, method, named
):
    app_without_status_callback.update(status_callback=callback, status_callback_method=method)

    report = set_up(organization=new_org, apply=True, http_client=twilio)

    assert f"its status callback {named} will become {STATUS} (POST)" in report.steps[1].planned
    assert app_without_status_callback["status_callback"] == STATUS
    assert app_without_status_callback["status_callback_method"] == "POST"


def test_an_app_wrong_in_both_says_both_and_fixes_both_in_one_request(
    new_org, twilio, app_without_status_callback
):
    app_without_status_callback["voice_url"] = "https://old.example.com/"

    report = set_up(organization=new_org, apply=True, http_client=twilio)

    step = report.steps[1]
    assert step.planned == (
        f"its Voice URL https://old.example.com/ (POST) will become {OUTBOUND} (POST); its status "
        f"callback (none) will become {STATUS} (POST), so that calls are logged."
    )
    assert step.done == (
        f"Voice URL set to {OUTBOUND} (POST); status callback set to {STATUS} (POST), so that "
        "calls are logged."
    )
    assert [sent.method for sent in twilio.sent].count("POST") == 1
    assert app_without_status_callback["voice_url"] == OUTBOUND
    assert app_without_status_callback["status_callback"] == STATUS


def test_a_refused_auth_token_stops_at_the_first_step(new_org, twilio):
    twilio.accounts[new_org.twilio_account_sid].auth_token = "replaced"

    report = set_up(organization=new_org, apply=True, http_client=twilio)

    assert _changes(report) == [("Auth Token", FAIL)]
    assert "refused the Account SID and Auth Token" in report.summary()


@pytest.mark.parametrize(
    ("base", "debug", "reason"),
    [
        ("", False, "is not set"),
        ("http://relay.example.com", False, "is not HTTPS"),
        ("https://relay.example.com?x=1", True, "white space, a query or a fragment"),
        (" https://relay.example.com", True, "white space, a query or a fragment"),
        ("https://relay.example.com:99999", True, "URL of a host, without a user name"),
    ],
)
def test_no_usable_public_url_refuses_before_any_request(
    new_org, twilio, settings, base, debug, reason
):
    settings.TWILIO_WEBHOOK_BASE_URL = base
    settings.DEBUG = debug

    with pytest.raises(TwilioSetupRefused, match=reason):
        set_up(organization=new_org, apply=True, http_client=twilio)

    assert twilio.sent == []


def test_an_organization_without_an_auth_token_is_refused(twilio):
    org = OrganizationFactory(twilio_auth_token="")

    with pytest.raises(TwilioSetupRefused, match="Auth Token"):
        set_up(organization=org, apply=True, http_client=twilio)


def test_a_spent_time_budget_stops_before_the_next_request(new_org, twilio):
    report = set_up(organization=new_org, apply=True, http_client=twilio, deadline=0.0)

    assert _changes(report) == [("Twilio", FAIL)]
    assert "this page's time with Twilio is up" in report.summary()
    assert "manage.py set_up_twilio_voice" in report.summary()
    assert twilio.sent == []


def test_only_the_members_own_number_is_touched_though_twilio_matches_parts(new_org, twilio):
    """Twilio's PhoneNumber filter matches parts of numbers; +14165550102 is not in the
    account, +141655501023 (another product's) is, and must be left alone."""
    account = twilio.accounts[new_org.twilio_account_sid]
    other = account.number("+141655501023", voice_url="https://other-product.example/voice")

    report = set_up(organization=new_org, apply=True, http_client=twilio)

    assert ("Number +14165550102", MISSING) in _changes(report)
    assert account.numbers[other]["voice_url"] == "https://other-product.example/voice"


def test_a_number_routed_to_a_twiml_app_is_rewired_and_the_app_cleared(new_org, twilio):
    account = twilio.accounts[new_org.twilio_account_sid]
    (number_sid,) = account.numbers
    account.numbers[number_sid].update(voice_url=INBOUND, voice_application_sid="AP" + "9" * 32)

    plan = set_up(organization=new_org, apply=False, http_client=twilio)
    set_up(organization=new_org, apply=True, http_client=twilio)

    assert ("Number +14165550101", UPDATE) in _changes(plan)
    assert "(the TwiML App AP999" in plan.summary()
    assert account.numbers[number_sid]["voice_application_sid"] is None
    assert account.numbers[number_sid]["voice_url"] == INBOUND


def test_a_key_created_before_a_later_failure_is_kept(new_org, twilio):
    twilio.fail(r"/Applications\.json", 500)

    report = set_up(organization=new_org, apply=True, http_client=twilio)

    assert _changes(report) == [("API key", CREATE), ("TwiML App", FAIL)]
    new_org.refresh_from_db()
    account = twilio.accounts[new_org.twilio_account_sid]
    assert account.keys[new_org.twilio_api_key_sid] == new_org.twilio_api_key_secret.reveal()


def test_a_scheme_in_capitals_is_still_https(new_org, twilio, settings):
    settings.TWILIO_WEBHOOK_BASE_URL = "HTTPS://relay.example.com"
    settings.DEBUG = False

    report = set_up(organization=new_org, apply=False, http_client=twilio)

    assert not report.failed


def test_a_number_on_a_sip_trunk_is_taken_off_it_and_a_second_run_changes_nothing(new_org, twilio):
    account = twilio.accounts[new_org.twilio_account_sid]
    (number_sid,) = account.numbers
    account.numbers[number_sid].update(voice_url=INBOUND, trunk_sid="TK" + "5" * 32)

    plan = set_up(organization=new_org, apply=False, http_client=twilio)
    first = set_up(organization=new_org, apply=True, http_client=twilio)
    second = set_up(organization=new_org, apply=True, http_client=twilio)

    assert "(the SIP trunk TK555" in plan.summary()
    assert ("Number +14165550101", UPDATE) in _changes(first)
    assert account.numbers[number_sid]["trunk_sid"] is None
    assert second.changes == ()


def test_a_number_with_the_right_url_but_get_is_set_to_post(new_org, twilio):
    account = twilio.accounts[new_org.twilio_account_sid]
    (number_sid,) = account.numbers
    account.numbers[number_sid].update(voice_url=INBOUND, voice_method="GET")

    plan = set_up(organization=new_org, apply=False, http_client=twilio)
    set_up(organization=new_org, apply=True, http_client=twilio)

    assert f"webhook {INBOUND} (GET) will become {INBOUND} (POST)" in plan.summary()
    assert account.numbers[number_sid]["voice_method"] == "POST"


def test_a_stored_key_twilio_no_longer_has_is_replaced_and_verify_then_passes(new_org, twilio):
    set_up(organization=new_org, apply=True, http_client=twilio)
    account = twilio.accounts[new_org.twilio_account_sid]
    deleted = new_org.twilio_api_key_sid
    del account.keys[deleted]

    plan = set_up(organization=new_org, apply=False, http_client=twilio)
    done = set_up(organization=new_org, apply=True, http_client=twilio)
    again = set_up(organization=new_org, apply=True, http_client=twilio)

    assert ("API key", CREATE) in _changes(plan)
    assert f"{deleted} is stored but no longer in this Twilio account" in plan.summary()
    assert ("API key", CREATE) in _changes(done)
    assert new_org.twilio_api_key_sid not in (deleted, "")
    assert list(account.keys) == [new_org.twilio_api_key_sid]
    assert again.changes == ()
    verified = twilio_credentials_verify(organization=new_org, http_client=twilio)
    # Only the member's number that is not in the account (new_org's second member) is left.
    assert [check.name for check in verified.failures] == ["Numbers"]


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        (
            503,
            "Twilio answered with HTTP error 503, a fault on its side; nothing after this was "
            "done. Try again later.",
        ),
        (
            429,
            "Twilio answered 429, too many requests; nothing after this was done. Try again later.",
        ),
        (
            "<html>",
            "Twilio's answer could not be read (it was not JSON); nothing after this was "
            "done. Try again later.",
        ),
    ],
)
def test_twilio_failing_at_the_first_request_is_not_blamed_on_the_auth_token(
    new_org, twilio, answer, said
):
    twilio.fail(r"/Accounts/AC\w+\.json", answer)

    report = set_up(organization=new_org, apply=True, http_client=twilio)

    assert report.lines() == [f"Twilio: {said}"]


def test_set_up_finds_members_numbers_on_every_page_and_stops_at_the_deadline(
    new_org, twilio, monkeypatch
):
    account = twilio.accounts[new_org.twilio_account_sid]
    for n in range(4):
        account.number(f"+1212555000{n}")
    account.number("+14165550102", voice_url="https://elsewhere.example/")  # on the 3rd page
    twilio.max_page_size = 2

    plan = set_up(organization=new_org, apply=False, http_client=twilio)

    assert _changes(plan)[-2:] == [
        ("Number +14165550101", UPDATE),
        ("Number +14165550102", UPDATE),
    ]
    twilio.sent.clear()
    twilio.seconds_per_request = 1.0
    monkeypatch.setattr("orgs.twilio_api.time.monotonic", lambda: twilio.clock)
    # A plan for an organization with neither key nor app asks for the account, then the
    # numbers' pages: at 0 s, 1 s, 2 s; the third page would start at 3 s.
    stopped = set_up(organization=new_org, apply=False, http_client=twilio, deadline=2.5)

    assert _changes(stopped)[-1] == ("Numbers", FAIL)
    assert "this page's time with Twilio is up" in stopped.summary()
    assert [_resource(s.url).split("?")[0] for s in twilio.sent][-1] == "/IncomingPhoneNumbers.json"
    assert len(twilio.sent) == 3


def test_a_removed_secret_gets_a_new_key_and_the_old_one_is_named_for_deletion(new_org, twilio):
    set_up(organization=new_org, apply=True, http_client=twilio)
    old = new_org.twilio_api_key_sid
    new_org.twilio_api_key_secret = ""  # "Remove the stored API key secret", as Verify advises
    new_org.save()

    done = set_up(organization=new_org, apply=True, http_client=twilio)

    assert ("API key", CREATE) in _changes(done)
    assert f"The previous key {old} still works in Twilio: delete it" in done.summary()
    assert new_org.twilio_api_key_sid != old


def test_an_undecryptable_secret_gets_a_new_key(new_org, twilio, settings):
    set_up(organization=new_org, apply=True, http_client=twilio)
    old = new_org.twilio_api_key_sid
    # The key that sealed the secret is gone; the Auth Token is sealed again under the new one.
    token = new_org.twilio_auth_token.reveal()
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    Organization.objects.filter(pk=new_org.pk).update(twilio_auth_token=token)
    org = Organization.objects.get(pk=new_org.pk)

    plan = set_up(organization=org, apply=False, http_client=twilio)
    done = set_up(organization=org, apply=True, http_client=twilio)

    assert f"the stored secret of {old} cannot be decrypted" in plan.summary()
    assert ("API key", CREATE) in _changes(done)
    assert (
        org.twilio_api_key_secret.reveal()
        == twilio.accounts[org.twilio_account_sid].keys[org.twilio_api_key_sid]
    )


@pytest.mark.parametrize(
    ("status", "said"),
    [
        (503, "HTTP error 503, a fault on its side"),
        (429, "answered 429, too many requests"),
        (403, "refused the Account SID and Auth Token"),
    ],
)
def test_an_error_status_on_the_number_list_is_named(new_org, twilio, status, said):
    twilio.fail(r"IncomingPhoneNumbers\.json", status)

    report = set_up(organization=new_org, apply=True, http_client=twilio)

    assert _changes(report)[-1] == ("Numbers", FAIL)
    assert said in report.summary()
    assert "did not answer" not in report.summary()
