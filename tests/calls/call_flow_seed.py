"""Migrate and seed a fresh database for the live call-flow test; print what it signs with.

Run as ``python -m tests.calls.call_flow_seed`` with the server's environment; prints JSON. One
organization with two members: the one who is called, and a colleague who calls them.
"""

import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tether_relay.settings")
django.setup()

from django.core.management import call_command  # noqa: E402

from tests.factories import OrganizationFactory, UserFactory  # noqa: E402

PASSWORD = "correct-horse-battery-staple"  # the factories' password


def main() -> None:
    call_command("migrate", interactive=False, verbosity=0)
    org = OrganizationFactory(name="Live calls", twilio_allowed_countries="CA,US")
    member = UserFactory(organization=org, twilio_phone_number="+14165550100")
    colleague = UserFactory(organization=org, twilio_phone_number="+14165550111")
    print(
        json.dumps(
            {
                "account_sid": org.twilio_account_sid,
                "application_sid": org.twilio_twiml_app_sid,
                "auth_token": org.twilio_auth_token.reveal(),
                "member_username": member.username,
                "member_password": PASSWORD,
                "member_number": member.twilio_phone_number.as_e164,
                "colleague_number": colleague.twilio_phone_number.as_e164,
            }
        )
    )


if __name__ == "__main__":
    main()
