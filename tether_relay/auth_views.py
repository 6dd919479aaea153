"""The standalone way in: SimpleJWT's token views, described for the OpenAPI document."""

from django.core.validators import RegexValidator
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler
from rest_framework_simplejwt import serializers as jwt_serializers
from rest_framework_simplejwt import views

from calls.exceptions import ServiceUnavailable, database_outage_translated

# What DRF's CharField accepts: no NUL character, and something besides white space.
_TEXT = RegexValidator(r"^[^\x00]*[^\x00\s][^\x00]*$")


def _text(**kwargs) -> serializers.CharField:
    return serializers.CharField(validators=[_TEXT], **kwargs)


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
_UNAVAILABLE = OpenApiResponse(_ERROR, "The database cannot be reached; retry after Retry-After")


def _exception_handler(exc, context) -> Response | None:
    """DRF's handler, but a database that cannot be reached is a JSON 503 with Retry-After."""
    exc = database_outage_translated(exc)
    response = exception_handler(exc, context)
    if isinstance(exc, ServiceUnavailable):
        response.data["code"] = exc.default_code
    return response


@extend_schema(
    tags=["Auth"],
    summary="Get an access and a refresh token",
    request=_OBTAIN_REQUEST,
    responses={
        200: jwt_serializers.TokenObtainPairSerializer,
        400: _INVALID,
        401: OpenApiResponse(_ERROR, "Wrong username or password, or an inactive user"),
        503: _UNAVAILABLE,
    },
)
class TokenObtainPairView(views.TokenObtainPairView):
    """Username and password in, a 5-minute access token and a refresh token out."""

    def get_exception_handler(self):
        return _exception_handler


@extend_schema(
    tags=["Auth"],
    summary="Get a new access token",
    request=_REFRESH_REQUEST,
    responses={
        200: jwt_serializers.TokenRefreshSerializer,
        400: _INVALID,
        401: OpenApiResponse(_ERROR, "The refresh token is invalid or expired"),
        503: _UNAVAILABLE,
    },
)
class TokenRefreshView(views.TokenRefreshView):
    """A refresh token in, a new access token out."""

    def get_exception_handler(self):
        return _exception_handler
