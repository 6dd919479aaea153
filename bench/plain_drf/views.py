"""The token endpoint as a DRF tutorial would write it: stock classes, plain ORM lookups."""

import json
import logging
from datetime import UTC, datetime

from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView
from twilio.jwt.access_token import AccessToken
from twilio.jwt.access_token.grants import VoiceGrant

logger = logging.getLogger("calls.audit")


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    identity = serializers.CharField()
    userId = serializers.CharField()
    expiresAt = serializers.DateTimeField()


class PlainTwilioTokenView(APIView):
    """JWTAuthentication loads the user; ``user.organization`` is a second query."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [UserRateThrottle]

    def get(self, request):
        user = request.user
        org = user.organization
        if org is None or org.twilio_api_key_secret is None:
            return Response({"error": "Twilio credentials missing"}, status=400)
        if not user.twilio_phone_number:
            return Response({"error": "User has no Twilio phone number"}, status=400)
        identity = user.twilio_phone_number.as_e164
        token = AccessToken(
            org.twilio_account_sid,
            org.twilio_api_key_sid,
            org.twilio_api_key_secret.reveal(),
            identity=identity,
            ttl=org.twilio_token_ttl,
            region=org.twilio_region or None,
        )
        token.add_grant(
            VoiceGrant(
                outgoing_application_sid=org.twilio_twiml_app_sid,
                incoming_allow=org.twilio_incoming_allow,
                push_credential_sid=org.twilio_push_credential_sid or None,
            )
        )
        jwt = token.to_jwt()
        claims = token.payload
        expires_at = datetime.fromtimestamp(claims["exp"], tz=UTC)
        body = {"token": jwt, "identity": identity, "userId": user.pk, "expiresAt": expires_at}
        self._audit(request, user, org, claims["jti"])
        return Response(TokenSerializer(body).data, headers={"Cache-Control": "no-store"})

    def _audit(self, request, user, org, jti):
        entry = {
            "event": "voice_token",
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "status": 200,
            "outcome": "TOKEN_ISSUED",
            "user_id": str(user.pk),
            "organization_id": str(org.pk),
            "jti": jti,
            "client_ip": self.get_throttles()[0].get_ident(request),
        }
        logger.info(json.dumps(entry))
