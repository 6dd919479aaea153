"""System checks of the orgs app: FIELD_ENCRYPTION_KEYS, and every check through manage.py."""

import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.core.checks import run_checks

from orgs.checks import check_field_encryption_keys
from tests.contract import ROOT

GOOD_KEY = Fernet.generate_key().decode()
MALFORMED = ["not-a-key", GOOD_KEY[:-4], "A" * 44, b"short", 42]


def _ids(errors) -> list[str]:
    return [error.id for error in errors]


def test_good_keys_pass(settings):
    settings.FIELD_ENCRYPTION_KEYS = [GOOD_KEY, Fernet.generate_key()]

    assert check_field_encryption_keys() == []


@pytest.mark.parametrize("keys", [[], (), "", None])
def test_empty_keys(settings, keys):
    settings.FIELD_ENCRYPTION_KEYS = keys

    errors = check_field_encryption_keys()

    assert _ids(errors) == ["orgs.E001"]
    assert "FIELD_ENCRYPTION_KEYS" in errors[0].msg


def test_missing_keys(settings):
    del settings.FIELD_ENCRYPTION_KEYS

    assert _ids(check_field_encryption_keys()) == ["orgs.E001"]


@pytest.mark.parametrize("bad", MALFORMED, ids=repr)
def test_a_malformed_key_is_named_by_position_never_by_value(settings, bad):
    settings.FIELD_ENCRYPTION_KEYS = [GOOD_KEY, bad]

    errors = check_field_encryption_keys()

    assert _ids(errors) == ["orgs.E002"]
    assert "FIELD_ENCRYPTION_KEYS: key number 2" in errors[0].msg
    assert str(bad) not in f"{errors[0].msg} {errors[0].hint}"


def test_one_string_instead_of_a_list(settings):
    settings.FIELD_ENCRYPTION_KEYS = GOOD_KEY

    assert _ids(check_field_encryption_keys()) == ["orgs.E003"]


def test_the_check_is_registered_by_the_app(settings):
    settings.FIELD_ENCRYPTION_KEYS = ["not-a-key"]

    assert "orgs.E002" in _ids(run_checks())


def test_manage_py_check_stops_on_bad_settings():
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_DEBUG", "DATABASE_URL"}}
    env.update(
        DJANGO_DEBUG="true",
        DATABASE_URL="sqlite:///:memory:",
        FIELD_ENCRYPTION_KEYS=f"{GOOD_KEY},not-a-fernet-key",
        TOKEN_THROTTLE_RATE="sixty a minute",
    )

    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 1, result.stdout + result.stderr
    assert "(orgs.E002) FIELD_ENCRYPTION_KEYS: key number 2 is not a Fernet key" in result.stderr
    assert "(calls.E004) CALLS_TOKEN_THROTTLE_RATE 'sixty a minute'" in result.stderr
    assert "not-a-fernet-key" not in result.stderr
