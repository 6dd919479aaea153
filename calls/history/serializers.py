"""Output shapes of the history endpoint."""

from datetime import UTC

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from calls.call_status import CallDirection, CallStatus


def _moment(source: str, help_text: str, *, null: bool = False) -> serializers.DateTimeField:
    return serializers.DateTimeField(
        source=source, format="iso-8601", default_timezone=UTC, allow_null=null, help_text=help_text
    )


@extend_schema_serializer(component_name="CallsHistoryEntry")
class CallEntrySerializer(serializers.Serializer):
    """One call the member placed or received."""

    id = serializers.IntegerField(help_text="The call's id in this service.")
    direction = serializers.ChoiceField(
        CallDirection.choices,
        help_text="inbound (from outside), outbound (to outside) or internal (between members).",
    )
    incoming = serializers.BooleanField(help_text="Whether the member was the one called.")
    otherParty = serializers.CharField(
        source="other_party", help_text="The other side's number, as Twilio gave it."
    )
    status = serializers.ChoiceField(
        CallStatus.choices,
        help_text="Twilio's status of the leg that rang the member (incoming) or the number the "
        "member dialled (outgoing).",
    )
    missed = serializers.BooleanField(
        help_text="An incoming call the member did not answer (busy, no-answer, canceled or "
        "failed)."
    )
    startedAt = _moment("started_at", "When the call reached the service, UTC.")
    answeredAt = _moment("answered_at", "When it was answered; null if never.", null=True)
    endedAt = _moment("ended_at", "When it ended; null while it goes on.", null=True)
    duration = serializers.IntegerField(help_text="Talk time in seconds; 0 if not answered.")
    forwardedTo = serializers.CharField(
        source="forwarded_to",
        allow_null=True,
        help_text="The forwarding number the unanswered call went on to; null if none.",
    )
    hasVoicemail = serializers.BooleanField(help_text="Whether the caller left a voicemail.")
    voicemailDuration = serializers.IntegerField(
        source="voicemail_duration",
        allow_null=True,
        help_text="The voicemail's length in seconds; null without one.",
    )
    voicemailUrl = serializers.CharField(
        allow_null=True,
        help_text="Where this API serves the voicemail's audio (GET, same bearer token); null "
        "without one.",
    )


@extend_schema_serializer(component_name="CallsHistoryPage")
class CallHistoryPageSerializer(serializers.Serializer):
    """A page of the member's calls, newest first."""

    results = CallEntrySerializer(many=True)
    next = serializers.CharField(
        allow_null=True,
        help_text="The URL of the next (older) page, with the same filters; null on the last page.",
    )
