"""The words of the call log: directions and statuses, and the order statuses move in.

No models here, so that the webhooks' decisions can use them without the app registry.
"""

from django.db import models


class CallDirection(models.TextChoices):
    INBOUND = "inbound", "Inbound (from outside)"
    OUTBOUND = "outbound", "Outbound (to outside)"
    INTERNAL = "internal", "Internal (between members)"


class CallStatus(models.TextChoices):
    """Twilio's CallStatus values: how far the call to the member (or placed by the member)
    got. For an incoming call this is the status of the leg that rang the softphone."""

    QUEUED = "queued", "Queued"
    INITIATED = "initiated", "Initiated"
    RINGING = "ringing", "Ringing"
    IN_PROGRESS = "in-progress", "Answered"
    COMPLETED = "completed", "Completed"
    BUSY = "busy", "Busy"
    NO_ANSWER = "no-answer", "No answer"
    CANCELED = "canceled", "Canceled"
    FAILED = "failed", "Failed"


# A status only ever moves to a higher rank: callbacks may come twice or out of order. An
# answered end outranks an unanswered one: an answer reported late still counts, after the
# call's own end made the record final as unanswered.
RANK = {
    CallStatus.QUEUED: 0,
    CallStatus.INITIATED: 1,
    CallStatus.RINGING: 2,
    CallStatus.IN_PROGRESS: 3,
    CallStatus.BUSY: 4,
    CallStatus.NO_ANSWER: 4,
    CallStatus.CANCELED: 4,
    CallStatus.FAILED: 4,
    CallStatus.COMPLETED: 5,
}
FINAL = frozenset(status for status, rank in RANK.items() if rank >= 4)
# A call to the member that ended without the member answering.
UNANSWERED = frozenset(
    {CallStatus.BUSY, CallStatus.NO_ANSWER, CallStatus.CANCELED, CallStatus.FAILED}
)


def below(status: str) -> list[str]:
    """The statuses a record may move from to ``status``: those of a lower rank."""
    return [other for other, rank in RANK.items() if rank < RANK[status]]
