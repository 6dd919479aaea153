"""Admin: secrets are write-only, blank keeps them, and the list shows what is missing."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from orgs.models import Organization
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRET = "0ldS3cr3t0ldS3cr3t0ldS3cr3t00000"
NEW_SECRET = "n3wS3cr3tn3wS3cr3tn3wS3cr3t00000"


def _form(org: Organization, **overrides) -> dict:
    data = {
        "name": org.name,
        "twilio_account_sid": org.twilio_account_sid,
        "twilio_api_key_sid": org.twilio_api_key_sid,
        "twilio_api_key_secret": "",
        "twilio_twiml_app_sid": org.twilio_twiml_app_sid,
        "twilio_token_ttl": org.twilio_token_ttl,
        "twilio_incoming_allow": "on",
        "twilio_region": org.twilio_region,
        "twilio_push_credential_sid": org.twilio_push_credential_sid,
    }
    return {**data, **overrides}


def _change_url(org) -> str:
    return reverse("admin:orgs_organization_change", args=[org.pk])


@pytest.fixture
def org():
    return OrganizationFactory(twilio_api_key_secret=SECRET)


def _assert_no_secret(content: str, org) -> None:
    stored = Organization.objects.get(pk=org.pk).twilio_api_key_secret
    for value in (SECRET, NEW_SECRET, stored.ciphertext if stored else SECRET):
        assert value not in content


def test_change_page_never_renders_the_secret(admin_client, org):
    response = admin_client.get(_change_url(org))

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    _assert_no_secret(content, org)
    assert 'type="password"' in content
    assert "Set" in content


def test_list_add_and_history_pages_never_render_the_secret(admin_client, org):
    admin_client.post(_change_url(org), _form(org, twilio_api_key_secret=NEW_SECRET))
    pages = [
        reverse("admin:orgs_organization_changelist"),
        reverse("admin:orgs_organization_add"),
        reverse("admin:orgs_organization_history", args=[org.pk]),
    ]
    for url in pages:
        response = admin_client.get(url)
        assert response.status_code == HTTPStatus.OK
        _assert_no_secret(response.content.decode(), org)


def test_blank_keeps_the_stored_secret(admin_client, org):
    response = admin_client.post(_change_url(org), _form(org, name="Renamed"))

    assert response.status_code == HTTPStatus.FOUND
    org.refresh_from_db()
    assert org.name == "Renamed"
    assert org.twilio_api_key_secret.reveal() == SECRET


def test_a_typed_secret_replaces_it(admin_client, org):
    admin_client.post(_change_url(org), _form(org, twilio_api_key_secret=NEW_SECRET))

    org.refresh_from_db()
    assert org.twilio_api_key_secret.reveal() == NEW_SECRET


def test_the_tick_box_removes_it(admin_client, org):
    admin_client.post(_change_url(org), _form(org, clear_twilio_api_key_secret="on"))

    org.refresh_from_db()
    assert org.twilio_api_key_secret is None


def test_new_secret_and_remove_together_is_an_error(admin_client, org):
    response = admin_client.post(
        _change_url(org),
        _form(org, twilio_api_key_secret=NEW_SECRET, clear_twilio_api_key_secret="on"),
    )

    assert response.status_code == HTTPStatus.OK
    org.refresh_from_db()
    assert org.twilio_api_key_secret.reveal() == SECRET
    _assert_no_secret(response.content.decode(), org)


def test_malformed_secret_is_refused_and_not_echoed(admin_client, org):
    response = admin_client.post(
        _change_url(org), _form(org, twilio_api_key_secret="short secret!")
    )

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "32 letters and digits" in content
    assert "short secret!" not in content
    org.refresh_from_db()
    assert org.twilio_api_key_secret.reveal() == SECRET


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


def test_list_shows_which_credentials_are_missing(admin_client):
    OrganizationFactory(name="Half", twilio_api_key_secret="", twilio_twiml_app_sid="")

    response = admin_client.get(reverse("admin:orgs_organization_changelist"))

    row = next(r for r in response.content.decode().split("<tr") if ">Half<" in r)
    # Account SID, API key SID, API key secret, TwiML App SID: set, set, missing, missing.
    assert re.findall(r'alt="(True|False)"', row) == ["True", "True", "False", "False"]


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


def test_user_change_page_edits_organization_and_number(admin_client):
    user = UserFactory()

    response = admin_client.get(reverse("admin:users_user_change", args=[user.pk]))

    content = response.content.decode()
    assert 'name="organization"' in content
    assert 'name="twilio_phone_number"' in content
