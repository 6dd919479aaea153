"""Create (or refresh) a demo organization and user, and print a ready-to-paste curl."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken

from calls.call_status import CallDirection, CallStatus
from calls.models import Call
from orgs.models import Organization
from users.models import User

DEMO_ORGANIZATION = "Demo Organization (fake Twilio credentials)"
DEMO_USERNAME = "demo"
DEMO_NUMBER = "+14165550100"
# Well-formed and obviously fake: Twilio will not accept tokens signed with them.
DEMO_CREDENTIALS = {
    "twilio_account_sid": "AC" + "0" * 32,
    "twilio_api_key_sid": "SK" + "0" * 32,
    "twilio_api_key_secret": "DemoSecretDemoSecretDemoSecret00",
    "twilio_twiml_app_sid": "AP" + "0" * 32,
}


class Command(BaseCommand):
    help = "Create the demo organization and user (idempotent) and print a bearer token."

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url", default="http://127.0.0.1:2212", help="Where the server listens."
        )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo only runs in development mode (DJANGO_DEBUG=true).")
        user, password = self._seed()
        access = AccessToken.for_user(user)
        base = options["base_url"].rstrip("/")
        url = f"{base}{reverse('calls:twilio-token')}"
        self.stdout.write(
            f"Demo user: {user.username} / {password} (organization: {user.organization})\n"
            f"Bearer token (valid {_minutes(access)} minutes; run seed_demo again for another):\n\n"
            f"curl -s -H 'Authorization: Bearer {access}' {url}\n"
            f"\nThe demo user's call history:\n\n"
            f"curl -s -H 'Authorization: Bearer {access}' {base}{reverse('calls:history')}\n"
        )
        if softphone := _softphone_path():
            self.stdout.write(
                f"\nSoftphone page: {base}{softphone} (sign in as {user.username} / {password})\n"
            )

    @transaction.atomic
    def _seed(self) -> tuple[User, str]:
        holder = User.objects.filter(twilio_phone_number=DEMO_NUMBER).exclude(
            username=DEMO_USERNAME
        )
        if holder.exists():
            raise CommandError(
                f"The demo number {DEMO_NUMBER} is held by user {holder.get().username!r}; "
                "seed_demo leaves real users alone."
            )
        organization, _ = Organization.objects.update_or_create(
            name=DEMO_ORGANIZATION, defaults=DEMO_CREDENTIALS
        )
        user, _ = User.objects.update_or_create(
            username=DEMO_USERNAME,
            defaults={
                "organization": organization,
                "twilio_phone_number": DEMO_NUMBER,
                "is_active": True,
            },
        )
        password = secrets.token_urlsafe(12)
        user.set_password(password)
        user.save(update_fields=["password"])
        if not user.voice_calls.exists():
            _demo_calls(user)
        return user, password


def _demo_calls(user: User) -> None:
    """Two calls in the demo user's history: one answered, one missed."""
    now = timezone.now().replace(microsecond=0)
    answered = now - timedelta(hours=2)
    common = {"organization": user.organization, "user": user, "incoming": True}
    Call.objects.bulk_create(
        [
            Call(
                call_sid="CA" + "d" * 31 + "1",
                direction=CallDirection.INBOUND,
                other_party="+12025550143",
                status=CallStatus.COMPLETED,
                started_at=answered,
                answered_at=answered + timedelta(seconds=6),
                ended_at=answered + timedelta(seconds=186),
                duration=180,
                **common,
            ),
            Call(
                call_sid="CA" + "d" * 31 + "2",
                direction=CallDirection.INBOUND,
                other_party="+12025550178",
                status=CallStatus.NO_ANSWER,
                started_at=now - timedelta(minutes=20),
                ended_at=now - timedelta(minutes=19, seconds=40),
                **common,
            ),
        ],
        ignore_conflicts=True,
    )


def _softphone_path() -> str | None:
    """The host's softphone page, where the host has one."""
    try:
        return reverse("softphone")
    except NoReverseMatch:
        return None


def _minutes(token: AccessToken) -> int:
    return int(token.lifetime.total_seconds() // 60)
