"""System checks of the orgs app: the field-encryption keys are present and well-formed."""

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error

_HINT = (
    "Set FIELD_ENCRYPTION_KEYS to a list of Fernet keys, newest first; make one with "
    'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())".'
)


def check_field_encryption_keys(app_configs=None, **kwargs) -> list[Error]:
    """FIELD_ENCRYPTION_KEYS is a non-empty list of Fernet keys.

    Messages name a bad key by its position only: the keys are secrets.
    """
    keys = getattr(settings, "FIELD_ENCRYPTION_KEYS", None)
    if not keys:
        return [Error("FIELD_ENCRYPTION_KEYS is missing or empty.", hint=_HINT, id="orgs.E001")]
    if isinstance(keys, str | bytes):
        # One string would be read as a list of one-character keys.
        return [
            Error(
                "FIELD_ENCRYPTION_KEYS must be a list or tuple of keys, not a single string.",
                hint=_HINT,
                id="orgs.E003",
            )
        ]
    return [
        Error(
            f"FIELD_ENCRYPTION_KEYS: key number {position} is not a Fernet key "
            "(32 url-safe base64-encoded bytes).",
            hint=_HINT,
            id="orgs.E002",
        )
        for position, key in enumerate(keys, start=1)
        if not _is_fernet_key(key)
    ]


def _is_fernet_key(key) -> bool:
    try:
        Fernet(key)
    except (TypeError, ValueError):
        return False
    return True
