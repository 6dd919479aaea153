"""factory_boy factories for organizations, users and their calls."""

import secrets
from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from calls.call_status import CallDirection, CallStatus
from calls.models import Call
from orgs.models import Organization
from users.models import User


def _sid(prefix: str):
    return factory.LazyFunction(lambda: prefix + secrets.token_hex(16))


class OrganizationFactory(DjangoModelFactory):
    """Four credentials and an Auth Token, all set; ``unconfigured=True`` for none of them,
    ``only_account=True`` for the Account SID and Auth Token alone."""

    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    twilio_account_sid = _sid("AC")
    twilio_api_key_sid = _sid("SK")
    twilio_api_key_secret = factory.LazyFunction(lambda: secrets.token_hex(16))
    twilio_twiml_app_sid = _sid("AP")
    twilio_auth_token = factory.LazyFunction(lambda: secrets.token_hex(16))

    class Params:
        # What an administrator starts from before *Set up Twilio voice*: the account only.
        only_account = factory.Trait(
            twilio_api_key_sid="", twilio_api_key_secret="", twilio_twiml_app_sid=""
        )
        unconfigured = factory.Trait(
            twilio_account_sid="",
            twilio_api_key_sid="",
            twilio_api_key_secret="",
            twilio_twiml_app_sid="",
            twilio_auth_token="",
        )


class UserFactory(DjangoModelFactory):
    """An active member of a fully configured organization, with a Twilio number."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    organization = factory.SubFactory(OrganizationFactory)
    twilio_phone_number = factory.Sequence(lambda n: f"+1416{2_000_000 + n}")
    password = factory.django.Password("correct-horse-battery-staple")


class CallFactory(DjangoModelFactory):
    """A call from outside that the member answered and talked on for a minute, just now."""

    class Meta:
        model = Call

    call_sid = _sid("CA")
    user = factory.SubFactory(UserFactory)
    organization = factory.SelfAttribute("user.organization")
    direction = CallDirection.INBOUND
    incoming = True
    other_party = "+14165550100"
    status = CallStatus.COMPLETED
    started_at = factory.LazyFunction(timezone.now)
    answered_at = factory.SelfAttribute("started_at")
    duration = 60
    ended_at = factory.LazyAttribute(lambda c: c.started_at + timedelta(seconds=c.duration))
