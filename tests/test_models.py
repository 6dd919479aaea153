"""Model rules: SIDs validated when set, voice options in range, numbers E.164 and unique."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError

from orgs.models import Organization
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_new_organization_may_have_no_twilio_setup():
    Organization(name="Fresh").full_clean()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("twilio_account_sid", "AC123"),
        ("twilio_account_sid", "SK" + "a" * 32),
        ("twilio_account_sid", "AC" + "A" * 32),
        ("twilio_api_key_sid", "AC" + "a" * 32),
        ("twilio_twiml_app_sid", "AP" + "g" * 32),
        ("twilio_push_credential_sid", "CR" + "a" * 31),
        ("twilio_region", "mars1"),
        ("twilio_token_ttl", 59),
        ("twilio_token_ttl", 86_401),
    ],
)
def test_malformed_values_are_refused(field, value):
    org = OrganizationFactory.build(**{field: value})

    with pytest.raises(ValidationError) as excinfo:
        org.full_clean()

    assert field in excinfo.value.message_dict


def test_well_formed_values_pass():
    OrganizationFactory.build(
        twilio_region="au1", twilio_push_credential_sid="CR" + "0" * 32, twilio_token_ttl=86_400
    ).full_clean()


def test_token_ttl_range_is_a_database_constraint_too():
    org = OrganizationFactory()

    with pytest.raises(IntegrityError):
        Organization.objects.filter(pk=org.pk).update(twilio_token_ttl=10)


def test_number_is_normalised_to_e164_on_save():
    user = UserFactory(twilio_phone_number="+1 (416) 555-0100")

    user.refresh_from_db()
    assert str(user.twilio_phone_number) == "+14165550100"


def test_numbers_are_unique_when_set():
    UserFactory(twilio_phone_number="+14165550100")

    with pytest.raises(IntegrityError):
        UserFactory(twilio_phone_number="+1 416 555 0100")


def test_many_users_may_have_no_number():
    first = UserFactory(twilio_phone_number="")
    second = UserFactory(twilio_phone_number=None)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.twilio_phone_number is None
    assert second.twilio_phone_number is None


def test_invalid_number_is_refused_by_validation():
    user = UserFactory.build(twilio_phone_number="12345", organization=None)

    with pytest.raises(ValidationError) as excinfo:
        user.full_clean()

    assert "twilio_phone_number" in excinfo.value.message_dict


def test_migrations_are_current():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())
