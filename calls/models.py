"""The call log: one record per call a member placed or received through the webhooks."""

from django.conf import settings
from django.db import models

from calls.call_status import UNANSWERED, CallDirection, CallStatus

# Calls to the member that the member did not answer.
MISSED = models.Q(incoming=True, answered_at__isnull=True, status__in=UNANSWERED)
NO_VOICEMAIL = models.Q(voicemail_sid="")


class CallQuerySet(models.QuerySet):
    def missed(self):
        return self.filter(MISSED)

    def with_voicemail(self):
        return self.exclude(NO_VOICEMAIL)


class Call(models.Model):
    """A call as its member sees it, kept up to date by Twilio's status callbacks.

    ``call_sid`` is the call the webhooks routed: the softphone's call for calls it placed,
    the caller's call for calls from outside, and, for the member rung by an internal call,
    the leg that rang them (whose parent is the caller's call).
    """

    call_sid = models.CharField("Call SID", max_length=34, unique=True)
    parent_call_sid = models.CharField("parent Call SID", max_length=34, blank=True)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="calls"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="voice_calls"
    )
    direction = models.CharField(max_length=8, choices=CallDirection.choices)
    incoming = models.BooleanField(help_text="Whether the member was the one called.")
    other_party = models.CharField(
        max_length=64, blank=True, help_text="The other side's number, as Twilio gave it."
    )
    status = models.CharField(
        max_length=12, choices=CallStatus.choices, default=CallStatus.INITIATED
    )
    started_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    duration = models.PositiveIntegerField(
        "duration (seconds)", default=0, help_text="Talk time, from answer to hang-up."
    )
    forwarded_to = models.CharField(max_length=16, blank=True)
    voicemail_sid = models.CharField("voicemail recording SID", max_length=34, blank=True)
    voicemail_duration = models.PositiveIntegerField(
        "voicemail duration (seconds)", null=True, blank=True
    )

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            # The history API: a member's calls, newest first.
            models.Index(fields=["user", "-started_at", "-id"], name="calls_call_user_started_idx"),
            # Retention, and the admin's date filter.
            models.Index(fields=["started_at"], name="calls_call_started_idx"),
            models.Index(fields=["parent_call_sid"], name="calls_call_parent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} call {self.call_sid}"

    @property
    def missed(self) -> bool:
        return self.incoming and self.answered_at is None and self.status in UNANSWERED
