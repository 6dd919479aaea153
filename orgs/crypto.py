"""Field encryption with MultiFernet over FIELD_ENCRYPTION_KEYS (newest key first).

Keys are read from the settings on each call, so ``override_settings`` and key rotation take
effect at once; the parsed key ring is cached per distinct list of keys.
"""

import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class SecretDecryptionError(Exception):
    """No key in FIELD_ENCRYPTION_KEYS decrypts a stored value."""


def keyring() -> MultiFernet:
    """The MultiFernet for the configured keys: the first encrypts, all decrypt."""
    return _keyring(tuple(getattr(settings, "FIELD_ENCRYPTION_KEYS", ()) or ()))


def primary_key() -> Fernet:
    """The newest key alone, to tell whether a value is already encrypted under it."""
    return _keyring(tuple(settings.FIELD_ENCRYPTION_KEYS))._fernets[0]


@functools.lru_cache(maxsize=8)
def _keyring(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: set at least one Fernet key.")
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key))
        except (TypeError, ValueError):
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS: key number {position} is not a Fernet key "
                "(32 url-safe base64-encoded bytes)."
            ) from None
    return MultiFernet(fernets)


def encrypt(plaintext: str) -> str:
    """Encrypt under the newest key."""
    return keyring().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    """Decrypt with any configured key; raise SecretDecryptionError when none fits."""
    try:
        return keyring().decrypt(ciphertext.encode()).decode()
    except (InvalidToken, UnicodeError):
        raise SecretDecryptionError("no key in FIELD_ENCRYPTION_KEYS decrypts the value") from None


def is_current(ciphertext: str) -> bool:
    """Whether the value is encrypted under the newest key."""
    try:
        primary_key().decrypt(ciphertext.encode())
    except InvalidToken:
        return False
    return True


def rotate(ciphertext: str) -> str:
    """Re-encrypt under the newest key; raise SecretDecryptionError when no key fits."""
    try:
        return keyring().rotate(ciphertext.encode()).decode()
    except InvalidToken:
        raise SecretDecryptionError("no key in FIELD_ENCRYPTION_KEYS decrypts the value") from None
