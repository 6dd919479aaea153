"""Bearer-token authentication for the token endpoint."""

import jwt
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt import authentication as simplejwt_authentication
from rest_framework_simplejwt import state as simplejwt_state
from rest_framework_simplejwt import tokens as simplejwt_tokens
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken, TokenBackendError
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
            user_id = validated_token[simplejwt_authentication.api_settings.USER_ID_CLAIM]
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
    this shortcut does not cover, SimpleJWT decides.

    Every value is read where SimpleJWT's own check reads it: the token backend that its token
    classes use, and the settings its authentication and token modules hold, so that the two
    can never disagree.
    """
    settings = simplejwt_authentication.api_settings
    token_settings = simplejwt_tokens.api_settings
    backend = simplejwt_state.token_backend
    if (
        list(settings.AUTH_TOKEN_CLASSES) != [AccessToken]
        or backend.algorithm not in _SHARED_SECRET_ALGORITHMS
        or backend.jwks_client is not None
        or token_settings.TOKEN_TYPE_CLAIM is None
    ):
        return None
    try:
        claims = jwt.decode(
            raw_token,
            backend.signing_key,
            algorithms=[backend.algorithm],
            audience=backend.audience,
            issuer=backend.issuer,
            leeway=backend.get_leeway(),
            options={"verify_aud": backend.audience is not None, "require": ["exp"]},
        )
    except (jwt.PyJWTError, TokenBackendError):
        return None
    if not isinstance(claims["exp"], int | float):
        return None  # SimpleJWT's own check decides what such a token gets
    if token_settings.JTI_CLAIM is not None and token_settings.JTI_CLAIM not in claims:
        return None
    if claims.get(token_settings.TOKEN_TYPE_CLAIM) != AccessToken.token_type:
        return None
    return claims
