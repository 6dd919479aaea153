"""``manage.py delete_old_calls`` deletes the records older than the retention period."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from calls.management.commands import delete_old_calls
from calls.models import Call
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db

SETTING = "CALLS_CALL_LOG_RETENTION_DAYS"


def _run(*args, **options) -> str:
    out = StringIO()
    call_command("delete_old_calls", *args, stdout=out, **options)
    return out.getvalue()


def _calls_aged(*days: int) -> None:
    now = timezone.now()
    for age in days:
        CallFactory(other_party=f"+1416555{age:04}", started_at=now - timedelta(days=age))


def _ages_left() -> list[int]:
    return sorted(int(number[-4:]) for number in Call.objects.values_list("other_party", flat=True))


def test_deletes_only_the_calls_older_than_the_setting(settings):
    settings.CALLS_CALL_LOG_RETENTION_DAYS = 30
    _calls_aged(31, 400, 29, 0)

    out = _run()

    assert _ages_left() == [0, 29]
    assert out.startswith("Deleted 2 call record(s) that started before ")


def test_keeps_ninety_days_when_the_setting_is_unset(settings):
    if hasattr(settings, SETTING):
        delattr(settings, SETTING)
    _calls_aged(91, 89)

    _run()

    assert _ages_left() == [89]


def test_days_overrides_the_setting(settings):
    settings.CALLS_CALL_LOG_RETENTION_DAYS = 30
    _calls_aged(6, 4)

    _run("--days", "5")

    assert _ages_left() == [4]


def test_a_dry_run_counts_and_deletes_nothing(settings):
    settings.CALLS_CALL_LOG_RETENTION_DAYS = 30
    _calls_aged(31, 45, 29)

    out = _run("--dry-run")

    assert out.startswith("Dry run: would delete 2 call record(s) that started before ")
    assert _ages_left() == [29, 31, 45]


def test_deletes_in_batches_until_none_is_left(settings, monkeypatch):
    settings.CALLS_CALL_LOG_RETENTION_DAYS = 30
    monkeypatch.setattr(delete_old_calls, "BATCH_SIZE", 2)
    _calls_aged(31, 32, 33, 34, 35, 1)

    with CaptureQueriesContext(connection) as queries:
        out = _run()

    deletes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("DELETE")]
    assert len(deletes) == 3
    assert _ages_left() == [1]
    assert out.startswith("Deleted 5 call record(s)")


@pytest.mark.parametrize("days", ["0", "-3", "abc", "2.5", "1000000000"])
def test_days_must_be_a_positive_whole_number(days):
    _calls_aged(1)

    with pytest.raises(CommandError, match="--days"):
        _run(f"--days={days}")

    assert _ages_left() == [1]


def test_days_given_by_keyword_is_checked_too():
    _calls_aged(1)

    with pytest.raises(CommandError, match="--days must be a positive whole number of days"):
        _run(days=0)

    assert _ages_left() == [1]


@pytest.mark.parametrize("value", [0, -1, "30", 2.5, None, True])
def test_a_bad_setting_is_an_error_naming_it(settings, value):
    settings.CALLS_CALL_LOG_RETENTION_DAYS = value
    _calls_aged(400)

    with pytest.raises(CommandError, match=SETTING):
        _run()

    assert _ages_left() == [400]
