"""Migrate and seed a fresh database for the live webhook test; print what it signs with.

Run as ``python -m tests.webhook_seed`` with the server's environment; prints JSON. Two
organizations on their own accounts, each with one member: the first's member places and
takes the calls, the second's is the caller from another tenant.
"""

import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tether_relay.settings")
django.setup()

from django.core.management import call_command  # noqa: E402

from tests.factories import OrganizationFactory, UserFactory  # noqa: E402


def main() -> None:
    # One interpreter for both steps: each start-up costs the test most of a second.
    call_command("migrate", interactive=False, verbosity=0)
    org = OrganizationFactory(name="Live", twilio_allowed_countries="CA,US")
    member = UserFactory(organization=org, twilio_phone_number="+14165550100")
    other = UserFactory(twilio_phone_number="+14165550177")
    seeded = {
        "account_sid": org.twilio_account_sid,
        "application_sid": org.twilio_twiml_app_sid,
        "auth_token": org.twilio_auth_token.reveal(),
        "member_number": member.twilio_phone_number.as_e164,
        "other_tenant_number": other.twilio_phone_number.as_e164,
    }
    print(json.dumps(seeded))


if __name__ == "__main__":
    main()
