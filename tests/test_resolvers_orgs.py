"""orgs.resolvers: the shipped resolvers for a host's own user model, told where fields are.

This project's own User keeps ``organization`` and ``twilio_phone_number``, the settings'
defaults, so the shipped resolvers must answer exactly what the bundled ones do.
"""

import pytest

from orgs.resolvers import number_holders_get, user_field_errors, voice_caller_get
from tests.factories import OrganizationFactory, UserFactory
from users import selectors

pytestmark = pytest.mark.django_db


def test_the_caller_is_the_bundled_resolvers_caller(user):
    assert voice_caller_get(user_id=user.pk) == selectors.voice_caller_get(user_id=user.pk)


def test_a_caller_without_organization_or_number(django_assert_num_queries):
    loner = UserFactory(organization=None, twilio_phone_number=None)

    with django_assert_num_queries(1):
        caller = voice_caller_get(user_id=str(loner.pk))

    assert caller.organization_id is None
    assert caller.phone_number is None
    assert caller.credentials.missing.names() == [
        "account_sid",
        "api_key_sid",
        "api_key_secret",
        "twiml_app_sid",
    ]


@pytest.mark.parametrize("user_id", [10**9, "not-a-number", None, ""])
def test_no_such_user_is_none(user_id):
    assert voice_caller_get(user_id=user_id) is None


def test_the_caller_reads_its_credentials_in_one_query(user, django_assert_num_queries):
    with django_assert_num_queries(1):
        caller = voice_caller_get(user_id=user.pk)

    assert caller.credentials.api_key_secret.reveal() == (
        user.organization.twilio_api_key_secret.reveal()
    )
    assert caller.phone_number == user.twilio_phone_number.as_e164


def test_number_holders_are_the_bundled_resolvers_holders(org, django_assert_num_queries):
    members = UserFactory.create_batch(3, organization=org)
    UserFactory(organization=org, is_active=False)
    UserFactory(organization=org, twilio_phone_number=None)
    stranger = UserFactory(organization=OrganizationFactory())
    number = stranger.twilio_phone_number.as_e164

    with django_assert_num_queries(1):
        holders = number_holders_get(phone_number=number, with_numbers_of=org.pk)

    expected = selectors.number_holders_get(phone_number=number, with_numbers_of=org.pk)
    assert sorted(holders, key=lambda h: h.user_id) == sorted(expected, key=lambda h: h.user_id)
    assert {h.user_id for h in holders} == {stranger.pk, *(m.pk for m in members)}
    assert all(isinstance(h.phone_number, str) for h in holders)


def test_the_configured_fields_are_the_ones_read(settings, user):
    # The organization's name as "the number": any lookup across a relation is followed.
    settings.ORGS_USER_NUMBER_FIELD = "organization__name"

    assert voice_caller_get(user_id=user.pk).phone_number == user.organization.name


def test_the_default_fields_fit_this_projects_user_model():
    assert user_field_errors() == []


@pytest.mark.parametrize(
    ("setting", "lookup", "problem"),
    [
        ("ORGS_USER_ORGANIZATION_FIELD", "organisation", "names no field 'organisation'"),
        ("ORGS_USER_ORGANIZATION_FIELD", "twilio_phone_number", "relation to orgs.Organization"),
        ("ORGS_USER_ORGANIZATION_FIELD", "groups", "may hold several rows per user"),
        ("ORGS_USER_NUMBER_FIELD", "groups__name", "goes through 'groups', which may hold"),
        ("ORGS_USER_NUMBER_FIELD", "logentry__object_repr", "goes through 'logentry', which"),
        ("ORGS_USER_ORGANIZATION_FIELD", "", "is not a field lookup"),
        ("ORGS_USER_NUMBER_FIELD", "organization", "ends in a relation"),
        ("ORGS_USER_NUMBER_FIELD", "email__domain", "goes through 'email'"),
        ("ORGS_USER_NUMBER_FIELD", "phone", "names no field 'phone'"),
    ],
)
def test_a_lookup_the_user_model_does_not_have_is_an_error(settings, setting, lookup, problem):
    setattr(settings, setting, lookup)

    errors = user_field_errors()

    assert [e.id for e in errors] == ["orgs.E004"]
    assert errors[0].msg.startswith(f"{setting} {lookup!r}")
    assert problem in errors[0].msg
    assert "(from users.User)" in errors[0].msg
    example = "profile__organization" if "ORGANIZATION" in setting else "profile__twilio_number"
    assert example in errors[0].hint
