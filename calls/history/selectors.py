"""Reads of a member's calls: one query per page, and one per voicemail."""

from dataclasses import dataclass

from django.db.models import Q

from calls.history.cursor import Position
from calls.models import MISSED, NO_VOICEMAIL, Call
from orgs.fields import SealedSecret

# What a history entry shows; nothing else is read.
HISTORY_FIELDS = (
    "id",
    "direction",
    "incoming",
    "other_party",
    "status",
    "started_at",
    "answered_at",
    "ended_at",
    "duration",
    "forwarded_to",
    "voicemail_sid",
    "voicemail_duration",
)


@dataclass(frozen=True, slots=True)
class HistoryFilters:
    missed: bool | None = None
    voicemail: bool | None = None


def calls_page(
    *, user_id, filters: HistoryFilters, after: Position | None, limit: int
) -> tuple[list[Call], bool]:
    """The member's calls, newest first, after ``after``, at most ``limit``; and whether more
    follow. One query: one row more than the page tells whether there is a next page."""
    calls = Call.objects.filter(user_id=user_id)
    if filters.missed is not None:
        calls = calls.filter(MISSED if filters.missed else ~MISSED)
    if filters.voicemail is not None:
        calls = calls.filter(~NO_VOICEMAIL if filters.voicemail else NO_VOICEMAIL)
    if after is not None:
        calls = calls.filter(
            Q(started_at__lt=after.started_at) | Q(started_at=after.started_at, id__lt=after.id)
        )
    rows = list(calls.order_by("-started_at", "-id").only(*HISTORY_FIELDS)[: limit + 1])
    return rows[:limit], len(rows) > limit


@dataclass(frozen=True, slots=True)
class VoicemailSource:
    """What fetching a voicemail from Twilio needs: the recording and the call's account."""

    recording_sid: str
    account_sid: str
    api_key_sid: str
    api_key_secret: SealedSecret | None
    auth_token: SealedSecret | None
    region: str


def voicemail_source(*, user_id, call_id) -> VoicemailSource | None:
    """The voicemail of the member's own call ``call_id``, with the credentials of the call's
    organization; None when there is no such call of theirs or it has no voicemail."""
    try:
        call_id = int(call_id)
    except (TypeError, ValueError):
        return None
    row = (
        Call.objects.filter(pk=call_id, user_id=user_id)
        .exclude(voicemail_sid="")
        .values_list(
            "voicemail_sid",
            "organization__twilio_account_sid",
            "organization__twilio_api_key_sid",
            "organization__twilio_api_key_secret",
            "organization__twilio_auth_token",
            "organization__twilio_region",
        )
        .first()
    )
    return None if row is None else VoicemailSource(*row)
