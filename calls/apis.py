"""The token endpoint: GET /api/calls/token/twilio."""

import functools

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotAuthenticated
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


def _platform(request) -> str | None:
    """The one ``platform`` asked for, or None; anything else is UnknownPlatform.

    ``request`` is DRF's or Django's: the query string is read the same way from either.
    Without a query string there is nothing to parse (most token requests have none).
    """
    if not request.META.get("QUERY_STRING"):
        return None
    try:
        values = request.GET.getlist("platform")
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
        minted = voice_token_mint(caller=request.user, platform=_platform(request._request))
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


_drf_token_view = TwilioVoiceTokenApi.as_view()
_JSON = JSONRenderer()


@csrf_exempt
def twilio_token(request: HttpRequest) -> HttpResponse:
    """GET /api/calls/token/twilio: TwilioVoiceTokenApi, with its successful GET made directly.

    A successful GET does what the APIView does, in the same order and with the same classes
    (authentication, the permission, the throttle, minting, the 200 body, Allow,
    Cache-Control, the audit line), without building DRF's request, negotiation and response
    around them: on a token request those cost more than the work. Anything else, every other
    method and every error on the way, is the APIView's own: an error is handled by its
    exception handler and finalized by it, as if it had run from the start.
    """
    view = TwilioVoiceTokenApi(**_INIT)
    if request.method != "GET" or not _plain(view, request):
        return _drf_token_view(request)
    view.setup(request)
    view.headers = dict(_DEFAULT_HEADERS)
    try:
        authenticated = _authentication().authenticate(request)
        if authenticated is None:
            raise NotAuthenticated()
        view.caller = request.user = authenticated[0]
        for throttle in view.get_throttles():
            if not throttle.allow_request(request, view):
                view.throttled(request, throttle.wait())
        view.minted = voice_token_mint(caller=view.caller, platform=_platform(request))
    except Exception as error:  # noqa: BLE001 - every error is the APIView's to answer
        return _as_the_api_view(view, request, error)
    data = twilio_token_data(view.minted)
    response = HttpResponse(_JSON.render(data), content_type=_JSON.media_type)
    response.data = data  # as DRF's Response carries it, for the audit line
    for name, value in view.headers.items():
        response[name] = value
    response["Cache-Control"] = "no-store"
    token_request_audit(request=request, response=response, caller=view.caller, minted=view.minted)
    return response


_INIT = {}  # TwilioVoiceTokenApi.as_view() passes none either


def _default_response_headers() -> dict:
    """What APIView.dispatch() sets on every run (Allow), fixed by the class once set up (set-up
    adds HEAD)."""
    view = TwilioVoiceTokenApi(**_INIT)
    view.setup(HttpRequest())
    return view.default_response_headers


_DEFAULT_HEADERS = _default_response_headers()


@functools.cache
def _authentication() -> VoiceCallerAuthentication:
    """The authenticator the APIView makes on each request; it keeps nothing between requests,
    and making it looks the user model up."""
    return VoiceCallerAuthentication()


# What as_view() gives its view: the OpenAPI generator documents the URL's APIView, Django's
# LoginRequiredMiddleware leaves it to its own authentication, tools name it by its class.
twilio_token.cls = twilio_token.view_class = TwilioVoiceTokenApi
twilio_token.initkwargs = twilio_token.view_initkwargs = _INIT
twilio_token.login_required = False


def _plain(view: TwilioVoiceTokenApi, request: HttpRequest) -> bool:
    """Whether the direct path does all the APIView would: no API versioning configured, and no
    test client's forced authentication."""
    return view.versioning_class is None and not (
        getattr(request, "_force_auth_user", None) or getattr(request, "_force_auth_token", None)
    )


def _as_the_api_view(view: TwilioVoiceTokenApi, request: HttpRequest, error: Exception):
    """The APIView's answer to ``error``: its exception handler, then its finalize_response."""
    drf_request = view.initialize_request(request)
    view.request = drf_request
    view.format_kwarg = view.get_format_suffix()
    if view.caller is not None:
        drf_request.user = view.caller
    else:
        # As DRF's own run would: authentication failed or found no credentials.
        drf_request._not_authenticated()
    drf_request.accepted_renderer, drf_request.accepted_media_type = (
        view.perform_content_negotiation(drf_request)
    )
    response = view.handle_exception(error)
    return view.finalize_response(drf_request, response)
