"""The history endpoints' errors, declared with their status, message and code."""

from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException


class InvalidHistoryQuery(APIException):
    """A filter, limit or cursor that is not one the endpoint gave out or documents."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("Invalid query parameter")
    default_code = "INVALID_QUERY"


class CallNotFound(APIException):
    """No call of the caller's with this id, or no voicemail on it: the same answer for both,
    and for another member's call, so that ids reveal nothing."""

    status_code = status.HTTP_404_NOT_FOUND
    default_detail = _("Voicemail not found")
    default_code = "VOICEMAIL_NOT_FOUND"


class VoicemailUnavailable(APIException):
    """Twilio did not hand over the recording in time, or refused the organization's
    credentials; the cause is logged, never returned."""

    status_code = status.HTTP_502_BAD_GATEWAY
    default_detail = _("The voicemail could not be fetched from Twilio; try again later")
    default_code = "VOICEMAIL_UNAVAILABLE"


class HistoryFailed(APIException):
    """Anything else that failed on the server's side."""

    status_code = status.HTTP_500_INTERNAL_SERVER_ERROR
    default_detail = _("Failed to read the call history")
    default_code = "history_failed"
