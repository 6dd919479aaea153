"""A valid bearer token is checked with PyJWT directly; every refusal is SimpleJWT's own."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.conf import settings
from rest_framework_simplejwt.tokens import RefreshToken, Token

from calls import authentication
from tests.test_token_auth import _claims, _signed

pytestmark = pytest.mark.django_db


def test_a_valid_token_is_checked_without_simplejwts_token_classes(get_token, user, monkeypatch):
    header = f"Bearer {_signed(_claims(user))}"

    def unused(*args, **kwargs):
        raise AssertionError("SimpleJWT's token class was built")

    monkeypatch.setattr(Token, "__init__", unused)

    assert get_token(HTTP_AUTHORIZATION=header).status_code == HTTPStatus.OK


def _refusals(user) -> dict[str, str]:
    claims = _claims(user)
    without = {name: {k: v for k, v in claims.items() if k != name} for name in ("jti", "exp")}
    return {
        "expired": _signed({**claims, "exp": claims["exp"] - 3600}),
        "audience": _signed({**claims, "aud": "someone-else"}),
        "issuer": _signed({**claims, "iss": "someone-else"}),
        "refresh": str(RefreshToken.for_user(user)),
        "no id": _signed(without["jti"]),
        "no expiry": _signed(without["exp"]),
        "forged": _signed(claims, key="another-key-of-at-least-32-characters!"),
        "not yet valid": _signed({**claims, "nbf": claims["exp"] + 3600}),
        "malformed": "abc.def.ghi",
    }


def test_every_refusal_is_exactly_simplejwts(get_token, user, monkeypatch):
    tokens = _refusals(user)
    shortcut = {name: get_token(HTTP_AUTHORIZATION=f"Bearer {t}") for name, t in tokens.items()}
    monkeypatch.setattr(authentication, "_claims_if_valid", lambda raw: None)
    simplejwt = {name: get_token(HTTP_AUTHORIZATION=f"Bearer {t}") for name, t in tokens.items()}

    for name in tokens:
        assert shortcut[name].status_code == HTTPStatus.UNAUTHORIZED, name
        assert shortcut[name].json() == simplejwt[name].json(), name
        assert shortcut[name]["WWW-Authenticate"] == simplejwt[name]["WWW-Authenticate"]


def test_the_shortcut_refuses_what_simplejwt_refuses(user):
    for name, token in _refusals(user).items():
        assert authentication._claims_if_valid(token.encode()) is None, name


def test_the_leeway_is_simplejwts(get_token, user):
    claims = _claims(user)
    leeway = settings.SIMPLE_JWT["LEEWAY"].total_seconds()
    now = claims["exp"] - int(timedelta(minutes=5).total_seconds())

    within = _signed({**claims, "exp": int(now - leeway + 3)})
    beyond = _signed({**claims, "exp": int(now - leeway - 3)})

    assert authentication._claims_if_valid(within.encode()) is not None
    assert authentication._claims_if_valid(beyond.encode()) is None


def _settings_seen_by_simplejwt(monkeypatch, **overrides):
    """SimpleJWT's authentication and token modules, and its token backend, as they would be
    with these SIMPLE_JWT settings from the start (SimpleJWT reads them once)."""
    from django.conf import settings as django_settings
    from rest_framework_simplejwt import authentication as simplejwt_authentication
    from rest_framework_simplejwt import state
    from rest_framework_simplejwt import tokens as simplejwt_tokens
    from rest_framework_simplejwt.backends import TokenBackend
    from rest_framework_simplejwt.settings import DEFAULTS, IMPORT_STRINGS, APISettings

    chosen = APISettings({**django_settings.SIMPLE_JWT, **overrides}, DEFAULTS, IMPORT_STRINGS)
    monkeypatch.setattr(simplejwt_authentication, "api_settings", chosen)
    monkeypatch.setattr(simplejwt_tokens, "api_settings", chosen)
    backend = TokenBackend(
        chosen.ALGORITHM,
        chosen.SIGNING_KEY,
        chosen.VERIFYING_KEY,
        chosen.AUDIENCE,
        chosen.ISSUER,
        chosen.JWK_URL,
        chosen.LEEWAY,
    )
    monkeypatch.setattr(state, "token_backend", backend)


@pytest.mark.parametrize(
    "overrides",
    [
        {"AUTH_TOKEN_CLASSES": ("rest_framework_simplejwt.tokens.SlidingToken",)},
        {"TOKEN_TYPE_CLAIM": None},
        {"ALGORITHM": "RS256", "VERIFYING_KEY": "unused"},
        {"JWK_URL": "https://issuer.example/jwks"},
    ],
)
def test_other_settings_are_left_to_simplejwt(monkeypatch, user, overrides):
    token = _signed(_claims(user))
    _settings_seen_by_simplejwt(monkeypatch, **overrides)

    assert authentication._claims_if_valid(token.encode()) is None


def test_the_signing_key_is_the_one_simplejwt_checks_with(monkeypatch, user):
    new_key = "another-signing-key-of-at-least-32-characters"
    signed_old, signed_new = _signed(_claims(user)), _signed(_claims(user), key=new_key)
    _settings_seen_by_simplejwt(monkeypatch, SIGNING_KEY=new_key)

    assert authentication._claims_if_valid(signed_old.encode()) is None
    assert authentication._claims_if_valid(signed_new.encode()) is not None


def test_a_string_expiry_is_left_to_simplejwt(user):
    claims = _claims(user)

    assert (
        authentication._claims_if_valid(_signed({**claims, "exp": str(claims["exp"])}).encode())
        is None
    )
