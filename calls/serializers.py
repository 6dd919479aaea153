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
    edge = serializers.CharField(
        required=False,
        help_text="The Voice SDK's Device edge that matches the token's region (dublin for "
        "ie1, sydney for au1); absent when the organization sets no such region.",
    )

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if data.get("edge") is None:
            data.pop("edge", None)
        return data


# (name in the body, attribute of the minted token, field) for each of the serializer's fields.
_TOKEN_FIELDS = tuple(
    (name, field.source or name, field)
    for name, field in TwilioTokenSerializer._declared_fields.items()
)


def twilio_token_data(minted) -> dict:
    """What ``TwilioTokenSerializer(minted).data`` is, from the serializer's own fields.

    Building a serializer per response (deep-copying and binding its fields) cost more than
    the rest of the response; a test holds the two equal.
    """
    data = {}
    for name, attribute, field in _TOKEN_FIELDS:
        value = getattr(minted, attribute)
        if value is not None:  # only ``edge`` may be unset, and then it is left out
            data[name] = field.to_representation(value)
    return data


class MissingCredentialsSerializer(serializers.Serializer):
    """Which credentials are unset; true means unset."""

    accountSid = serializers.BooleanField(source="account_sid")
    apiKeySid = serializers.BooleanField(source="api_key_sid")
    apiKeySecret = serializers.BooleanField(source="api_key_secret")
    twimlAppSid = serializers.BooleanField(source="twiml_app_sid")
    pushCredentialSid = serializers.BooleanField(
        source="push_credential_sid",
        required=False,
        help_text="Present when a mobile platform was asked for: its push credential is unset.",
    )

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if instance.push_credential_sid is None:
            del data["pushCredentialSid"]
        return data


@extend_schema_serializer(component_name="CallsTwilioTokenErrorResponse")
class TokenErrorSerializer(serializers.Serializer):
    """Why no token can be minted for the caller: ``error``, ``code`` and ``missing``."""

    error = serializers.CharField()
    code = serializers.CharField(
        help_text="TWILIO_CREDENTIALS_MISSING, NO_TWILIO_NUMBER or UNKNOWN_PLATFORM.",
        required=False,
    )
    missing = MissingCredentialsSerializer(required=False)


@extend_schema_serializer(component_name="CallsErrorResponse")
class ErrorSerializer(serializers.Serializer):
    """The error envelope: ``{"success": false, "error", "code"}``."""

    success = serializers.BooleanField(default=False)
    error = serializers.CharField()
    code = serializers.CharField(required=False)
