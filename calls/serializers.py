"""Output shapes of the token endpoint, named as the contract names them."""

from datetime import UTC

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers


@extend_schema_serializer(component_name="CallsTwilioTokenResponse")
class TwilioTokenSerializer(serializers.Serializer):
    """A Twilio Voice access token, the identity it carries, the caller and the expiry."""

    token = serializers.CharField(help_text="Twilio AccessToken JWT with VoiceGrant.")
    identity = serializers.CharField(
        help_text="User's Twilio phone number used as the SDK identity."
    )
    userId = serializers.CharField(source="user_id")
    # Pinned, so that a host's TIME_ZONE or DRF DATETIME_FORMAT cannot change the contract's shape.
    expiresAt = serializers.DateTimeField(
        source="expires_at",
        format="iso-8601",
        default_timezone=UTC,
        help_text="When the token expires (its exp claim), UTC.",
    )


class MissingCredentialsSerializer(serializers.Serializer):
    """Which credentials are unset; true means unset."""

    accountSid = serializers.BooleanField(source="account_sid")
    apiKeySid = serializers.BooleanField(source="api_key_sid")
    apiKeySecret = serializers.BooleanField(source="api_key_secret")
    twimlAppSid = serializers.BooleanField(source="twiml_app_sid")


@extend_schema_serializer(component_name="CallsTwilioTokenErrorResponse")
class TokenErrorSerializer(serializers.Serializer):
    """Why no token can be minted for the caller: ``error``, ``code`` and ``missing``."""

    error = serializers.CharField()
    code = serializers.CharField(
        help_text="TWILIO_CREDENTIALS_MISSING or NO_TWILIO_NUMBER.", required=False
    )
    missing = MissingCredentialsSerializer(required=False)


@extend_schema_serializer(component_name="CallsErrorResponse")
class ErrorSerializer(serializers.Serializer):
    """The error envelope: ``{"success": false, "error", "code"}``."""

    success = serializers.BooleanField(default=False)
    error = serializers.CharField()
    code = serializers.CharField(required=False)
