"""Migrate a fresh database for the live sign-in test and make one user; print its name.

Run as ``python -m tests.signin_seed`` with the servers' environment.
"""

import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tether_relay.settings")
django.setup()

from django.core.management import call_command  # noqa: E402

from tests.factories import UserFactory  # noqa: E402


def main() -> None:
    call_command("migrate", interactive=False, verbosity=0)
    print(json.dumps({"username": UserFactory().username}))


if __name__ == "__main__":
    main()
