"""What the Twilio management commands share: which organizations, and a progress bar."""

from collections.abc import Iterator

from django.core.management.base import BaseCommand, CommandError

from orgs.models import Organization

BAR_WIDTH = 30


class OrganizationsCommand(BaseCommand):
    """A command run for ``--organization ID`` (repeatable) or ``--all``, one at a time, with
    a progress bar on standard error."""

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument(
            "--organization", type=int, action="append", metavar="ID", help="repeatable"
        )
        which.add_argument("--all", action="store_true", help="every organization")

    def organizations(self, *, organization=None, all=False, **options) -> Iterator[Organization]:
        """The organizations asked for, by id; the bar moves as each is done."""
        chosen = Organization.objects.order_by("pk")
        if not all:
            chosen = chosen.filter(pk__in=organization)
            unknown = set(organization) - set(chosen.values_list("pk", flat=True))
            if unknown:
                ids = ", ".join(map(str, sorted(unknown)))
                raise CommandError(f"No organization with id {ids}.")
        self.total = chosen.count()
        for done, org in enumerate(chosen.iterator(), start=1):
            yield org
            filled = BAR_WIDTH * done // self.total
            self.stderr.write(f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{self.total}")
