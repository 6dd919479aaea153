"""The API key secret is encrypted at rest, sealed in memory, and rotates with the keys."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from orgs import crypto
from orgs.fields import SealedSecret
from orgs.models import Organization
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

SECRET = "s3cr3tS3CR3Ts3cr3tS3CR3Ts3cr3t00"


def _stored(org) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT twilio_api_key_secret FROM orgs_organization WHERE id = %s", [org.pk]
        )
        return cursor.fetchone()[0]


def test_round_trip():
    org = OrganizationFactory(twilio_api_key_secret=SECRET)

    assert Organization.objects.get(pk=org.pk).twilio_api_key_secret.reveal() == SECRET


def test_nothing_in_plain_text_in_the_database():
    org = OrganizationFactory(twilio_api_key_secret=SECRET)

    stored = _stored(org)
    assert SECRET not in stored
    assert stored.startswith("gAAAAA")  # a Fernet token


def test_assignment_seals_at_once():
    org = Organization(name="x")
    org.twilio_api_key_secret = SECRET

    assert isinstance(org.twilio_api_key_secret, SealedSecret)
    assert SECRET not in repr(org.twilio_api_key_secret)
    assert SECRET not in str(org.twilio_api_key_secret)
    assert SECRET not in repr(org.__dict__)


def test_queryset_update_encrypts_too():
    org = OrganizationFactory()

    Organization.objects.filter(pk=org.pk).update(twilio_api_key_secret=SECRET)

    assert SECRET not in _stored(org)
    assert Organization.objects.get(pk=org.pk).twilio_api_key_secret.reveal() == SECRET


def test_blank_is_unset_and_stored_empty():
    org = OrganizationFactory(twilio_api_key_secret="")

    assert Organization.objects.get(pk=org.pk).twilio_api_key_secret is None
    assert _stored(org) == ""


def test_an_older_key_still_decrypts_and_the_newest_encrypts(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    org = OrganizationFactory(twilio_api_key_secret=SECRET)

    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    loaded = Organization.objects.get(pk=org.pk).twilio_api_key_secret
    assert loaded.reveal() == SECRET
    assert not crypto.is_current(loaded.ciphertext)

    rotated = crypto.rotate(loaded.ciphertext)
    settings.FIELD_ENCRYPTION_KEYS = [new]
    assert SealedSecret(rotated).reveal() == SECRET


def test_no_key_decrypts_raises_never_returns_ciphertext(settings):
    org = OrganizationFactory(twilio_api_key_secret=SECRET)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    loaded = Organization.objects.get(pk=org.pk).twilio_api_key_secret

    with pytest.raises(crypto.SecretDecryptionError):
        loaded.reveal()


def test_undecryptable_row_still_loads_for_repair(settings):
    org = OrganizationFactory(twilio_api_key_secret=SECRET)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    loaded = Organization.objects.get(pk=org.pk)
    loaded.twilio_api_key_secret = "n3wS3cr3tn3wS3cr3tn3wS3cr3t00000"
    loaded.save()

    assert Organization.objects.get(pk=org.pk).twilio_api_key_secret.reveal().startswith("n3w")


@pytest.mark.parametrize("keys", [[], ["not-a-fernet-key"], ["", "x"]])
def test_missing_or_malformed_keys_are_a_configuration_error(settings, keys):
    settings.FIELD_ENCRYPTION_KEYS = keys

    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
        crypto.encrypt(SECRET)
