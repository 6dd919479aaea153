"""Verify one, some or all organizations' Twilio credentials and wiring, as the admin does."""

from django.core.management.base import CommandError

from orgs.management.organizations import OrganizationsCommand
from orgs.twilio_checks import twilio_credentials_verify


class Command(OrganizationsCommand):
    help = (
        "Ask Twilio whether each organization's credentials work together and whether its "
        "TwiML App, members' numbers and push credentials are wired to this service. Changes "
        "nothing; exits with an error when a check fails."
    )

    def handle(self, *args, **options):
        failed = 0
        for org in self.organizations(**options):
            report = twilio_credentials_verify(organization=org)
            failed += not report.passed
            self.stdout.write(f"{report.organization}:")
            for check in report.checks:
                mark = "FAIL" if not check.passed else "WARN" if check.warning else "ok"
                self.stdout.write(f"  {mark:4} {check.name}: {check.message}")
        if failed:
            raise CommandError(f"{failed} of {self.total} organization(s) failed; see above.")
