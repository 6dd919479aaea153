"""Development mode needs no environment; production mode needs every secret."""

import json
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
    # Shared by every process; check --deploy does not connect to it.
    "CACHE_URL": "redis://127.0.0.1:6379/0",
}
_OURS = {
    *PRODUCTION_ENV,
    "DATABASE_URL",
    "DJANGO_SECURE_SSL_REDIRECT",
    "DJANGO_SECURE_PROXY_SSL_HEADER",
    "CACHE_URL",
    "TOKEN_THROTTLE_RATE",
}


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


def test_development_mode_is_asked_for_and_needs_nothing_else():
    result = _manage("check", env={"DJANGO_DEBUG": "true"})

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_with_no_environment_the_server_refuses_to_start_naming_a_missing_secret():
    result = _manage("check", env={})

    assert result.returncode != 0
    assert (
        "Set the DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, FIELD_ENCRYPTION_KEYS and "
        "JWT_SIGNING_KEY environment variables" in result.stderr
    )


@pytest.mark.parametrize(
    "cache_url",
    ["locmemcache://", "dummycache://", "filecache:///tmp/relay-cache", "dbcache://cache", None],
)
def test_production_refuses_a_cache_that_each_process_keeps_to_itself(cache_url):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "CACHE_URL"}
    if cache_url:
        env["CACHE_URL"] = cache_url

    result = _manage("check", "--deploy", env=env)

    assert result.returncode != 0
    assert "tether_relay.E001" in result.stderr
    assert "Set CACHE_URL" in result.stderr


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


def test_production_refuses_a_short_jwt_signing_key():
    result = _manage("check", env={**PRODUCTION_ENV, "JWT_SIGNING_KEY": "too-short"})

    assert result.returncode != 0
    assert "JWT_SIGNING_KEY must be at least 32 characters" in result.stderr


_PRINT_SECURITY = (
    "from django.conf import settings as s; import json; print(json.dumps({"
    "'hsts': s.SECURE_HSTS_SECONDS, 'subdomains': s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
    "'nosniff': s.SECURE_CONTENT_TYPE_NOSNIFF, 'session': s.SESSION_COOKIE_SECURE, "
    "'csrf': s.CSRF_COOKIE_SECURE, 'redirect': s.SECURE_SSL_REDIRECT, "
    "'proxy': s.SECURE_PROXY_SSL_HEADER, 'debug': s.DEBUG}))"
)


def _security(env: dict) -> dict:
    result = _manage("shell", "-c", _PRINT_SECURITY, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_sets_hsts_nosniff_and_secure_cookies():
    security = _security(PRODUCTION_ENV)

    assert security["debug"] is False
    assert security["hsts"] >= 31_536_000
    assert security["subdomains"] is True
    assert security["nosniff"] is True
    assert security["session"] is True
    assert security["csrf"] is True
    assert security["redirect"] is True
    assert security["proxy"] is None


def test_behind_a_tls_proxy_no_redirect_and_the_forwarded_proto_is_trusted():
    env = {
        **PRODUCTION_ENV,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_PROXY_SSL_HEADER": "true",
    }

    security = _security(env)

    assert security["redirect"] is False
    assert security["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]
