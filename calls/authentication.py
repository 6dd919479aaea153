"""Bearer-token authentication for the token endpoint."""

import jwt
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt import settings as simplejwt
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.tokens import AccessToken

from calls.conf import app_settings
from orgs.voice import VoiceCaller


class VoiceCallerAuthentication(JWTAuthentication):
    """SimpleJWT access tokens; the user is loaded through the configured caller resolver.

    The resolver reads the user and the organization's credentials together, so the whole
    request needs one query, and ``request.user`` is a frozen VoiceCaller.
    """

    def get_header(self, request) -> bytes | None:
        """The Authorization header as bytes; one that is not even Latin-1 is malformed."""
        try:
            return super().get_header(request)
        except UnicodeEncodeError:
            raise AuthenticationFailed(
                _("Authorization header must contain only Latin-1 characters"),
                code="bad_authorization_header",
            ) from None

    def get_validated_token(self, raw_token: bytes):
        """The token's claims, checked as SimpleJWT's AccessToken checks them.

        A valid token, the common case, is checked with PyJWT directly, as SimpleJWT's token
        backend does, and then for the claims SimpleJWT's token class requires (``exp``, the
        id, the ``access`` type), without building the token classes. Any token that fails goes
        through SimpleJWT itself, so that every refusal keeps its exact message and code; so
        does every token where the settings ask for more than this (other token classes, keys
        that are not a shared secret, a JWK URL).
        """
        checked = _claims_if_valid(raw_token)
        if checked is not None:
            return checked
        return super().get_validated_token(raw_token)

    def get_user(self, validated_token) -> VoiceCaller:
        """The active caller named by the token's user claim."""
        try:
            user_id = validated_token[simplejwt.api_settings.USER_ID_CLAIM]
        except KeyError:
            raise InvalidToken(_("Token contained no recognizable user identification")) from None
        caller = app_settings.caller_resolver(user_id=user_id)
        if caller is None:
            raise AuthenticationFailed(_("User not found"), code="user_not_found")
        if not caller.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        return caller


_SHARED_SECRET_ALGORITHMS = ("HS256", "HS384", "HS512")


def _claims_if_valid(raw_token: bytes) -> dict | None:
    """The claims of a valid access token, or None: for a token that is not, or for settings
    this shortcut does not cover, SimpleJWT decides."""
    settings = simplejwt.api_settings  # rebound by SimpleJWT when SIMPLE_JWT changes
    if (
        list(settings.AUTH_TOKEN_CLASSES) != [AccessToken]
        or settings.ALGORITHM not in _SHARED_SECRET_ALGORITHMS
        or settings.JWK_URL
        or settings.TOKEN_TYPE_CLAIM is None
    ):
        return None
    leeway = settings.LEEWAY
    try:
        claims = jwt.decode(
            raw_token,
            settings.SIGNING_KEY,
            algorithms=[settings.ALGORITHM],
            audience=settings.AUDIENCE,
            issuer=settings.ISSUER,
            leeway=leeway.total_seconds() if hasattr(leeway, "total_seconds") else leeway,
            options={"verify_aud": settings.AUDIENCE is not None, "require": ["exp"]},
        )
    except jwt.PyJWTError:
        return None
    if settings.JTI_CLAIM is not None and settings.JTI_CLAIM not in claims:
        return None
    if claims.get(settings.TOKEN_TYPE_CLAIM) != AccessToken.token_type:
        return None
    return claims
