"""Bearer-token authentication for the token endpoint."""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings as jwt_settings

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

    def get_user(self, validated_token) -> VoiceCaller:
        """The active caller named by the token's user claim."""
        try:
            user_id = validated_token[jwt_settings.USER_ID_CLAIM]
        except KeyError:
            raise InvalidToken(_("Token contained no recognizable user identification")) from None
        caller = app_settings.caller_resolver(user_id=user_id)
        if caller is None:
            raise AuthenticationFailed(_("User not found"), code="user_not_found")
        if not caller.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        return caller
