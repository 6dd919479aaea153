"""The standalone way in: SimpleJWT's token views, described for the OpenAPI document."""

from django.core.validators import RegexValidator
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework_simplejwt import serializers as jwt_serializers
from rest_framework_simplejwt import views

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


@extend_schema(
    tags=["Auth"],
    summary="Get an access and a refresh token",
    request=_OBTAIN_REQUEST,
    responses={
        200: jwt_serializers.TokenObtainPairSerializer,
        400: _INVALID,
        401: OpenApiResponse(_ERROR, "Wrong username or password, or an inactive user"),
    },
)
class TokenObtainPairView(views.TokenObtainPairView):
    """Username and password in, a 5-minute access token and a refresh token out."""


@extend_schema(
    tags=["Auth"],
    summary="Get a new access token",
    request=_REFRESH_REQUEST,
    responses={
        200: jwt_serializers.TokenRefreshSerializer,
        400: _INVALID,
        401: OpenApiResponse(_ERROR, "The refresh token is invalid or expired"),
    },
)
class TokenRefreshView(views.TokenRefreshView):
    """A refresh token in, a new access token out."""
