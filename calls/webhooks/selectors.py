"""Read helpers of the voice webhooks: one indexed query each, answering frozen values.

Users who hold numbers are read through CALLS_NUMBER_HOLDERS_RESOLVER (calls.conf).

Models are looked up when a function runs, never at import, so that the calls app still
imports without any model module.
"""

from dataclasses import dataclass, field

from django.apps import apps

from orgs.fields import SealedSecret
from orgs.voice import RING_SECONDS_DEFAULT, VOICEMAIL_SECONDS_DEFAULT


@dataclass(frozen=True, slots=True)
class WebhookOrganization:
    """What the webhooks need of the organization that a request's AccountSid names."""

    id: int
    auth_token: SealedSecret | None = field(repr=False)
    allowed_countries: str
    incoming_allow: bool
    allow_voip: bool = False
    ring_seconds: int = RING_SECONDS_DEFAULT
    unanswered: str = "voicemail"
    voicemail_greeting: str = ""
    voicemail_max_seconds: int = VOICEMAIL_SECONDS_DEFAULT


_COLUMNS = (
    "pk",
    "twilio_auth_token",
    "twilio_allowed_countries",
    "twilio_incoming_allow",
    "twilio_allow_voip",
    "twilio_ring_seconds",
    "twilio_unanswered",
    "twilio_voicemail_greeting",
    "twilio_voicemail_max_seconds",
)


def organization_by_account_sid(account_sid: str) -> WebhookOrganization | None:
    """The organization with this Account SID, if any (a unique constraint allows one)."""
    return _first(twilio_account_sid=account_sid)


def organization_by_id(organization_id) -> WebhookOrganization | None:
    return _first(pk=organization_id)


def _first(**lookup) -> WebhookOrganization | None:
    organization_model = apps.get_model("orgs", "Organization")
    rows = organization_model.objects.filter(**lookup).order_by("pk").values_list(*_COLUMNS)
    row = rows.first()
    return None if row is None else WebhookOrganization(*row)
