"""Writes to the call log, from the webhooks and Twilio's callbacks.

Every change is one conditional UPDATE, so a callback that comes twice, late or out of order
changes nothing it should not: a status only moves to a higher rank (``calls.call_status``),
times are set once (answer) or only move later (end), and a record is only touched when it
belongs to the organization whose Twilio account signed the callback.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone

from calls.call_status import FINAL, RANK, UNANSWERED, CallDirection, CallStatus, below
from calls.models import Call
from calls.webhooks.services import CallEntry

logger = logging.getLogger(__name__)

_OPEN = below(CallStatus.BUSY)  # statuses of a call that has not ended
_NOT_ANSWERED = [*_OPEN, *UNANSWERED]  # what an answer, however late, may still change


@dataclass(frozen=True, slots=True)
class CallEvent:
    """One call progress event, as Twilio's status callback describes it (already checked)."""

    call_sid: str
    parent_call_sid: str
    status: str
    at: datetime
    duration: int | None = None
    to: str = ""


def call_routed(*, organization_id, call_sid: str, entry: CallEntry) -> None:
    """The webhooks routed a call to or from a member: start its record (once)."""
    Call.objects.bulk_create(
        [
            Call(
                call_sid=call_sid,
                organization_id=organization_id,
                user_id=entry.user_id,
                direction=entry.direction,
                incoming=entry.incoming,
                other_party=entry.other_party,
                status=CallStatus.INITIATED,
                started_at=timezone.now(),
            )
        ],
        ignore_conflicts=True,
    )


def colleague_rung(*, organization_id, event: CallEvent, user_id, caller: str) -> None:
    """The leg of an internal call that rings a member: that member's own record (once)."""
    Call.objects.bulk_create(
        [
            Call(
                call_sid=event.call_sid,
                parent_call_sid=event.parent_call_sid,
                organization_id=organization_id,
                user_id=user_id,
                direction=CallDirection.INTERNAL,
                incoming=True,
                other_party=caller[:64],
                status=CallStatus.INITIATED,
                started_at=event.at,
            )
        ],
        ignore_conflicts=True,
    )


def leg_progressed(*, organization_id, event: CallEvent) -> int:
    """A leg the webhooks dialled moved on: it is the record's own call (a colleague rung) or
    a leg of the record's call. A leg to the forwarding number leaves the record alone: the
    member did not answer. Returns the number of records changed."""
    records = Call.objects.filter(
        Q(call_sid=event.call_sid) | Q(call_sid=event.parent_call_sid),
        organization_id=organization_id,
    )
    if event.to:
        records = records.exclude(forwarded_to=event.to)
    changes = _progress(event.status, event.at, event.duration)
    # The colleague's own record starts with the earliest event of its leg, whichever came first.
    changes["started_at"] = Case(
        When(call_sid=event.call_sid, then=Least(F("started_at"), Value(event.at))),
        default=F("started_at"),
    )
    return records.update(**changes)


def call_ended(*, organization_id, event: CallEvent) -> int:
    """The routed call itself ended (the TwiML App's status callback).

    Its end time is kept; a record whose leg never reported an outcome gets one: completed
    if it was answered, otherwise the call's own status, or canceled.
    """
    if event.status not in FINAL:
        return 0
    outcome = event.status if event.status in UNANSWERED else CallStatus.CANCELED
    return Call.objects.filter(call_sid=event.call_sid, organization_id=organization_id).update(
        status=Case(
            When(status__in=_OPEN, answered_at__isnull=False, then=Value(CallStatus.COMPLETED)),
            When(status__in=_OPEN, then=Value(outcome)),
            default=F("status"),
        ),
        ended_at=_later_end(event.at),
    )


def dial_ended(*, organization_id, call_sid: str, dial_status: str, duration: int | None) -> int:
    """The ``<Dial>`` that rang the softphone ended (Twilio's ``action`` request)."""
    status = CallStatus.COMPLETED if dial_status == "answered" else dial_status
    if status not in FINAL:
        return 0
    now = timezone.now()
    changes = _progress(status, now, duration)
    if status != CallStatus.COMPLETED:
        changes.pop("ended_at")  # voicemail or forwarding may follow: the call goes on
    return Call.objects.filter(call_sid=call_sid, organization_id=organization_id).update(**changes)


def forwarded(*, organization_id, call_sid: str, number: str) -> int:
    return Call.objects.filter(
        call_sid=call_sid, organization_id=organization_id, forwarded_to=""
    ).update(forwarded_to=number)


def hung_up(*, organization_id, call_sid: str) -> int:
    """The service ended the call (after voicemail, or by the organization's choice)."""
    return Call.objects.filter(call_sid=call_sid, organization_id=organization_id).update(
        ended_at=_later_end(timezone.now())
    )


def voicemail_recorded(
    *, organization_id, call_sid: str, recording_sid: str, duration: int | None
) -> int:
    """A voicemail's recording is ready: kept on its call's record, once; a repeat without a
    readable length keeps the length known."""
    changes = {"voicemail_sid": recording_sid}
    if duration is not None:
        changes["voicemail_duration"] = duration
    return (
        Call.objects.filter(call_sid=call_sid, organization_id=organization_id)
        .filter(Q(voicemail_sid="") | Q(voicemail_sid=recording_sid))
        .update(**changes)
    )


def _progress(status: str, at: datetime, duration: int | None) -> dict:
    """The UPDATE of a record whose dialled leg reached ``status`` at ``at``."""
    if status == CallStatus.IN_PROGRESS:
        # Answered: ringing moves on to in-progress; a record already made final as
        # unanswered (by the call's own end, come first) was answered after all.
        raise_status = Case(
            When(status__in=_OPEN, then=Value(status)),
            When(status__in=UNANSWERED, then=Value(CallStatus.COMPLETED)),
            default=F("status"),
        )
    else:
        raise_status = Case(When(status__in=below(status), then=Value(status)), default=F("status"))
    changes = {"status": raise_status}
    answered_at = None
    if status == CallStatus.IN_PROGRESS:
        answered_at = at
    elif status == CallStatus.COMPLETED and duration:
        answered_at = at - timedelta(seconds=duration)
    if answered_at is not None:
        # Once completed, the first answer known stays: a leg to the forwarding number is not
        # the member answering (it is left out before this).
        changes["answered_at"] = Case(
            When(status__in=_NOT_ANSWERED, answered_at__isnull=True, then=Value(answered_at)),
            default=F("answered_at"),
        )
    if status == CallStatus.COMPLETED and duration:
        changes["duration"] = Greatest(F("duration"), Value(duration))
    if RANK[status] >= RANK[CallStatus.BUSY]:
        changes["ended_at"] = _later_end(at)
    return changes


def _later_end(at: datetime):
    """The end time, moved only later: the last leg to end ends the call."""
    return Greatest(Coalesce(F("ended_at"), Value(at)), Value(at))
