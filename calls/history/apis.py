"""GET /api/calls/history and GET /api/calls/history/<id>/voicemail."""

from django.core.exceptions import SuspiciousOperation
from django.http import StreamingHttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from calls.apis import JSONOnly
from calls.authentication import VoiceCallerAuthentication
from calls.exceptions import MalformedQuery
from calls.handlers import calls_exception_handler
from calls.history.cursor import (
    CURSOR_PATTERN,
    InvalidCursor,
    Position,
    cursor_decode,
    cursor_encode,
)
from calls.history.exceptions import CallNotFound, HistoryFailed, InvalidHistoryQuery
from calls.history.recordings import MEDIA_TYPE, voicemail_audio_open
from calls.history.selectors import HistoryFilters, calls_page, voicemail_source
from calls.history.serializers import CallEntrySerializer, CallHistoryPageSerializer
from calls.models import Call
from calls.serializers import ErrorSerializer
from calls.throttling import CallHistoryRateThrottle

PAGE_SIZE = 25
PAGE_SIZE_MAX = 100
_BOOLEANS = {"true": True, "false": False}


def _flag(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(
        name, str, enum=list(_BOOLEANS), required=False, description=description
    )


_ERRORS = {
    401: OpenApiResponse(ErrorSerializer, "Unauthorized"),
    429: OpenApiResponse(ErrorSerializer, "Too many requests; see Retry-After"),
    503: OpenApiResponse(
        ErrorSerializer, "The database cannot be reached; retry after Retry-After"
    ),
}


class _MemberApi(APIView):
    """The token endpoint's authentication, envelope and headers, for the member's own data."""

    authentication_classes = [VoiceCallerAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = [CallHistoryRateThrottle]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONOnly
    server_error = HistoryFailed

    def get_exception_handler(self):
        return calls_exception_handler

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # Personal data, for this caller only: never kept by a browser or a proxy.
        response["Cache-Control"] = "no-store"
        return response


class CallHistoryApi(_MemberApi):
    """The caller's own calls, newest first."""

    @extend_schema(
        operation_id="get_calls_history",
        tags=["Calls"],
        summary="The caller's calls, newest first",
        description="The calls the authenticated member placed or received through the voice "
        "webhooks, newest first, a page at a time: follow `next` for older calls. Only the "
        "caller's own calls are ever listed.",
        parameters=[
            _flag(
                "missed", "true: only incoming calls the member did not answer; false: all others."
            ),
            _flag("voicemail", "true: only calls with a voicemail; false: only those without."),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": PAGE_SIZE_MAX},
                required=False,
                description=f"Calls per page, 1 to {PAGE_SIZE_MAX}; default {PAGE_SIZE}.",
            ),
            OpenApiParameter(
                "cursor",
                {"type": "string", "pattern": CURSOR_PATTERN},
                required=False,
                description="Where the page starts: taken from the previous page's `next` "
                "(the last call's start in microseconds since 1970, a dot, and its id).",
            ),
        ],
        responses={
            200: OpenApiResponse(CallHistoryPageSerializer, "A page of calls"),
            400: OpenApiResponse(
                ErrorSerializer, "A filter, limit or cursor that is not valid (INVALID_QUERY)"
            ),
            **_ERRORS,
            500: OpenApiResponse(ErrorSerializer, "Failed to read the call history"),
        },
    )
    def get(self, request: Request) -> Response:
        filters, after, limit = _query(request)
        calls, more = calls_page(
            user_id=request.user.user_id, filters=filters, after=after, limit=limit
        )
        return Response(
            {
                "results": [CallEntrySerializer(_entry(request, call)).data for call in calls],
                "next": _next_url(request, calls[-1]) if more else None,
            }
        )


class VoicemailApi(_MemberApi):
    """The audio of a voicemail left on one of the caller's calls."""

    @extend_schema(
        operation_id="get_calls_history_voicemail",
        tags=["Calls"],
        summary="A voicemail's audio",
        description="The MP3 of the voicemail left on the caller's call `call_id` (an entry's "
        "`id` in the history), relayed from Twilio with the organization's credentials. "
        "Another member's call, a call without a voicemail and an unknown id all answer 404.",
        responses={
            (200, MEDIA_TYPE): OpenApiResponse(OpenApiTypes.BINARY, "The voicemail, MP3"),
            404: OpenApiResponse(ErrorSerializer, "No such voicemail (VOICEMAIL_NOT_FOUND)"),
            **_ERRORS,
            500: OpenApiResponse(ErrorSerializer, "Failed to read the call history"),
            502: OpenApiResponse(
                ErrorSerializer, "Twilio did not hand over the recording (VOICEMAIL_UNAVAILABLE)"
            ),
        },
    )
    def get(self, request: Request, call_id: int):
        source = voicemail_source(user_id=request.user.user_id, call_id=call_id)
        if source is None:
            raise CallNotFound()
        audio = voicemail_audio_open(source)
        response = StreamingHttpResponse(audio, content_type=MEDIA_TYPE)
        if audio.length and audio.length.isdigit():
            response["Content-Length"] = audio.length
        response["Content-Disposition"] = f'inline; filename="voicemail-{int(call_id)}.mp3"'
        return response


def _query(request: Request) -> tuple[HistoryFilters, Position | None, int]:
    try:
        query = request.query_params
        values = {name: query.getlist(name) for name in ("missed", "voicemail", "limit", "cursor")}
    except SuspiciousOperation:  # more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS
        raise MalformedQuery() from None
    for name, given in values.items():
        if len(given) > 1:
            raise InvalidHistoryQuery(f"{name} is given more than once")
    one = {name: given[0] for name, given in values.items() if given}
    filters = HistoryFilters(missed=_boolean(one, "missed"), voicemail=_boolean(one, "voicemail"))
    limit = PAGE_SIZE
    if "limit" in one:
        text = one["limit"]
        if not (text.isascii() and text.isdigit() and 1 <= int(text) <= PAGE_SIZE_MAX):
            raise InvalidHistoryQuery(f"limit must be a whole number from 1 to {PAGE_SIZE_MAX}")
        limit = int(text)
    after = None
    if "cursor" in one:
        try:
            after = cursor_decode(one["cursor"])
        except InvalidCursor:
            raise InvalidHistoryQuery("cursor is not one this endpoint gave out") from None
    return filters, after, limit


def _boolean(one: dict, name: str) -> bool | None:
    if name not in one:
        return None
    if one[name] not in _BOOLEANS:
        raise InvalidHistoryQuery(f"{name} must be true or false")
    return _BOOLEANS[one[name]]


def _entry(request: Request, call: Call) -> dict:
    voicemail = bool(call.voicemail_sid)
    return {
        "id": call.id,
        "direction": call.direction,
        "incoming": call.incoming,
        "other_party": call.other_party,
        "status": call.status,
        "missed": call.missed,
        "started_at": call.started_at,
        "answered_at": call.answered_at,
        "ended_at": call.ended_at,
        "duration": call.duration,
        "forwarded_to": call.forwarded_to or None,
        "hasVoicemail": voicemail,
        "voicemail_duration": call.voicemail_duration if voicemail else None,
        "voicemailUrl": (
            request.build_absolute_uri(reverse("calls:history-voicemail", args=[call.id]))
            if voicemail
            else None
        ),
    }


def _next_url(request: Request, last: Call) -> str:
    query = request.query_params.copy()
    query["cursor"] = cursor_encode(Position(started_at=last.started_at, id=last.id))
    return request.build_absolute_uri(request.path) + "?" + query.urlencode()
