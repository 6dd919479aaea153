"""The admin action "Set up Twilio voice" and `manage.py set_up_twilio_voice`."""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import constants
from django.core.management import CommandError, call_command
from django.urls import reverse

from orgs.models import Organization
from tests import twilio_fake
from tests.conftest import TOKEN_URL, bearer
from tests.factories import OrganizationFactory, UserFactory
from tests.twilio_fake import FakeTwilio
from tests.webhooks import (
    assert_dials_client,
    assert_dials_number,
    inbound_params,
    outbound_params,
    post_signed,
)
from users.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_base_url")]

CHANGELIST = reverse("admin:orgs_organization_changelist")


@pytest.fixture
def new_org():
    org = OrganizationFactory(name="Acme", only_account=True)
    UserFactory(organization=org, twilio_phone_number="+14165550101")
    return org


@pytest.fixture
def fake(monkeypatch, new_org) -> FakeTwilio:
    fake = FakeTwilio()
    fake.knows_account(new_org).number("+14165550101")
    monkeypatch.setattr(twilio_fake, "installed", fake)
    return fake


def _post(client, org, **extra):
    data = {"action": "set_up_twilio_voice", "_selected_action": [org.pk], **extra}
    return client.post(CHANGELIST, data, follow=True)


def test_the_action_first_shows_what_it_will_do_and_changes_nothing(admin_client, new_org, fake):
    response = _post(admin_client, new_org)

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "Yes, set up Twilio voice" in page
    assert "a new Standard API key will be created" in page
    assert twilio_fake.OUTBOUND_URL in page
    assert f"and status callback {twilio_fake.STATUS_URL} (POST)" in page
    assert all(sent.method == "GET" for sent in fake.sent)
    new_org.refresh_from_db()
    assert not new_org.twilio_api_key_sid


def test_confirmed_it_sets_up_twilio_and_the_organization_can_mint_tokens(
    admin_client, api_client, new_org, fake
):
    response = _post(admin_client, new_org, confirm="yes")

    (message,) = response.context["messages"]
    assert message.level == constants.SUCCESS
    assert message.message.startswith("Acme: set up.")
    new_org.refresh_from_db()
    secret = new_org.twilio_api_key_secret.reveal()
    assert secret not in response.content.decode()
    member = User.objects.get(organization=new_org)
    assert api_client.get(TOKEN_URL, **bearer(member)).status_code == HTTPStatus.OK
    again = _post(admin_client, new_org, confirm="yes")
    assert "already set up; nothing changed" in next(iter(again.context["messages"])).message


def test_the_action_needs_the_change_permission(client, new_org, fake):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_organization"))
    client.force_login(viewer)

    response = client.get(CHANGELIST)

    assert "set_up_twilio_voice" not in response.content.decode()
    _post(client, new_org, confirm="yes")
    assert fake.sent == []


def test_without_a_public_url_the_page_says_why_and_offers_no_confirmation(
    admin_client, new_org, fake, settings
):
    settings.TWILIO_WEBHOOK_BASE_URL = ""

    page = _post(admin_client, new_org).content.decode()

    assert "TWILIO_WEBHOOK_BASE_URL is not set" in page
    assert "Yes, set up Twilio voice" not in page
    assert fake.sent == []


def test_the_command_sets_up_one_organization_with_a_progress_bar(new_org, fake, capsys):
    call_command("set_up_twilio_voice", "--organization", str(new_org.pk))

    out, err = capsys.readouterr()
    assert "Acme:" in out
    assert "created" in out
    assert "1/1" in err
    new_org.refresh_from_db()
    assert new_org.twilio_twiml_app_sid


def test_the_command_dry_run_changes_nothing(new_org, fake, capsys):
    call_command("set_up_twilio_voice", "--all", "--dry-run")

    assert "will be created" in capsys.readouterr().out
    assert all(sent.method == "GET" for sent in fake.sent)


def test_the_command_fails_when_an_organization_is_refused(new_org, fake):
    new_org.twilio_auth_token = ""
    new_org.save()

    with pytest.raises(CommandError, match="1 of 1 organization"):
        call_command("set_up_twilio_voice", "--all")


def test_from_an_account_sid_and_auth_token_to_tokens_calls_and_a_clean_verify(
    admin_client, api_client, client, monkeypatch
):
    """As an administrator would: add the organization with two values, give a member a
    number, set up, verify; then Twilio calls the URLs set-up gave it, signed with the Auth
    Token, and the member's softphone rings and dials out."""
    account_sid, auth_token = "AC" + "7" * 32, "0123456789abcdef" * 2
    added = admin_client.post(
        reverse("admin:orgs_organization_add"),
        {
            "name": "Newco",
            "twilio_account_sid": account_sid,
            "twilio_auth_token": auth_token,
            "twilio_token_ttl": 3600,
            "twilio_incoming_allow": "on",
            **{
                name: Organization._meta.get_field(name).default  # as the add page offers them
                for name in (
                    "twilio_ring_seconds",
                    "twilio_unanswered",
                    "twilio_voicemail_max_seconds",
                )
            },
        },
    )
    assert added.status_code == HTTPStatus.FOUND
    org = Organization.objects.get(name="Newco")
    member = UserFactory(organization=org, twilio_phone_number="+14165550777")
    fake = FakeTwilio()
    account = fake.knows_account(org)
    account.number("+14165550777", voice_url="https://demo.twilio.com/welcome/voice/")
    monkeypatch.setattr(twilio_fake, "installed", fake)

    plan = _post(admin_client, org).content.decode()
    done = _post(admin_client, org, confirm="yes")
    verified = admin_client.post(
        CHANGELIST,
        {"action": "verify_twilio_credentials", "_selected_action": [org.pk]},
        follow=True,
    )

    assert (
        "its incoming-call webhook https://demo.twilio.com/welcome/voice/ (POST) will become"
        in plan
    )
    assert next(iter(done.context["messages"])).level == constants.SUCCESS
    (message,) = verified.context["messages"]
    assert message.level == constants.SUCCESS, message.message
    assert "TwiML App Voice URL, Numbers" in message.message
    token = api_client.get(TOKEN_URL, **bearer(member))
    assert token.status_code == HTTPStatus.OK
    org.refresh_from_db()
    (number,) = account.numbers.values()
    app = account.application_settings[org.twilio_twiml_app_sid]
    identity = token.json()["identity"]
    # A call to the member's number, as Twilio now sends it: it rings the token's identity.
    incoming = _twilio_calls(client, number["voice_url"], inbound_params(org, "+14165550777"), org)
    assert_dials_client(incoming, identity=identity, origin=twilio_fake.PUBLIC_BASE_URL)
    # A call placed by the softphone, as the TwiML App now sends it: it dials the number.
    placed = outbound_params(org, identity, "+14165550111")
    outgoing = _twilio_calls(client, app["voice_url"], placed, org)
    assert_dials_number(
        outgoing,
        number="+14165550111",
        caller_id="+14165550777",
        origin=twilio_fake.PUBLIC_BASE_URL,
    )


def _twilio_calls(client, url: str, params: dict, org):
    """POST to ``url`` as Twilio does, signed with the organization's Auth Token."""
    assert url.startswith(twilio_fake.PUBLIC_BASE_URL)
    path = url.removeprefix(twilio_fake.PUBLIC_BASE_URL)
    return post_signed(client, path, params, org=org, url=url)


def test_an_app_without_the_status_callback_is_shown_then_updated(admin_client, new_org, fake):
    _post(admin_client, new_org, confirm="yes")
    new_org.refresh_from_db()
    app = fake.accounts[new_org.twilio_account_sid].application_settings[
        new_org.twilio_twiml_app_sid
    ]
    app["status_callback"] = ""
    fake.sent.clear()

    page = _post(admin_client, new_org).content.decode()
    unchanged = dict(app)
    done = _post(admin_client, new_org, confirm="yes")

    status_url = twilio_fake.STATUS_URL
    assert f"its status callback (none) will become {status_url} (POST), so that calls" in page
    assert unchanged["status_callback"] == ""
    (message,) = done.context["messages"]
    assert message.level == constants.SUCCESS
    assert f"status callback set to {status_url} (POST)" in message.message
    assert app["status_callback"] == status_url


def test_a_member_number_outside_the_account_is_a_warning_not_a_success(
    admin_client, new_org, fake
):
    UserFactory(organization=new_org, twilio_phone_number="+14165550999")

    response = _post(admin_client, new_org, confirm="yes")

    (message,) = response.context["messages"]
    assert message.level == constants.WARNING
    assert "needs attention" in message.message
    assert "+14165550999: not a number of this Twilio account; not touched" in message.message
