"""An organization's allowed destination countries: typed any way, stored as checked ISO codes."""

from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from orgs.countries import country_codes_parse, validate_country_codes
from orgs.forms import OrganizationAdminForm
from orgs.models import Organization
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "codes"),
    [
        ("", ()),
        (None, ()),
        ("CA,US", ("CA", "US")),
        ("us, ca", ("CA", "US")),
        (" gb ;fr  de\n", ("DE", "FR", "GB")),
        ("US, us,US", ("US",)),
    ],
)
def test_lists_are_parsed_into_sorted_distinct_upper_case_codes(typed, codes):
    assert country_codes_parse(typed) == codes


@pytest.mark.parametrize("typed", ["XX", "USA", "CA, U$", "1", "EU"])
def test_codes_without_a_numbering_plan_are_refused(typed):
    with pytest.raises(ValidationError) as raised:
        validate_country_codes(typed)

    assert raised.value.code == "invalid_country_code"


def test_the_refusal_names_each_unknown_code():
    with pytest.raises(ValidationError) as raised:
        validate_country_codes("ca, xx, zz")

    assert raised.value.messages[0].startswith("Not a country code with phone numbers: XX, ZZ.")


def test_a_full_clean_stores_the_canonical_form():
    org = OrganizationFactory.build(twilio_allowed_countries="us gb, ca")

    org.full_clean()

    assert org.twilio_allowed_countries == "CA,GB,US"


def test_blank_is_the_default():
    assert OrganizationFactory().twilio_allowed_countries == ""


def _admin_data(org: Organization, countries: str) -> dict:
    return {
        "name": org.name,
        "twilio_account_sid": org.twilio_account_sid,
        "twilio_api_key_sid": org.twilio_api_key_sid,
        "twilio_twiml_app_sid": org.twilio_twiml_app_sid,
        "twilio_token_ttl": org.twilio_token_ttl,
        "twilio_incoming_allow": "on",
        "twilio_allowed_countries": countries,
        "twilio_ring_seconds": org.twilio_ring_seconds,
        "twilio_unanswered": org.twilio_unanswered,
        "twilio_voicemail_max_seconds": org.twilio_voicemail_max_seconds,
    }


def test_the_admin_saves_what_an_administrator_types(admin_client):
    org = OrganizationFactory()
    url = reverse("admin:orgs_organization_change", args=[org.pk])

    response = admin_client.post(url, _admin_data(org, "us, ca"))

    assert response.status_code == HTTPStatus.FOUND
    org.refresh_from_db()
    assert org.twilio_allowed_countries == "CA,US"


def test_the_admin_shows_the_field_under_voice_options(admin_client):
    org = OrganizationFactory(twilio_allowed_countries="CA,US")
    url = reverse("admin:orgs_organization_change", args=[org.pk])

    content = admin_client.get(url).content.decode()

    assert 'name="twilio_allowed_countries"' in content
    assert 'value="CA,US"' in content
    assert content.index("Voice options") < content.index('name="twilio_allowed_countries"')


def test_the_admin_form_refuses_an_unknown_code():
    org = OrganizationFactory()

    form = OrganizationAdminForm(data=_admin_data(org, "CA, XX"), instance=org)

    assert not form.is_valid()
    assert form.errors["twilio_allowed_countries"] == [
        "Not a country code with phone numbers: XX. Use ISO 3166 alpha-2 codes separated by "
        "commas, for example CA, US."
    ]
