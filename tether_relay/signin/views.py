"""The standalone way in: sign in, refresh, sign out; described for the OpenAPI document.

Sign-in is SimpleJWT's ``authenticate()`` behind per-address and per-username failure limits;
the pair comes from a sign-in session (``services``), not from SimpleJWT's blacklist app.
"""

import time

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.validators import RegexValidator
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, AuthenticationFailed, Throttled
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import exception_handler
from rest_framework_simplejwt.serializers import TokenObtainSerializer

from calls.exceptions import ServiceUnavailable, database_outage_translated
from tether_relay.signin.limits import SignInLimits
from tether_relay.signin.services import session_end, session_refresh, session_start

# What DRF's CharField accepts: no NUL character, and something besides white space.
_TEXT = RegexValidator(r"^[^\x00]*[^\x00\s][^\x00]*$")


def _text(**kwargs) -> serializers.CharField:
    return serializers.CharField(validators=[_TEXT], **kwargs)


class RefreshRequest(serializers.Serializer):
    refresh = _text()


_PAIR = inline_serializer(
    "TokenPair", {"access": serializers.CharField(), "refresh": serializers.CharField()}
)
_OBTAIN_REQUEST = inline_serializer(
    "TokenObtainPair", {"username": _text(), "password": _text(trim_whitespace=False)}
)
_REFRESH_REQUEST = inline_serializer("TokenRefresh", {"refresh": _text()})
_ERROR = inline_serializer(
    "AuthErrorResponse",
    {"detail": serializers.CharField(), "code": serializers.CharField(required=False)},
)
_INVALID = OpenApiResponse(
    inline_serializer(
        "AuthValidationErrorResponse",
        {"non_field_errors": serializers.ListField(child=serializers.CharField(), required=False)},
    ),
    "A field is missing or malformed; each field names its errors.",
)
_THROTTLED = OpenApiResponse(_ERROR, "Too many failed sign-ins; see Retry-After")
_UNAVAILABLE = OpenApiResponse(_ERROR, "The database cannot be reached; retry after Retry-After")


def _exception_handler(exc, context) -> Response | None:
    """DRF's handler with a ``code`` on every error, and a database outage as a JSON 503."""
    exc = database_outage_translated(exc)
    response = exception_handler(exc, context)
    data = response.data if response is not None else None
    if isinstance(exc, APIException) and isinstance(data, dict) and "detail" in data:
        if isinstance(exc, ServiceUnavailable):
            data["code"] = exc.default_code
        else:
            data.setdefault("code", getattr(data["detail"], "code", None) or exc.default_code)
    return response


class _AuthView(GenericAPIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request) -> str:
        # With no authentication classes DRF would turn every 401 into a 403.
        return 'Bearer realm="api"'

    def get_exception_handler(self):
        return _exception_handler


@extend_schema(
    tags=["Auth"],
    summary="Sign in: an access and a refresh token",
    request=_OBTAIN_REQUEST,
    responses={
        200: _PAIR,
        400: _INVALID,
        401: OpenApiResponse(_ERROR, "Wrong username or password, or an inactive user"),
        429: _THROTTLED,
        503: _UNAVAILABLE,
    },
)
class TokenObtainPairView(_AuthView):
    """Username and password in, a 5-minute access token and a refresh token out."""

    serializer_class = TokenObtainSerializer

    def post(self, request, *args, **kwargs) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        limits = SignInLimits.of(request, data.get(get_user_model().USERNAME_FIELD))
        if over := limits.over():
            raise Throttled(wait=over.wait)
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except AuthenticationFailed:
            limits.record_failure()
            raise
        pair = session_start(user=serializer.user)
        return Response({"refresh": pair.refresh, "access": pair.access})


@extend_schema(
    tags=["Auth"],
    summary="Exchange a refresh token for a new pair",
    request=_REFRESH_REQUEST,
    responses={
        200: _PAIR,
        400: _INVALID,
        401: OpenApiResponse(
            _ERROR, "The refresh token is invalid, expired, already used, or its sign-in ended"
        ),
        503: _UNAVAILABLE,
    },
)
class TokenRefreshView(_AuthView):
    """A refresh token in, a new access token and a new refresh token out; the old one is spent."""

    serializer_class = RefreshRequest

    def post(self, request, *args, **kwargs) -> Response:
        # Before anything else: a retry asks after the exchange whose answer it lost.
        asked_at = time.time()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pair = session_refresh(raw=serializer.validated_data["refresh"], asked_at=asked_at)
        return Response({"refresh": pair.refresh, "access": pair.access})


@extend_schema(
    tags=["Auth"],
    summary="Sign out: end the sign-in of a refresh token",
    request=_REFRESH_REQUEST,
    responses={
        204: OpenApiResponse(description="Signed out: no token of this sign-in refreshes again"),
        400: _INVALID,
        401: OpenApiResponse(_ERROR, "The refresh token is invalid or expired"),
        503: _UNAVAILABLE,
    },
)
class LogoutView(_AuthView):
    """A refresh token in; its sign-in session ends. Access tokens already out live on (5 min)."""

    serializer_class = RefreshRequest

    def post(self, request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session_end(raw=serializer.validated_data["refresh"])
        return Response(status=status.HTTP_204_NO_CONTENT)


@sensitive_post_parameters()
@csrf_protect
def admin_login(request: HttpRequest, extra_context=None) -> HttpResponse:
    """The admin's login page behind the same failure limits as the API's sign-in."""
    if request.method != "POST":
        return admin.site.login(request, extra_context)
    limits = SignInLimits.of(request, request.POST.get("username"))
    if over := limits.over():
        response = HttpResponse(
            "Too many failed sign-ins. Try again later.\n",
            status=status.HTTP_429_TOO_MANY_REQUESTS,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(int(over.wait + 0.999))
        return response
    response = admin.site.login(request, extra_context)
    if response.status_code == status.HTTP_200_OK:  # the form again: the sign-in failed
        limits.record_failure()
    return response
