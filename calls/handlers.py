"""The calls app's exception handler: every error of its views as a documented JSON envelope."""

import logging

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from calls.exceptions import (
    MalformedQuery,
    NoTwilioNumber,
    TokenGenerationFailed,
    TwilioCredentialsMissing,
    UnknownPlatform,
    database_outage_translated,
)
from calls.serializers import ErrorSerializer, TokenErrorSerializer

logger = logging.getLogger(__name__)


def calls_exception_handler(exc, context) -> Response:
    """DRF's handler for status and headers, the calls envelope for the body.

    A database that cannot be reached is a 503 with Retry-After; anything else DRF does not
    know becomes the 500 envelope: logged here, never shown.
    """
    exc = database_outage_translated(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        failure = getattr(context.get("view"), "server_error", TokenGenerationFailed)
        logger.error("Unexpected error in %s", type(context.get("view")).__name__, exc_info=exc)
        exc = failure()
        response = Response(status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    response.data = _envelope(exc)
    return response


def _envelope(exc) -> dict:
    if isinstance(exc, TwilioCredentialsMissing):
        return TokenErrorSerializer(
            {"error": exc.detail, "code": exc.default_code, "missing": exc.missing}
        ).data
    if isinstance(exc, NoTwilioNumber | UnknownPlatform | MalformedQuery):
        return TokenErrorSerializer({"error": exc.detail, "code": exc.default_code}).data
    if isinstance(exc, TokenGenerationFailed):  # the contract's 500 has no code
        return ErrorSerializer({"error": exc.detail}).data
    message, code = _message_and_code(exc)
    return ErrorSerializer({"error": message, "code": code}).data


def _message_and_code(exc) -> tuple[str, str]:
    """One human message and one machine code from any APIException's detail."""
    detail = exc.detail
    if isinstance(detail, dict):
        # SimpleJWT's InvalidToken: {"detail", "code", "messages": [{"message": ...}, ...]}
        messages = detail.get("messages") or []
        specific = messages[0].get("message") if messages else None
        return str(specific or detail.get("detail", "")), str(detail.get("code", exc.default_code))
    if isinstance(detail, list):
        detail = detail[0] if detail else exc.default_detail
    return str(detail), str(getattr(detail, "code", None) or exc.default_code)
