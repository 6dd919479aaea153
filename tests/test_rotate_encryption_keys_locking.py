"""rotate_encryption_keys on PostgreSQL: a row being edited is waited for, and the edit kept."""

import threading
import time

import pytest
from cryptography.fernet import Fernet
from django.db import connection, transaction

from orgs.models import Organization
from orgs.services import encrypted_values_rotate
from tests.factories import OrganizationFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no row locks"),
    pytest.mark.django_db(transaction=True),
]

EDITED = "EditedEditedEditedEditedEdited00"


def _key() -> str:
    return Fernet.generate_key().decode()


def _rotate_in_a_thread(reports: list) -> threading.Thread:
    def run():
        try:
            reports.append(encrypted_values_rotate())
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _wait_until_someone_waits_for_a_lock() -> None:
    for _ in range(500):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                return
        time.sleep(0.01)
    pytest.fail("The rotation never waited for the row lock.")


def test_the_rotation_waits_for_an_edit_in_progress_and_keeps_it(settings):
    old_key = _key()
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    edited, *_ = [OrganizationFactory() for _ in range(3)]
    settings.FIELD_ENCRYPTION_KEYS = [_key(), old_key]
    reports = []

    with transaction.atomic():
        row = Organization.objects.select_for_update().get(pk=edited.pk)
        row.twilio_api_key_secret = EDITED
        row.save()
        rotation = _rotate_in_a_thread(reports)
        _wait_until_someone_waits_for_a_lock()
    rotation.join(timeout=10)

    edited = Organization.objects.get(pk=edited.pk)
    assert edited.twilio_api_key_secret.reveal() == EDITED
    assert (reports[0].rotated, reports[0].current) == (5, 1)
