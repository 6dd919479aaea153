"""Seed a fresh database with one user per documented response; print their bearer tokens.

Run as ``python -m tests.contract_run.seed`` with the server's environment. Prints JSON:
``{"200": token, "400-missing": token, "400-number": token, "401-inactive": token, "500": token}``.
"""

import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tether_relay.settings")
django.setup()

from cryptography.fernet import Fernet  # noqa: E402
from rest_framework_simplejwt.tokens import AccessToken  # noqa: E402

from orgs.fields import SealedSecret  # noqa: E402
from orgs.models import Organization  # noqa: E402
from tests.factories import OrganizationFactory, UserFactory  # noqa: E402
from users.models import User  # noqa: E402


def main() -> None:
    cases = {
        # Every platform's push credential: any platform the schema allows mints a token.
        "200": UserFactory(
            username="contract-ok",
            organization=OrganizationFactory(
                twilio_push_credential_sid_ios="CR" + "1" * 32,
                twilio_push_credential_sid_ios_sandbox="CR" + "2" * 32,
                twilio_push_credential_sid_android="CR" + "3" * 32,
            ),
        ),
        "400-push": UserFactory(username="contract-no-android-push"),
        "400-missing": UserFactory(
            username="contract-missing", organization=OrganizationFactory(unconfigured=True)
        ),
        "400-number": UserFactory(username="contract-no-number", twilio_phone_number=None),
        "401-inactive": UserFactory(username="contract-inactive"),
        "500": UserFactory(username="contract-undecryptable"),
    }
    tokens = {case: str(AccessToken.for_user(user)) for case, user in cases.items()}
    User.objects.filter(pk=cases["401-inactive"].pk).update(is_active=False)
    # A secret encrypted under a key the server does not hold: a 500 by the contract's table.
    foreign = Fernet(Fernet.generate_key()).encrypt(b"0" * 32).decode()
    Organization.objects.filter(pk=cases["500"].organization_id).update(
        twilio_api_key_secret=SealedSecret(foreign)
    )
    print(json.dumps(tokens))


if __name__ == "__main__":
    main()
