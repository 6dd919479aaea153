"""The token endpoint's errors, declared with their status, message and code."""

import logging

from django.db import DatabaseError, InterfaceError, OperationalError
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException

from orgs.voice import MissingCredentials

logger = logging.getLogger(__name__)


class TwilioCredentialsMissing(APIException):
    """The caller's organization lacks credentials (or the caller has no organization)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("Twilio credentials missing")
    default_code = "TWILIO_CREDENTIALS_MISSING"

    def __init__(self, missing: MissingCredentials):
        super().__init__()
        self.missing = missing


class NoTwilioNumber(APIException):
    """The caller has no Twilio phone number to use as identity."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("User has no Twilio phone number")
    default_code = "NO_TWILIO_NUMBER"


class UnknownPlatform(APIException):
    """The ``platform`` query parameter is not one the endpoint knows, or is given twice."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("Unknown platform")
    default_code = "UNKNOWN_PLATFORM"


class MalformedQuery(APIException):
    """A query string Django refuses to read, such as one with too many fields."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("Malformed query string")
    default_code = "MALFORMED_QUERY"


class TokenGenerationFailed(APIException):
    """Minting failed on the server's side; the cause is logged, never returned."""

    status_code = status.HTTP_500_INTERNAL_SERVER_ERROR
    default_detail = _("Failed to generate token")
    default_code = "token_generation_failed"


class ServiceUnavailable(APIException):
    """The database cannot be reached; the request may be retried shortly."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("Service temporarily unavailable; try again shortly")
    default_code = "service_unavailable"
    wait = 5  # seconds; DRF's exception handler sends it as Retry-After


# PostgreSQL's SQLSTATEs for a database that is there but cannot take the request now: read
# only (a standby, or default_transaction_read_only), a full disk, out of memory, too many
# connections, starting up or shutting down. The first is an InternalError to psycopg.
_UNAVAILABLE_STATES = {"25006", "53100", "53200", "53300", "57P03"}


def database_outage_translated(exc: Exception) -> Exception:
    """ServiceUnavailable for a database that cannot be reached or cannot write (logged); any
    other error as is.

    Left alone, such an error escapes DRF and Django answers with its HTML 500 page.
    """
    if isinstance(exc, OperationalError | InterfaceError) or _unavailable_state(exc):
        logger.warning("Database unavailable (%s)", type(exc).__name__)
        return ServiceUnavailable()
    return exc


def _unavailable_state(exc: Exception) -> bool:
    if not isinstance(exc, DatabaseError):
        return False
    return getattr(exc.__cause__, "sqlstate", None) in _UNAVAILABLE_STATES
