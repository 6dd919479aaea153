"""CALLS_DEFAULT_TOKEN_TTL: the lifetime of a token whose credentials carry no TTL of their own."""

import secrets

import jwt
import pytest

from calls.services import voice_token_mint
from orgs import crypto
from orgs.fields import SealedSecret
from orgs.voice import TOKEN_TTL_DEFAULT, TwilioCredentials, VoiceCaller

SECRET = secrets.token_hex(16)
NOW = 1_800_000_000


def _caller(token_ttl: int | None) -> VoiceCaller:
    credentials = TwilioCredentials(
        account_sid="AC" + "a" * 32,
        api_key_sid="SK" + "b" * 32,
        api_key_secret=SealedSecret(crypto.encrypt(SECRET)),
        twiml_app_sid="AP" + "c" * 32,
        token_ttl=token_ttl,
    )
    return VoiceCaller(
        user_id="7",
        is_active=True,
        phone_number="+14165550100",
        organization_id="3",
        credentials=credentials,
    )


def _lifetime(caller: VoiceCaller) -> int:
    minted = voice_token_mint(caller=caller, now=NOW)
    claims = jwt.decode(
        minted.token,
        SECRET,
        algorithms=["HS256"],
        options={"verify_exp": False},
    )
    assert minted.expires_at.timestamp() == claims["exp"]
    assert "nbf" not in claims
    return claims["exp"] - NOW


def test_credentials_without_a_ttl_default_to_an_hour():
    assert TwilioCredentials().token_ttl is None
    assert _lifetime(_caller(None)) == TOKEN_TTL_DEFAULT == 3600


def test_the_setting_decides_when_the_credentials_carry_no_ttl(settings):
    settings.CALLS_DEFAULT_TOKEN_TTL = 900

    assert _lifetime(_caller(None)) == 900


def test_the_setting_is_read_on_every_mint(settings):
    caller = _caller(None)
    settings.CALLS_DEFAULT_TOKEN_TTL = 120
    first = _lifetime(caller)
    settings.CALLS_DEFAULT_TOKEN_TTL = 7200

    assert (first, _lifetime(caller)) == (120, 7200)


@pytest.mark.parametrize("token_ttl", [60, 600, 86_400])
def test_the_credentials_own_ttl_wins_over_the_setting(settings, token_ttl):
    settings.CALLS_DEFAULT_TOKEN_TTL = 900

    assert _lifetime(_caller(token_ttl)) == token_ttl
