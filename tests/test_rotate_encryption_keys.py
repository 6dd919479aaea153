"""rotate_encryption_keys: every stored secret moves to the newest key, safely and quietly."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection

from orgs import crypto
from orgs.models import Organization
from orgs.services import encrypted_fields
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

SECRET_COLUMNS = ["twilio_api_key_secret", "twilio_auth_token"]


def _key() -> str:
    return Fernet.generate_key().decode()


@pytest.fixture
def old_key(settings):
    key = _key()
    settings.FIELD_ENCRYPTION_KEYS = [key]
    return key


@pytest.fixture
def orgs(old_key):
    """Three organizations with both secrets under the old key, and one with none."""
    created = [OrganizationFactory() for _ in range(3)]
    OrganizationFactory(unconfigured=True)
    return created


def _plaintexts(organizations) -> dict[tuple[int, str], str]:
    return {
        (org.pk, name): getattr(org, name).reveal()
        for org in organizations
        for name in SECRET_COLUMNS
    }


def _stored() -> dict[tuple[int, str], str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, twilio_api_key_secret, twilio_auth_token FROM orgs_organization")
        rows = cursor.fetchall()
    return {
        (row[0], name): value
        for row in rows
        for name, value in zip(SECRET_COLUMNS, row[1:], strict=True)
    }


def _rotate(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("rotate_encryption_keys", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _assert_all_decrypt(plaintexts) -> None:
    for (pk, name), plaintext in plaintexts.items():
        assert getattr(Organization.objects.get(pk=pk), name).reveal() == plaintext


def test_every_encrypted_field_is_found_through_the_app_registry():
    found = {model: [f.name for f in fields] for model, fields in encrypted_fields()}

    assert found == {Organization: SECRET_COLUMNS}


def test_the_whole_procedure(settings, orgs, old_key):
    plaintexts = _plaintexts(orgs)
    new_key = _key()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]

    out, err = _rotate()

    assert out.strip() == "Rotated 6, already current 0, failed 0."
    assert err == ""
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    _assert_all_decrypt(plaintexts)
    assert all(crypto.is_current(v) for v in _stored().values() if v)


def test_a_second_run_rotates_nothing(settings, orgs, old_key):
    settings.FIELD_ENCRYPTION_KEYS = [_key(), old_key]
    _rotate()
    before = _stored()

    out, _ = _rotate()

    assert out.strip() == "Rotated 0, already current 6, failed 0."
    assert _stored() == before


def test_an_interrupted_run_loses_nothing_and_a_rerun_finishes(
    settings, orgs, old_key, monkeypatch
):
    plaintexts = _plaintexts(orgs)
    new_key = _key()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    save = Organization.save
    calls = []

    def save_then_interrupt(self, *args, **kwargs):
        calls.append(self.pk)
        if len(calls) == 2:
            raise KeyboardInterrupt
        save(self, *args, **kwargs)

    monkeypatch.setattr(Organization, "save", save_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        _rotate()
    monkeypatch.setattr(Organization, "save", save)

    current = {key for key, value in _stored().items() if value and crypto.is_current(value)}
    assert current == {(orgs[0].pk, name) for name in SECRET_COLUMNS}
    _assert_all_decrypt(plaintexts)
    out, _ = _rotate()
    assert out.strip() == "Rotated 4, already current 2, failed 0."
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    _assert_all_decrypt(plaintexts)


def test_an_edit_made_during_the_run_is_not_overwritten(settings, orgs, old_key, monkeypatch):
    settings.FIELD_ENCRYPTION_KEYS = [_key(), old_key]
    first, second = orgs[0], orgs[1]
    save = Organization.save

    def save_then_edit_the_next_row(self, *args, **kwargs):
        save(self, *args, **kwargs)
        if self.pk == first.pk:
            Organization.objects.filter(pk=second.pk).update(
                name="Edited", twilio_api_key_secret="EditedEditedEditedEditedEdited00"
            )

    monkeypatch.setattr(Organization, "save", save_then_edit_the_next_row)
    out, _ = _rotate()

    second = Organization.objects.get(pk=second.pk)
    assert second.name == "Edited"
    assert second.twilio_api_key_secret.reveal() == "EditedEditedEditedEditedEdited00"
    assert crypto.is_current(second.twilio_auth_token.ciphertext)
    assert out.strip() == "Rotated 5, already current 1, failed 0."


def test_an_undecryptable_value_is_reported_and_fails_the_command(settings, orgs, old_key):
    settings.FIELD_ENCRYPTION_KEYS = [_key()]
    stray = OrganizationFactory(twilio_auth_token="")
    settings.FIELD_ENCRYPTION_KEYS = [_key(), old_key]
    err = StringIO()

    with pytest.raises(CommandError, match="1 stored value") as excinfo:
        call_command("rotate_encryption_keys", stdout=StringIO(), stderr=err)

    assert excinfo.value.returncode == 1
    assert err.getvalue().strip() == (
        "No key in FIELD_ENCRYPTION_KEYS decrypts "
        f"orgs.Organization pk={stray.pk} field twilio_api_key_secret."
    )
    rotated = [v for (pk, _), v in _stored().items() if v and pk != stray.pk]
    assert len(rotated) == 6
    assert all(crypto.is_current(value) for value in rotated)


def test_a_dry_run_writes_nothing(settings, orgs, old_key):
    settings.FIELD_ENCRYPTION_KEYS = [_key(), old_key]
    before = _stored()

    out, _ = _rotate("--dry-run")

    assert out.strip() == "Dry run, nothing written: would rotate 6, already current 0, failed 0."
    assert _stored() == before


def test_a_dry_run_reports_undecryptable_values_too(settings, orgs, old_key):
    settings.FIELD_ENCRYPTION_KEYS = [_key()]

    with pytest.raises(CommandError):
        call_command("rotate_encryption_keys", "--dry-run", stdout=StringIO(), stderr=StringIO())


def test_output_and_logs_never_contain_a_secret(settings, orgs, old_key, caplog):
    plaintexts = _plaintexts(orgs)
    stored_before = _stored()
    settings.FIELD_ENCRYPTION_KEYS = [_key()]
    OrganizationFactory()
    settings.FIELD_ENCRYPTION_KEYS = [_key(), old_key]
    out, err = StringIO(), StringIO()

    with caplog.at_level("DEBUG"), pytest.raises(CommandError) as excinfo:
        call_command("rotate_encryption_keys", stdout=out, stderr=err)

    printed = "\n".join([out.getvalue(), err.getvalue(), str(excinfo.value), caplog.text])
    secrets = [*plaintexts.values(), *stored_before.values(), *_stored().values()]
    assert all(secret not in printed for secret in secrets if secret)
