"""Admin: secrets are write-only, blank keeps them, and the list shows what is missing."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from orgs.forms import SECRET_FIELDS, clear_field
from orgs.models import Organization
from orgs.selectors import twilio_credentials_of
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRET = "0ldS3cr3t0ldS3cr3t0ldS3cr3t00000"
NEW_SECRET = "n3wS3cr3tn3wS3cr3tn3wS3cr3t00000"
AUTH_TOKEN = "0123456789abcdef0123456789abcdef"
NEW_AUTH_TOKEN = "fedcba9876543210fedcba9876543210"
# Each encrypted field: the value the fixture stores, and a well-formed replacement.
SECRETS = {
    "twilio_api_key_secret": (SECRET, NEW_SECRET),
    "twilio_auth_token": (AUTH_TOKEN, NEW_AUTH_TOKEN),
}
MALFORMED = {
    "twilio_api_key_secret": ("short secret!", "32 letters and digits"),
    "twilio_auth_token": ("0123456789ABCDEF0123456789ABCDEF", "32 lowercase hexadecimal"),
}


def _form(org: Organization, **overrides) -> dict:
    data = {
        "name": org.name,
        "twilio_account_sid": org.twilio_account_sid,
        "twilio_api_key_sid": org.twilio_api_key_sid,
        "twilio_api_key_secret": "",
        "twilio_twiml_app_sid": org.twilio_twiml_app_sid,
        "twilio_auth_token": "",
        "twilio_token_ttl": org.twilio_token_ttl,
        "twilio_incoming_allow": "on",
        "twilio_region": org.twilio_region,
        "twilio_push_credential_sid": org.twilio_push_credential_sid,
        "twilio_ring_seconds": org.twilio_ring_seconds,
        "twilio_unanswered": org.twilio_unanswered,
        "twilio_voicemail_greeting": org.twilio_voicemail_greeting,
        "twilio_voicemail_max_seconds": org.twilio_voicemail_max_seconds,
    }
    return {**data, **overrides}


def _change_url(org) -> str:
    return reverse("admin:orgs_organization_change", args=[org.pk])


@pytest.fixture
def org():
    return OrganizationFactory(twilio_api_key_secret=SECRET, twilio_auth_token=AUTH_TOKEN)


def _assert_no_secret(content: str, org) -> None:
    stored = Organization.objects.get(pk=org.pk)
    for name, values in SECRETS.items():
        sealed = getattr(stored, name)
        for value in (*values, sealed.ciphertext if sealed else values[0]):
            assert value not in content


def _revealed(org, name: str) -> str | None:
    sealed = getattr(Organization.objects.get(pk=org.pk), name)
    return sealed.reveal() if sealed else None


def test_change_page_never_renders_the_secrets(admin_client, org):
    response = admin_client.get(_change_url(org))

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    _assert_no_secret(content, org)
    assert content.count('type="password"') == len(SECRETS)
    assert "Remove the stored Auth Token" in content


@pytest.mark.parametrize("name", SECRETS)
def test_change_page_says_whether_each_secret_is_set(admin_client, name):
    org = OrganizationFactory(**{name: ""})
    other = next(n for n in SECRETS if n != name)

    content = admin_client.get(_change_url(org)).content.decode()

    statuses = dict(re.findall(r"<label>Stored ([^<:]+):</label>\s*<div[^>]*>(\w[\w ]*)<", content))
    assert statuses[SECRET_FIELDS[name].label] == "Not set"
    assert statuses[SECRET_FIELDS[other].label] == "Set"


def test_list_add_and_history_pages_never_render_the_secrets(admin_client, org):
    admin_client.post(
        _change_url(org),
        _form(org, twilio_api_key_secret=NEW_SECRET, twilio_auth_token=NEW_AUTH_TOKEN),
    )
    pages = [
        reverse("admin:orgs_organization_changelist"),
        reverse("admin:orgs_organization_add"),
        reverse("admin:orgs_organization_history", args=[org.pk]),
    ]
    for url in pages:
        response = admin_client.get(url)
        assert response.status_code == HTTPStatus.OK
        _assert_no_secret(response.content.decode(), org)


def test_blank_keeps_the_stored_secrets(admin_client, org):
    response = admin_client.post(_change_url(org), _form(org, name="Renamed"))

    assert response.status_code == HTTPStatus.FOUND
    org.refresh_from_db()
    assert org.name == "Renamed"
    assert org.twilio_api_key_secret.reveal() == SECRET
    assert org.twilio_auth_token.reveal() == AUTH_TOKEN


@pytest.mark.parametrize(("name", "values"), SECRETS.items())
def test_a_typed_value_replaces_only_its_own_secret(admin_client, org, name, values):
    admin_client.post(_change_url(org), _form(org, **{name: values[1]}))

    for other, (old, new) in SECRETS.items():
        assert _revealed(org, other) == (new if other == name else old)


@pytest.mark.parametrize(("name", "values"), SECRETS.items())
def test_the_tick_box_removes_only_its_own_secret(admin_client, org, name, values):
    admin_client.post(_change_url(org), _form(org, **{clear_field(name): "on"}))

    for other, (old, _) in SECRETS.items():
        assert _revealed(org, other) == (None if other == name else old)


@pytest.mark.parametrize(("name", "values"), SECRETS.items())
def test_new_value_and_remove_together_is_an_error(admin_client, org, name, values):
    response = admin_client.post(
        _change_url(org), _form(org, **{name: values[1], clear_field(name): "on"})
    )

    assert response.status_code == HTTPStatus.OK
    assert _revealed(org, name) == values[0]
    _assert_no_secret(response.content.decode(), org)


@pytest.mark.parametrize(("name", "case"), MALFORMED.items())
def test_malformed_secret_is_refused_and_not_echoed(admin_client, org, name, case):
    value, explanation = case

    response = admin_client.post(_change_url(org), _form(org, **{name: value}))

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert explanation in content
    assert value not in content
    assert _revealed(org, name) == SECRETS[name][0]


def test_the_auth_token_is_not_one_of_the_four_credentials():
    org = OrganizationFactory(twilio_auth_token="")

    assert not twilio_credentials_of(org).missing


def test_malformed_sid_is_refused(admin_client, org):
    response = admin_client.post(_change_url(org), _form(org, twilio_account_sid="AC123"))

    assert response.status_code == HTTPStatus.OK
    assert "32 lowercase hexadecimal" in response.content.decode()


def test_add_an_organization_with_a_secret(admin_client):
    blank = Organization(name="New")
    response = admin_client.post(
        reverse("admin:orgs_organization_add"),
        _form(blank, twilio_api_key_secret=NEW_SECRET, twilio_account_sid="AC" + "1" * 32),
    )

    assert response.status_code == HTTPStatus.FOUND
    created = Organization.objects.get(name="New")
    assert created.twilio_api_key_secret.reveal() == NEW_SECRET
    assert created.twilio_auth_token is None


def test_list_shows_which_credentials_are_missing(admin_client):
    OrganizationFactory(name="Half", twilio_api_key_secret="", twilio_twiml_app_sid="")

    response = admin_client.get(reverse("admin:orgs_organization_changelist"))

    row = next(r for r in response.content.decode().split("<tr") if ">Half<" in r)
    # Account SID, API key SID, API key secret, TwiML App SID: set, set, missing, missing;
    # then the iOS, iOS sandbox and Android push credentials, none set.
    assert (
        re.findall(r'alt="(True|False)"', row) == ["True", "True", "False", "False"] + ["False"] * 3
    )


def test_list_shows_which_platforms_have_a_push_credential(admin_client):
    OrganizationFactory(
        name="Mobile",
        twilio_push_credential_sid_ios="CR" + "a" * 32,
        twilio_push_credential_sid_android="CR" + "b" * 32,
    )

    response = admin_client.get(reverse("admin:orgs_organization_changelist"))

    row = next(r for r in response.content.decode().split("<tr") if ">Mobile<" in r)
    assert re.findall(r'alt="(True|False)"', row)[4:] == ["True", "False", "True"]


@pytest.mark.parametrize("term", ["Acme", "+14165550100", "416 555 0100", "(416) 555-0100"])
def test_user_admin_searches_by_organization_and_number(admin_client, term):
    UserFactory(
        username="found",
        organization=OrganizationFactory(name="Acme Phones"),
        twilio_phone_number="+14165550100",
    )
    UserFactory(username="other", twilio_phone_number="+16135550199")

    response = admin_client.get(reverse("admin:users_user_changelist"), {"q": term})

    content = response.content.decode()
    assert ">found<" in content
    assert ">other<" not in content


@pytest.mark.usefixtures("twilio_knows_nothing")
def test_user_change_page_edits_organization_and_number(admin_client):
    user = UserFactory()

    response = admin_client.get(reverse("admin:users_user_change", args=[user.pk]))

    content = response.content.decode()
    assert 'name="organization"' in content
    assert 'name="twilio_phone_number"' in content
