"""A model field that keeps a secret encrypted at rest and sealed in memory."""

from dataclasses import dataclass, field

from django import forms
from django.db import models
from django.db.models.query_utils import DeferredAttribute

from orgs import crypto


@dataclass(frozen=True, slots=True)
class SealedSecret:
    """An encrypted secret as stored. ``reveal()`` decrypts it; nothing else shows it."""

    ciphertext: str = field(repr=False)

    def reveal(self) -> str:
        """The plaintext; raises ``crypto.SecretDecryptionError`` when no key fits."""
        return crypto.decrypt(self.ciphertext)

    def __str__(self) -> str:
        return "********"

    def __repr__(self) -> str:
        return "SealedSecret(********)"


class _SealingDescriptor(DeferredAttribute):
    """Seals plaintext as soon as it is assigned, so it never lingers on an instance."""

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = self.field.seal(value)


class EncryptedTextField(models.TextField):
    """Stores a Fernet token of the value; the attribute is a SealedSecret, or None when unset.

    Blank is stored as the empty string. Assigning a ``str`` encrypts it under the newest key
    of FIELD_ENCRYPTION_KEYS at once, and so does ``QuerySet.update()`` with a ``str``.
    """

    descriptor_class = _SealingDescriptor

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", True)
        super().__init__(*args, **kwargs)

    @staticmethod
    def seal(value) -> SealedSecret | None:
        """None for an empty value, a SealedSecret for anything else."""
        if value is None or value == "":
            return None
        if isinstance(value, SealedSecret):
            return value
        if isinstance(value, str):
            return SealedSecret(crypto.encrypt(value))
        raise TypeError(f"{type(value).__name__} cannot be stored in an EncryptedTextField")

    def from_db_value(self, value, expression, connection):
        return SealedSecret(value) if value else None

    def to_python(self, value):
        return self.seal(value)

    def get_prep_value(self, value):
        sealed = self.seal(value)
        return sealed.ciphertext if sealed else ""

    def value_to_string(self, obj):
        sealed = self.value_from_object(obj)
        return sealed.ciphertext if sealed else ""

    def formfield(self, **kwargs):
        # A generic ModelForm must never render the stored value back.
        return super().formfield(**{"widget": forms.PasswordInput(render_value=False), **kwargs})
