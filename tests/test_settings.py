"""Development mode needs no environment; production mode needs every secret."""

import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet

from tests.contract import ROOT

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "p" * 20 + "roduction-secret-key-with-enough-randomness-0123456789",
    "DJANGO_ALLOWED_HOSTS": "relay.example.com",
    "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "JWT_SIGNING_KEY": "production-jwt-signing-key-" + "x" * 30,
}
_OURS = {*PRODUCTION_ENV, "DATABASE_URL", "DJANGO_SECURE_SSL_REDIRECT"}


def _manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in _OURS}
    return subprocess.run(  # noqa: S603 - fixed arguments, the test's own interpreter
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "DATABASE_URL": "sqlite:///:memory:", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_development_mode_starts_with_no_environment():
    result = _manage("check", env={})

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "missing",
    ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "FIELD_ENCRYPTION_KEYS", "JWT_SIGNING_KEY"],
)
def test_production_refuses_to_start_without_a_secret(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}

    result = _manage("check", env=env)

    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


def test_production_check_deploy_reports_nothing():
    result = _manage("check", "--deploy", "--fail-level", "DEBUG", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_ssl_redirect_can_be_left_to_the_proxy():
    env = {**PRODUCTION_ENV, "DJANGO_SECURE_SSL_REDIRECT": "false"}

    result = _manage("check", "--deploy", "--fail-level", "DEBUG", env=env)

    assert result.returncode == 0, result.stderr
