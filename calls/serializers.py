"""Output shapes of the token endpoint."""

from rest_framework import serializers


class TwilioTokenSerializer(serializers.Serializer):
    """200: the token, the identity it carries, the caller's id and the token's expiry."""

    token = serializers.CharField()
    identity = serializers.CharField()
    userId = serializers.CharField(source="user_id")
    expiresAt = serializers.DateTimeField(source="expires_at")


class MissingCredentialsSerializer(serializers.Serializer):
    """Which credentials are unset; ``true`` means unset."""

    accountSid = serializers.BooleanField(source="account_sid")
    apiKeySid = serializers.BooleanField(source="api_key_sid")
    apiKeySecret = serializers.BooleanField(source="api_key_secret")
    twimlAppSid = serializers.BooleanField(source="twiml_app_sid")


class TokenErrorSerializer(serializers.Serializer):
    """400: ``error`` and ``code``, plus the ``missing`` map when credentials are unset."""

    error = serializers.CharField()
    code = serializers.CharField()
    missing = MissingCredentialsSerializer(required=False)


class ErrorSerializer(serializers.Serializer):
    """401, 405, 429, 500: ``{"success": false, "error", "code"}``."""

    success = serializers.BooleanField(default=False)
    error = serializers.CharField()
    code = serializers.CharField(required=False)
