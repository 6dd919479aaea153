"""Set Twilio voice up for one, some or all organizations, as the admin action does."""

from django.core.management.base import CommandError

from orgs.management.organizations import OrganizationsCommand
from orgs.twilio_setup import TwilioSetupRefused, twilio_voice_set_up


class Command(OrganizationsCommand):
    help = (
        "Create the API key and the TwiML App where missing, and point the TwiML App and the "
        "members' numbers at this service's voice webhooks (TWILIO_WEBHOOK_BASE_URL). What is "
        "already right is left alone, so it can be run again at any time."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--dry-run", action="store_true", help="Ask Twilio what would change; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        failed = 0
        for org in self.organizations(**options):
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
        if failed:
            raise CommandError(f"{failed} of {self.total} organization(s) not set up; see above.")
