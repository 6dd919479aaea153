"""The pair a sign-in or a refresh hands out: SimpleJWT tokens, derived, never stored.

Every claim of a pair follows from a seed, an issue time and the session, and HS256 signing
is deterministic: so the pair answered to a refresh can be made again, byte for byte, from
the exchanged token's jti and the time of the exchange, with nothing usable kept at rest.
"""

import base64
import hashlib
import hmac
from dataclasses import dataclass

from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken, Token

from tether_relay.signin.models import SignInSession

SESSION_CLAIM = "sid"
PASSWORD_CLAIM = "pwd"  # noqa: S105 - a claim's name: it holds a keyed digest, not a password


@dataclass(frozen=True, slots=True)
class TokenPair:
    """What a sign-in or a refresh answers."""

    access: str
    refresh: str


def password_fingerprint(user) -> str:
    """A keyed digest of the user's password hash: a password change makes another one.

    Keyed with the JWT signing key, so the token's claim tells nothing about the hash.
    """
    key = jwt_settings.SIGNING_KEY.encode()
    digest = hmac.new(key, f"{user.pk}:{user.password}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()


def token_pair(*, user, session: SignInSession, seed: str, issued_at: int) -> TokenPair:
    """The pair for ``seed`` issued at ``issued_at``; the same arguments make the same pair.

    Neither token outlives the session.
    """
    ends = int(session.expires_at.timestamp())
    user_id = getattr(user, jwt_settings.USER_ID_FIELD)
    if not isinstance(user_id, int):
        user_id = str(user_id)
    refresh = _token(
        RefreshToken,
        seed=seed,
        issued_at=issued_at,
        expires=min(issued_at + int(jwt_settings.REFRESH_TOKEN_LIFETIME.total_seconds()), ends),
        claims={
            jwt_settings.USER_ID_CLAIM: user_id,
            SESSION_CLAIM: str(session.id),
            PASSWORD_CLAIM: password_fingerprint(user),
        },
    )
    access = _token(
        AccessToken,
        seed=seed,
        issued_at=issued_at,
        expires=min(issued_at + int(jwt_settings.ACCESS_TOKEN_LIFETIME.total_seconds()), ends),
        claims={jwt_settings.USER_ID_CLAIM: user_id},
    )
    return TokenPair(access=access, refresh=refresh)


def _token(kind: type[Token], *, seed: str, issued_at: int, expires: int, claims: dict) -> str:
    token = kind()
    # The whole payload, in a fixed order, replaces the one made from the clock and at random.
    token.payload = {
        jwt_settings.TOKEN_TYPE_CLAIM: kind.token_type,
        "exp": expires,
        "iat": issued_at,
        jwt_settings.JTI_CLAIM: _derived_jti(seed, kind.token_type),
        **claims,
    }
    return str(token)


def _derived_jti(seed: str, token_type: str) -> str:
    key = jwt_settings.SIGNING_KEY.encode()
    return hmac.new(key, f"{seed}:{token_type}".encode(), hashlib.sha256).hexdigest()[:32]
