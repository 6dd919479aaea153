"""Seed a benchmark database in bulk and write bearer tokens for a sample of its users.

Run as ``python -m bench.seed --users N --orgs M --tokens FILE`` with the server's environment
(the same signing key, audience and issuer), after ``migrate``.
"""

import argparse
import os
import random
import time
from datetime import timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tether_relay.settings")
django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import CharField, F, Value  # noqa: E402
from django.db.models.functions import Cast, Concat  # noqa: E402
from rest_framework_simplejwt.tokens import AccessToken  # noqa: E402

from orgs.models import Organization  # noqa: E402
from users.models import User  # noqa: E402

BATCH = 5_000
SAMPLED_USERS = 2_000
# Longer than a whole ``make bench`` run; the server checks only exp, not the lifetime.
TOKEN_LIFETIME = timedelta(hours=2)


def _sid(prefix: str, rng: random.Random) -> str:
    return prefix + "".join(rng.choice("0123456789abcdef") for _ in range(32))


def seed_organizations(count: int, rng: random.Random) -> list[int]:
    """``count`` fully configured organizations; each secret is encrypted once, on assignment."""
    orgs = [
        Organization(
            name=f"Bench organization {n}",
            twilio_account_sid=_sid("AC", rng),
            twilio_api_key_sid=_sid("SK", rng),
            twilio_api_key_secret=_sid("", rng),
            twilio_twiml_app_sid=_sid("AP", rng),
        )
        for n in range(count)
    ]
    Organization.objects.bulk_create(orgs, batch_size=BATCH)
    return list(Organization.objects.order_by("pk").values_list("pk", flat=True))


def seed_users(count: int, org_ids: list[int]) -> None:
    """``count`` active users spread over the organizations, each with a number of its own."""
    password = make_password("bench-password-not-secret")  # hashed once, shared by all
    for start in range(0, count, BATCH):
        User.objects.bulk_create(
            User(username=f"bench{n}", password=password, organization_id=org_ids[n % len(org_ids)])
            for n in range(start, min(start + BATCH, count))
        )
    # One UPDATE in the database: the field's Python-side validation of 100,000 numbers would
    # take longer than the rest of the seeding together.
    number = Concat(Value("+1416"), Cast(F("pk") + 2_000_000, output_field=CharField()))
    User.objects.update(twilio_phone_number=number)


def write_tokens(path: str, rng: random.Random) -> None:
    """Bearer tokens for users sampled across the whole table, one per line."""
    user_ids = list(User.objects.values_list("pk", flat=True))
    sample = rng.sample(user_ids, min(SAMPLED_USERS, len(user_ids)))
    with open(path, "w", encoding="ascii") as out:
        for user_id in sample:
            token = AccessToken()
            token.set_exp(lifetime=TOKEN_LIFETIME)
            token["user_id"] = str(user_id)
            out.write(f"{token}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--orgs", type=int, required=True)
    parser.add_argument("--tokens", required=True)
    args = parser.parse_args()
    rng = random.Random(2212)  # noqa: S311 - repeatable test data, not secrets
    started = time.monotonic()
    with transaction.atomic():
        seed_users(args.users, seed_organizations(args.orgs, rng))
    write_tokens(args.tokens, rng)
    elapsed = time.monotonic() - started
    print(f"seeded {args.users} users, {args.orgs} organizations in {elapsed:.1f}s")


if __name__ == "__main__":
    main()
