"""Set Twilio voice up for one, some or all organizations, as the admin action does."""

from django.core.management.base import BaseCommand, CommandError

from orgs.models import Organization
from orgs.twilio_setup import TwilioSetupRefused, twilio_voice_set_up

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Create the API key and the TwiML App where missing, and point the TwiML App and the "
        "members' numbers at this service's voice webhooks (TWILIO_WEBHOOK_BASE_URL). What is "
        "already right is left alone, so it can be run again at any time."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument(
            "--organization", type=int, action="append", metavar="ID", help="repeatable"
        )
        which.add_argument("--all", action="store_true", help="every organization")
        parser.add_argument(
            "--dry-run", action="store_true", help="Ask Twilio what would change; change nothing."
        )

    def handle(self, *args, organization=None, all=False, dry_run=False, **options):
        organizations = Organization.objects.order_by("pk")
        if not all:
            organizations = organizations.filter(pk__in=organization)
            unknown = set(organization) - set(organizations.values_list("pk", flat=True))
            if unknown:
                ids = ", ".join(map(str, sorted(unknown)))
                raise CommandError(f"No organization with id {ids}.")
        total, failed = organizations.count(), 0
        for done, org in enumerate(organizations.iterator(), start=1):
            try:
                report = twilio_voice_set_up(organization=org, apply=not dry_run)
            except TwilioSetupRefused as refused:
                failed += 1
                self.stderr.write(str(refused))
            else:
                failed += report.failed
                self.stdout.write(f"{report.organization}:")
                for line in report.lines():
                    self.stdout.write(f"  {line}")
            self._progress(done, total)
        if failed:
            raise CommandError(f"{failed} of {total} organization(s) not set up; see above.")

    def _progress(self, done: int, total: int) -> None:
        filled = BAR_WIDTH * done // total
        self.stderr.write(f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}")
