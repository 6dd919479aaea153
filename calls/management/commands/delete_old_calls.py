"""``manage.py delete_old_calls``: delete the call records older than the retention period."""

from datetime import datetime, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from calls.conf import app_settings
from calls.models import Call

# Records per DELETE: each statement commits on its own, so no lock is held for long.
BATCH_SIZE = 1000
SETTING = "CALLS_CALL_LOG_RETENTION_DAYS"


class Command(BaseCommand):
    help = (
        "Delete the call records of calls that started more than --days days ago (default: "
        f"the {SETTING} setting, 90 when unset), {BATCH_SIZE} at a time."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, metavar="N", help=f"Keep the last N days (default: {SETTING})."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be deleted; delete nothing."
        )

    def handle(self, *args, days=None, dry_run: bool = False, **options):
        if days is None:
            cutoff = _cutoff(app_settings.CALL_LOG_RETENTION_DAYS, source=f"The {SETTING} setting")
        else:
            cutoff = _cutoff(days, source="--days")
        old = Call.objects.filter(started_at__lt=cutoff)
        when = f"that started before {cutoff.isoformat(timespec='seconds')}"
        if dry_run:
            self.stdout.write(f"Dry run: would delete {old.count()} call record(s) {when}.")
        else:
            self.stdout.write(f"Deleted {calls_delete(old)} call record(s) {when}.")


def _cutoff(days, *, source: str) -> datetime:
    """The moment ``days`` days ago, or a CommandError naming where the bad number came from."""
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise CommandError(f"{source} must be a positive whole number of days, not {days!r}.")
    try:
        return timezone.now() - timedelta(days=days)
    except OverflowError:
        raise CommandError(f"{source} goes back further than a date can: {days} days.") from None


def calls_delete(calls) -> int:
    """Delete the calls of the queryset, oldest first, ``BATCH_SIZE`` per statement."""
    deleted = 0
    oldest = calls.order_by("started_at").values_list("id", flat=True)
    while ids := list(oldest[:BATCH_SIZE]):
        _, per_model = Call.objects.filter(id__in=ids).delete()
        deleted += per_model.get(Call._meta.label, 0)
    return deleted
