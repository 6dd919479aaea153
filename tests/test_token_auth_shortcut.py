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


@pytest.mark.parametrize(
    "overrides",
    [
        {"AUTH_TOKEN_CLASSES": ("rest_framework_simplejwt.tokens.SlidingToken",)},
        {"TOKEN_TYPE_CLAIM": None},
        {"ALGORITHM": "RS256", "VERIFYING_KEY": "unused"},
        {"JWK_URL": "https://issuer.example/jwks"},
    ],
)
def test_other_settings_are_left_to_simplejwt(settings, user, overrides):
    token = _signed(_claims(user))
    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, **overrides}

    assert authentication._claims_if_valid(token.encode()) is None
