"""The hostile-request table: every way a request to the token endpoint can be bad.

Each case builds a request from a ``World`` of seeded rows and names the documented status and
code it must get. test_hostile.py runs the table; test_no_leaks.py runs it again, collecting
everything the service says.
"""

import base64
import json
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import jwt
from django.conf import settings
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from orgs.fields import SealedSecret
from orgs.models import Organization
from tests.factories import OrganizationFactory, UserFactory
from users.models import User

FAILED = "Failed to generate token"


@dataclass
class World:
    """The rows a hostile request may aim at."""

    user: User
    other: User
    inactive: User
    deleted_token: str
    malformed_sid_user: User
    undecryptable_user: User

    @classmethod
    def seed(cls) -> "World":
        deleted = UserFactory()
        deleted_token = str(AccessToken.for_user(deleted))
        deleted.delete()
        malformed = UserFactory()
        Organization.objects.filter(pk=malformed.organization_id).update(
            twilio_account_sid="AC-legacy-value"
        )
        undecryptable = UserFactory(organization=OrganizationFactory())
        Organization.objects.filter(pk=undecryptable.organization_id).update(
            twilio_api_key_secret=SealedSecret("gAAAAABlegacy-ciphertext-under-a-lost-key==")
        )
        return cls(
            user=UserFactory(),
            other=UserFactory(),
            inactive=UserFactory(is_active=False),
            deleted_token=deleted_token,
            malformed_sid_user=malformed,
            undecryptable_user=undecryptable,
        )


def claims(user: User, **changes) -> dict:
    """An access token's claims as the server signs them, with changes (None removes)."""
    base = {
        **AccessToken.for_user(user).payload,
        "aud": settings.SIMPLE_JWT["AUDIENCE"],
        "iss": settings.SIMPLE_JWT["ISSUER"],
    }
    for key, value in changes.items():
        if value is None:
            base.pop(key, None)
        else:
            base[key] = value
    return base


def signed(payload: dict, key: str | None = None, algorithm: str = "HS256", **headers) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jwt.warnings.InsecureKeyLengthWarning)
        return jwt.encode(
            payload, key or settings.JWT_SIGNING_KEY, algorithm=algorithm, headers=headers or None
        )


def _tampered(world: World) -> str:
    head, _, signature = str(AccessToken.for_user(world.user)).split(".")
    body = base64.urlsafe_b64encode(json.dumps(claims(world.other)).encode()).rstrip(b"=")
    return f"{head}.{body.decode()}.{signature}"


def _now() -> int:
    return int(AccessToken().current_time.timestamp())


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def own(world: World) -> dict:
    return bearer(str(AccessToken.for_user(world.user)))


@dataclass(frozen=True)
class Case:
    name: str
    request: Callable[[World], dict]  # keyword arguments of the test client's method
    status: int
    code: str | None
    method: str = "get"


CASES = [
    Case("no Authorization header", lambda w: {}, 401, "not_authenticated"),
    Case(
        "scheme only", lambda w: {"HTTP_AUTHORIZATION": "Bearer"}, 401, "bad_authorization_header"
    ),
    Case(
        "two tokens",
        lambda w: {"HTTP_AUTHORIZATION": "Bearer a b"},
        401,
        "bad_authorization_header",
    ),
    Case(
        "Basic credentials",
        lambda w: {"HTTP_AUTHORIZATION": "Basic dXNlcjpwYXNz"},
        401,
        "not_authenticated",
    ),
    Case("not a JWT", lambda w: bearer("not-a-jwt"), 401, "token_not_valid"),
    Case(
        "truncated",
        lambda w: bearer(str(AccessToken.for_user(w.user))[:-12]),
        401,
        "token_not_valid",
    ),
    Case("tampered payload", lambda w: bearer(_tampered(w)), 401, "token_not_valid"),
    Case(
        "expired", lambda w: bearer(signed(claims(w.user, exp=_now() - 60))), 401, "token_not_valid"
    ),
    Case(
        "not yet valid (nbf)",
        lambda w: bearer(signed(claims(w.user, nbf=_now() + 600))),
        401,
        "token_not_valid",
    ),
    Case(
        "issued in the future",
        lambda w: bearer(signed(claims(w.user, iat=_now() + 600))),
        401,
        "token_not_valid",
    ),
    Case(
        "wrong signing key",
        lambda w: bearer(signed(claims(w.user), key="x" * 64)),
        401,
        "token_not_valid",
    ),
    Case(
        "signed with SECRET_KEY",
        lambda w: bearer(signed(claims(w.user), key=settings.SECRET_KEY)),
        401,
        "token_not_valid",
    ),
    Case(
        "alg none",
        lambda w: bearer(jwt.encode(claims(w.user), None, algorithm="none")),
        401,
        "token_not_valid",
    ),
    Case(
        "alg HS512",
        lambda w: bearer(signed(claims(w.user), algorithm="HS512")),
        401,
        "token_not_valid",
    ),
    Case(
        "refresh as access",
        lambda w: bearer(str(RefreshToken.for_user(w.user))),
        401,
        "token_not_valid",
    ),
    Case(
        "wrong audience",
        lambda w: bearer(signed(claims(w.user, aud="other-api"))),
        401,
        "token_not_valid",
    ),
    Case("no issuer", lambda w: bearer(signed(claims(w.user, iss=None))), 401, "token_not_valid"),
    Case(
        "no user claim",
        lambda w: bearer(signed(claims(w.user, user_id=None))),
        401,
        "token_not_valid",
    ),
    Case(
        "nonsense user claim",
        lambda w: bearer(signed(claims(w.user, user_id={"$gt": 0}))),
        401,
        "user_not_found",
    ),
    Case(
        "inactive user",
        lambda w: bearer(str(AccessToken.for_user(w.inactive))),
        401,
        "user_inactive",
    ),
    Case("deleted user", lambda w: bearer(w.deleted_token), 401, "user_not_found"),
    Case("oversized header", lambda w: bearer("A" * 100_000), 401, "token_not_valid"),
    Case(
        "non-Latin-1 header",
        lambda w: {"HTTP_AUTHORIZATION": "Bearer ťøķēñ"},
        401,
        "bad_authorization_header",
    ),
    Case(
        "UTF-8 bytes as WSGI passes them",
        lambda w: {"HTTP_AUTHORIZATION": "Bearer \u00c5\u00a5\u00c3\u00b8"},
        401,
        "token_not_valid",
    ),
    Case(
        "control characters",
        lambda w: {"HTTP_AUTHORIZATION": "Bearer \x00\x1b[2J"},
        401,
        "token_not_valid",
    ),
    Case("POST", own, 405, "method_not_allowed", method="post"),
    Case(
        "PUT naming another organization",
        lambda w: {**own(w), "data": {"organization": w.other.organization_id}, "format": "json"},
        405,
        "method_not_allowed",
        method="put",
    ),
    Case("DELETE", own, 405, "method_not_allowed", method="delete"),
    Case(
        "query naming another user",
        lambda w: {
            **own(w),
            "data": {"user_id": w.other.pk, "organization": w.other.organization_id},
        },
        200,
        None,
    ),
    Case(
        "headers naming another organization",
        lambda w: {
            **own(w),
            "HTTP_X_ORGANIZATION_ID": str(w.other.organization_id),
            "HTTP_X_USER_ID": str(w.other.pk),
        },
        200,
        None,
    ),
    Case(
        "legacy malformed SID",
        lambda w: bearer(str(AccessToken.for_user(w.malformed_sid_user))),
        500,
        None,
    ),
    Case(
        "legacy undecryptable secret",
        lambda w: bearer(str(AccessToken.for_user(w.undecryptable_user))),
        500,
        None,
    ),
]
