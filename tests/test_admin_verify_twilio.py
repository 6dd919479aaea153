"""The admin action "Verify Twilio credentials": one message per organization, no secrets."""

import re
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import constants
from django.core.management import CommandError, call_command
from django.urls import reverse

from orgs.models import Organization
from tests import twilio_fake
from tests.factories import OrganizationFactory, UserFactory
from tests.twilio_fake import FakeTwilio

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_base_url")]


CHANGELIST = reverse("admin:orgs_organization_changelist")
ACTION = "verify_twilio_credentials"


@pytest.fixture
def fake(monkeypatch) -> FakeTwilio:
    fake = FakeTwilio()
    monkeypatch.setattr(twilio_fake, "installed", fake)
    return fake


def _run(client, *organizations):
    return client.post(
        CHANGELIST,
        {"action": ACTION, "_selected_action": [org.pk for org in organizations]},
        follow=True,
    )


def _messages(response) -> dict[str, tuple[int, str]]:
    """Each message by the organization it names first."""
    shown = response.context["messages"]
    return {m.message.split(":")[0]: (m.level, m.message) for m in shown}


def test_one_message_per_organization(admin_client, fake):
    good = OrganizationFactory(name="Good")
    fake.knows(good)
    wrong = OrganizationFactory(name="Wrong secret")
    fake.knows(wrong).keys[wrong.twilio_api_key_sid] = "a" * 32
    unset = OrganizationFactory(name="Unset", unconfigured=True)

    response = _run(admin_client, good, wrong, unset)

    assert response.status_code == HTTPStatus.OK
    shown = _messages(response)
    assert shown["Good"][0] == constants.SUCCESS
    assert shown["Good"][1].startswith("Good: verified with Twilio (Credentials, API key,")
    assert shown["Wrong secret"][0] == constants.ERROR
    assert "API key: Twilio refused the API key SID and secret" in shown["Wrong secret"][1]
    assert shown["Unset"][0] == constants.ERROR
    assert "Not set: Account SID, API key SID, API key secret, TwiML App SID." in shown["Unset"][1]
    accounts = {re.search(r"/Accounts/(AC\w{32})", sent.url)[1] for sent in fake.sent}
    assert accounts == {good.twilio_account_sid, wrong.twilio_account_sid}


def test_the_page_and_the_logs_show_no_secret(admin_client, fake, caplog):
    org = OrganizationFactory(name="Acme")
    fake.knows(org).auth_token = "b" * 32
    stored = Organization.objects.get(pk=org.pk)
    secrets = [
        value
        for name in ("twilio_api_key_secret", "twilio_auth_token")
        for value in (getattr(stored, name).reveal(), getattr(stored, name).ciphertext)
    ]

    with caplog.at_level("DEBUG"):
        response = _run(admin_client, org)

    level, message = _messages(response)["Acme"]
    assert level == constants.ERROR
    assert message.startswith("Acme: Auth Token: Twilio refused the Auth Token")
    assert not [s for s in secrets if s in response.content.decode() + caplog.text]


def test_only_users_who_may_change_organizations_get_the_action(client, fake):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_organization"))
    client.force_login(viewer)
    org = OrganizationFactory()

    page = client.get(CHANGELIST)
    response = _run(client, org)

    assert page.status_code == HTTPStatus.OK
    assert ACTION not in page.content.decode()
    assert fake.sent == []
    assert not _messages(response).get(org.name)


def test_a_missing_status_callback_is_a_warning_as_calls_work(admin_client, fake):
    good = OrganizationFactory(name="Good")
    fake.knows(good)
    unlogged = OrganizationFactory(name="Unlogged")
    fake.knows(unlogged).application_settings[unlogged.twilio_twiml_app_sid]["status_callback"] = ""

    shown = _messages(_run(admin_client, good, unlogged))

    assert shown["Good"][0] == constants.SUCCESS
    level, message = shown["Unlogged"]
    # A warning: everything was verified, and calls work; only the call log is short.
    assert level == constants.WARNING
    assert message.startswith("Unlogged: verified with Twilio (")
    assert (
        "TwiML App Voice URL: Calls from softphones work, but the status callback is "
        f"(none), not {twilio_fake.STATUS_URL} (POST)"
    ) in message
    assert "Run *Set up Twilio voice*" in message


def test_the_command_verifies_each_organization_and_fails_when_one_does(fake, capsys):
    wired, broken = OrganizationFactory(name="Wired"), OrganizationFactory(name="Broken")
    for org in (wired, broken):
        fake.knows(org)
    fake.accounts[broken.twilio_account_sid].application_settings[broken.twilio_twiml_app_sid][
        "voice_url"
    ] = "https://old.example/voice"

    with pytest.raises(CommandError, match="1 of 2 organization"):
        call_command("verify_twilio_credentials", "--all")

    out, err = capsys.readouterr()
    assert "Wired:\n  ok   Credentials: All four credentials are set." in out
    assert (
        "  FAIL TwiML App Voice URL: The TwiML App's Voice URL is https://old.example/voice" in out
    )
    assert "[###############...............] 1/2" in err
    assert "2/2" in err
    for org in (wired, broken):
        assert org.twilio_api_key_secret.reveal() not in out + err
        assert org.twilio_auth_token.reveal() not in out + err


def test_the_command_passes_for_one_wired_organization(fake, capsys):
    org = OrganizationFactory(name="Wired")
    fake.knows(org)

    call_command("verify_twilio_credentials", "--organization", str(org.pk))

    assert "FAIL" not in capsys.readouterr().out
