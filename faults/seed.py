"""The fault drill's data: users per phase, and the credential change of phase 4.

``python -m faults.seed seed`` fills a migrated database and prints JSON: bearer tokens per
group of users, refresh tokens per phase, a user who signs in with a password, and the
credentials of the organization whose credentials phase 4 changes.
``python -m faults.seed rotate ORG_ID`` replaces that organization's API key SID, secret and
Account SID in one transaction and prints the new ones once it has committed.
Both run with the app servers' environment.
"""

import json
import os
import secrets
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tether_relay.settings")
django.setup()

from django.db import transaction  # noqa: E402
from rest_framework_simplejwt.tokens import AccessToken  # noqa: E402

from orgs.models import Organization  # noqa: E402
from tests.factories import OrganizationFactory, UserFactory  # noqa: E402
from tether_relay.signin.services import session_start  # noqa: E402

# Each phase has users of its own, so that phase 1 exhausting one user's limit starves no
# later phase; a pool is large enough that steady load keeps each member under the limit.
POOL_SIZE = 16
# The phases that break a dependency for longer send more requests (30 a second for about
# 30 s): a pool large enough that each user stays at half its 30 a minute.
LONG_POOL_SIZE = 64
GROUPS = {"throttle": 1, "postgres": POOL_SIZE, "redis": POOL_SIZE}
GROUPS |= dict.fromkeys(
    ("pg_frozen", "redis_frozen", "pg_dropped", "slow_clients", "read_only", "locked"),
    LONG_POOL_SIZE,
)
SINGLES = ("redis_flood", "redis_recovery")
# Refresh tokens for each phase that tries a refresh: a refresh token exchanged once is spent.
REFRESH_PHASES = ("postgres", "pg_frozen", "pg_dropped", "read_only", "locked")
REFRESH_TOKENS = 4  # per phase: enough for as many app servers


def new_credentials() -> dict:
    """A well-formed, fake Account SID, API key SID and API key secret."""
    return {
        "account_sid": "AC" + secrets.token_hex(16),
        "api_key_sid": "SK" + secrets.token_hex(16),
        "api_key_secret": secrets.token_hex(16),
    }


def _tokens(organization, count: int) -> list[str]:
    # No usable password (the factory's hasher makes None one without hashing anything):
    # hashing one per user would take longer than the phases.
    users = [UserFactory(organization=organization, password=None) for _ in range(count)]
    return [str(AccessToken.for_user(user)) for user in users]


def seed() -> dict:
    tokens = {group: _tokens(OrganizationFactory(), count) for group, count in GROUPS.items()}
    for single in SINGLES:
        tokens[single] = _tokens(OrganizationFactory(), 1)
    old = new_credentials()
    changing = OrganizationFactory(
        twilio_account_sid=old["account_sid"],
        twilio_api_key_sid=old["api_key_sid"],
        twilio_api_key_secret=old["api_key_secret"],
    )
    tokens["credentials"] = _tokens(changing, POOL_SIZE)
    # One sign-in each: every probe spends its own refresh token, once.
    refresher = UserFactory(password=None)
    refresh = {
        phase: [session_start(user=refresher).refresh for _ in range(REFRESH_TOKENS)]
        for phase in REFRESH_PHASES
    }
    password = secrets.token_urlsafe(16)
    signer = UserFactory(password=password)
    return {
        "tokens": tokens,
        "refresh": refresh,
        "login": {"username": signer.username, "password": password},
        "organization": changing.pk,
        "credentials": old,
    }


def rotate(organization_id: int) -> dict:
    """Replace the three credentials together, as an administrator replacing an API key does."""
    new = new_credentials()
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=organization_id)
        organization.twilio_account_sid = new["account_sid"]
        organization.twilio_api_key_sid = new["api_key_sid"]
        organization.twilio_api_key_secret = new["api_key_secret"]
        organization.save()
    return new


def main(argv: list[str]) -> None:
    if argv[:1] == ["seed"]:
        print(json.dumps(seed()))
    elif argv[:1] == ["rotate"] and len(argv) == 2:
        print(json.dumps(rotate(int(argv[1]))))
    else:
        sys.exit("usage: python -m faults.seed seed | rotate ORG_ID")


if __name__ == "__main__":
    main(sys.argv[1:])
