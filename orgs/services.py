"""Re-encrypting every stored secret under the newest key of FIELD_ENCRYPTION_KEYS."""

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models, router, transaction

from orgs import crypto
from orgs.fields import EncryptedTextField, SealedSecret

_BATCH = 500


@dataclass(frozen=True, slots=True)
class RotationFailure:
    """A stored value that no configured key decrypts; names where it is, never what it is."""

    model: str
    pk: object
    field: str

    def __str__(self) -> str:
        return f"{self.model} pk={self.pk} field {self.field}"


class Outcome(enum.Enum):
    """What happened to one stored value."""

    EMPTY = "empty"
    CURRENT = "already current"
    ROTATED = "rotated"
    FAILED = "failed"


@dataclass(slots=True)
class RotationReport:
    """Counts of values rotated and already current, and the values that failed."""

    rotated: int = 0
    current: int = 0
    failures: list[RotationFailure] = field(default_factory=list)

    def add(self, row: models.Model, outcomes: dict[str, Outcome]) -> None:
        """Count one row's outcomes, by field name."""
        for name, outcome in outcomes.items():
            if outcome is Outcome.ROTATED:
                self.rotated += 1
            elif outcome is Outcome.CURRENT:
                self.current += 1
            elif outcome is Outcome.FAILED:
                self.failures.append(RotationFailure(row._meta.label, row.pk, name))


def encrypted_fields() -> list[tuple[type[models.Model], list[EncryptedTextField]]]:
    """Every concrete model with encrypted fields of its own table, with those fields."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        own = [f for f in model._meta.local_concrete_fields if isinstance(f, EncryptedTextField)]
        if own:
            found.append((model, own))
    return found


def encrypted_values_rotate(*, dry_run: bool = False) -> RotationReport:
    """Re-encrypt each encrypted value under the newest key, one row per transaction.

    Each row is read under a lock and only its re-encrypted fields are written, so an edit
    saved meanwhile is never overwritten. A run that stops half-way leaves every row readable
    under the old keys, and a rerun finishes the job.
    """
    report = RotationReport()
    for model, fields in encrypted_fields():
        database = router.db_for_write(model)
        for pk in _primary_keys(model, database):
            _row_rotate(model, fields, pk, database=database, dry_run=dry_run, report=report)
    return report


def _primary_keys(model: type[models.Model], database: str) -> Iterator[object]:
    # Pages by key rather than holding one cursor open across the per-row transactions.
    rows = model._base_manager.using(database).order_by("pk").values_list("pk", flat=True)
    last = None
    while True:
        page = list((rows if last is None else rows.filter(pk__gt=last))[:_BATCH])
        yield from page
        if len(page) < _BATCH:
            return
        last = page[-1]


def _row_rotate(model, fields, pk, *, database: str, dry_run: bool, report: RotationReport):
    with transaction.atomic(using=database):
        rows = model._base_manager.using(database).filter(pk=pk).only(*[f.attname for f in fields])
        row = (rows if dry_run else rows.select_for_update()).first()
        if row is None:  # deleted since the keys were listed
            return
        outcomes = {f.name: _value_rotate(row, f) for f in fields}
        changed = [f.attname for f in fields if outcomes[f.name] is Outcome.ROTATED]
        if changed and not dry_run:
            row.save(using=database, update_fields=changed)
    # Counted only once the row is committed, so an interrupted row is not reported as done.
    report.add(row, outcomes)


def _value_rotate(row: models.Model, field: EncryptedTextField) -> Outcome:
    sealed = getattr(row, field.attname)
    if sealed is None:
        return Outcome.EMPTY
    if crypto.is_current(sealed.ciphertext):
        return Outcome.CURRENT
    try:
        rotated = crypto.rotate(sealed.ciphertext)
    except crypto.SecretDecryptionError:
        return Outcome.FAILED
    setattr(row, field.attname, SealedSecret(rotated))
    return Outcome.ROTATED
