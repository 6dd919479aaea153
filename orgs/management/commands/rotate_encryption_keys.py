"""Re-encrypt every stored secret under the newest key of FIELD_ENCRYPTION_KEYS."""

from django.core.management.base import BaseCommand, CommandError

from orgs.services import RotationReport, encrypted_values_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field under the first key of FIELD_ENCRYPTION_KEYS. "
        "Values already under it are left alone, so the command can be run again at any time. "
        "Remove an old key only after a run reports 0 rotated and 0 failed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be rotated, and report what fails, without writing anything.",
        )

    def handle(self, *args, dry_run: bool = False, **options):
        report = encrypted_values_rotate(dry_run=dry_run)
        for failure in report.failures:
            self.stderr.write(f"No key in FIELD_ENCRYPTION_KEYS decrypts {failure}.")
        self.stdout.write(_summary(report, dry_run=dry_run))
        if report.failures:
            raise CommandError(
                f"{len(report.failures)} stored value(s) could not be decrypted. Add the key they "
                "were encrypted with to FIELD_ENCRYPTION_KEYS, or enter those secrets again."
            )


def _summary(report: RotationReport, *, dry_run: bool) -> str:
    counts = f"already current {report.current}, failed {len(report.failures)}."
    if dry_run:
        return f"Dry run, nothing written: would rotate {report.rotated}, {counts}"
    return f"Rotated {report.rotated}, {counts}"
