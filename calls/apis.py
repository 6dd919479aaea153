"""The token endpoint: GET /api/calls/token/twilio."""

from django.core.exceptions import SuspiciousOperation
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from calls.audit import token_request_audit
from calls.authentication import VoiceCallerAuthentication
from calls.exceptions import MalformedQuery, UnknownPlatform
from calls.handlers import calls_exception_handler
from calls.serializers import (
    ErrorSerializer,
    TokenErrorSerializer,
    TwilioTokenSerializer,
    twilio_token_data,
)
from calls.services import voice_token_mint
from calls.throttling import VoiceTokenRateThrottle
from orgs.voice import PLATFORM_PUSH_FIELDS

PLATFORM_PARAMETER = OpenApiParameter(
    "platform",
    str,
    enum=list(PLATFORM_PUSH_FIELDS),
    required=False,
    description="The client's platform, which picks the push credential the token carries: "
    "web (none), ios (APNs production), ios-sandbox (APNs sandbox, development builds) or "
    "android (FCM). Without it the token carries the organization's default push credential. "
    "A mobile platform whose credential is unset answers TWILIO_CREDENTIALS_MISSING with "
    "missing.pushCredentialSid true; an unknown or repeated value answers UNKNOWN_PLATFORM.",
)


def _platform(request: Request) -> str | None:
    """The one ``platform`` asked for, or None; anything else is UnknownPlatform."""
    try:
        values = request.query_params.getlist("platform")
    except SuspiciousOperation:  # more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS
        raise MalformedQuery() from None
    if not values:
        return None
    if len(values) > 1 or values[0] not in PLATFORM_PUSH_FIELDS:
        raise UnknownPlatform()
    return values[0]


class JSONOnly(BaseContentNegotiation):
    """The endpoint has one representation; answer JSON whatever the Accept header says."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class TwilioVoiceTokenApi(APIView):
    """A Twilio Voice access token for the authenticated caller."""

    authentication_classes = [VoiceCallerAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = [VoiceTokenRateThrottle]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONOnly
    caller = None  # the VoiceCaller, once authenticated
    minted = None  # the MintedToken, once minted

    @extend_schema(
        operation_id="get_calls_token_twilio",
        tags=["Calls"],
        summary="Generate a Twilio Voice SDK token",
        description="Mints a Twilio AccessToken with a VoiceGrant for the calling user using the "
        "org's Twilio API key / TwiML app SID. Returns the JWT plus the user's Twilio phone "
        "number as the SDK identity. Required for the Twilio Voice SDK to register and place "
        "PSTN calls.",
        parameters=[PLATFORM_PARAMETER],
        responses={
            200: OpenApiResponse(TwilioTokenSerializer, "Twilio access token + identity"),
            400: OpenApiResponse(
                TokenErrorSerializer,
                "Twilio credentials missing (the platform's push credential among them), user "
                "has no Twilio number, or unknown platform",
            ),
            401: OpenApiResponse(ErrorSerializer, "Unauthorized"),
            429: OpenApiResponse(ErrorSerializer, "Too many token requests; see Retry-After"),
            500: OpenApiResponse(ErrorSerializer, "Failed to generate token"),
            503: OpenApiResponse(
                ErrorSerializer, "The database cannot be reached; retry after Retry-After"
            ),
        },
    )
    def get(self, request: Request) -> Response:
        minted = voice_token_mint(caller=request.user, platform=_platform(request))
        self.minted = minted
        return Response(twilio_token_data(minted))

    def perform_authentication(self, request: Request) -> None:
        # Kept for the audit line, which must not trigger authentication a second time.
        super().perform_authentication(request)
        self.caller = request.user

    def get_exception_handler(self):
        return calls_exception_handler

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # A token, or the reason there is none, is for this caller and this moment only.
        response["Cache-Control"] = "no-store"
        token_request_audit(
            request=request, response=response, caller=self.caller, minted=self.minted
        )
        return response
